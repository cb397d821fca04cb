/**
 * Histogram binning done in TypeScript, so that a figure carries ~40 bar heights instead of
 * thousands of raw activations.
 */

export interface Bins {
  /** Left edges; bin i covers [edges[i], edges[i] + width). */
  edges: number[];
  width: number;
}

/** `count` equal-width bins covering [lo, hi] (a range with lo < hi, e.g. jointRange's). */
export function makeBins(count: number, [lo, hi]: readonly [number, number]): Bins {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`makeBins: the number of bins must be an integer ≥ 1, got ${count}`);
  const width = (hi - lo) / count;
  return { edges: Array.from({ length: count }, (_, i) => lo + i * width), width };
}

/** Probability density per bin (the bars integrate to 1); values outside the bins are dropped. */
export function density(values: readonly number[], bins: Bins): number[] {
  const counts = new Array<number>(bins.edges.length).fill(0);
  const lo = bins.edges[0];
  const n = bins.edges.length;
  let total = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    total++;
    let i = Math.floor((v - lo) / bins.width);
    if (i === n && v <= lo + n * bins.width * (1 + 1e-12)) i = n - 1;
    if (i >= 0 && i < n) counts[i]++;
  }
  return counts.map((c) => (total > 0 ? c / (total * bins.width) : 0));
}

/** The range of several groups together, for bins shared by overlaid histograms. */
export function jointRange(groups: readonly (readonly number[])[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const g of groups)
    for (const v of g) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (!Number.isFinite(lo)) return [0, 1];
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}
