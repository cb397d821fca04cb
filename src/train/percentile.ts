/**
 * The p-th percentile (0 … 100) of the values, interpolating linearly between
 * the two nearest ranks (NumPy's default, `np.percentile`).
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentiles(values, [p])[0];
}

/** Several percentiles of the same values (sorts once). */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError("percentile: no values");
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
    const rank = (p / 100) * (sorted.length - 1);
    const lo = Math.floor(rank);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
  });
}
