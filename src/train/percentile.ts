import { checkArrayLike, checkNumbers, describe } from "../validate/checks";

/**
 * The p-th percentile (0 … 100) of the values, interpolating linearly between
 * the two nearest ranks (NumPy's default, `np.percentile`). Like NumPy, any NaN
 * among the values makes the result NaN (use the values without NaN to ignore
 * them, as np.nanpercentile does).
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentilesOf("percentile", values, [p])[0];
}

/** Several percentiles of the same values (sorts once). */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  return percentilesOf("percentiles", values, ps);
}

function percentilesOf(where: string, values: ArrayLike<number>, ps: readonly number[]): number[] {
  checkNumbers(where, "values", values);
  checkArrayLike(where, "ps", ps);
  ps.forEach((p, i) => {
    if (typeof p !== "number" || !(p >= 0 && p <= 100)) {
      throw new RangeError(`${where}: p must be in [0, 100], got ${describe(p)}${ps.length > 1 ? ` (ps[${i}])` : ""}`);
    }
  });
  if (values.length === 0) throw new RangeError(`${where}: expected at least one value, got none (the percentile of nothing is undefined)`);
  const sorted = Float64Array.from(values).sort(); // NaN sorts last
  if (Number.isNaN(sorted[sorted.length - 1])) return ps.map(() => NaN); // as np.percentile
  return ps.map((p) => {
    const rank = (p / 100) * (sorted.length - 1);
    const lo = Math.floor(rank);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
  });
}
