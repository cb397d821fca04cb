/** fn's result, computed at the first call and kept for the process (the lessons' data sets and probe batches). */
export function once<T>(fn: () => T): () => T {
  let value: { result: T } | null = null;
  return () => (value ??= { result: fn() }).result;
}
