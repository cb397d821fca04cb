/**
 * A small pool: run `work` on every item with at most `concurrency` running at once. Results come
 * back in the items' order whatever order they finish in; `work` must not throw (a thrown error
 * is passed to `onError` and its slot gets that function's value).
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  hooks: { onStart?(item: T, index: number): void; onDone?(item: T, index: number, result: R): void; onError(item: T, error: unknown): R },
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      hooks.onStart?.(item, index);
      let result: R;
      try {
        result = await work(item, index);
      } catch (err) {
        result = hooks.onError(item, err);
      }
      results[index] = result;
      hooks.onDone?.(item, index, result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
