import { Matrix } from "../tensor/matrix";
import { Rng } from "../random/rng";
import { formatNumber } from "./compare";

/**
 * Test inputs the checkers run learners' code on. Seeded, so messages quote the same numbers every
 * time. Batches are never square (a statistic over the wrong axis has the wrong shape) and small
 * (N versus N − 1 matters); one feature has a variance near 1e-5 (where ε's placement matters).
 */

/** Column j drawn from N(means[j], stds[j]²). */
export function featureBatch(rng: Rng, rows: number, means: readonly number[], stds: readonly number[]): Matrix {
  const x = new Matrix(rows, means.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < means.length; j++) x.set(i, j, round(rng.normal(means[j], stds[j]), stds[j]));
  }
  return x;
}

/** A row of values, e.g. γ. */
export function randomRow(rng: Rng, cols: number, low: number, high: number): Matrix {
  return Matrix.row(Array.from({ length: cols }, () => round(rng.uniform(low, high), high - low)));
}

/** Keep 4 significant digits of the spread, so messages show short numbers. */
function round(v: number, scale: number): number {
  if (!(Math.abs(scale) > 0)) return v; // a constant feature (spread 0): nothing to round to
  const q = Math.pow(10, Math.floor(Math.log10(Math.abs(scale))) - 3);
  return Math.round(v / q) * q;
}

/**
 * The batches of the statistics exercises: 5×3 (with a tiny-variance feature), 2×4 (N = 2), 4×6,
 * 3×5 with a constant feature (variance 0: only ε keeps the division finite), and 6×2 far from 0.
 * None is square, none is a lesson's demo batch.
 */
export function statsBatches(seed: string): Array<{ label: string; x: Matrix }> {
  const rng = new Rng(seed);
  const constant = featureBatch(rng, 3, [0.5, 2, -1, 1, 3], [1, 0, 0.8, 2, 0.5]);
  for (let i = 0; i < constant.rows; i++) constant.set(i, 1, 2);
  return [
    { label: "a 5×3 batch (feature 2 has a variance near 1e-5)", x: featureBatch(rng, 5, [2, -1, 0.5], [1.5, 0.7, 0.003]) },
    { label: "a 2×4 batch", x: featureBatch(rng, 2, [0, 1, -3, 4], [1, 2, 0.5, 3]) },
    { label: "a 4×6 batch", x: featureBatch(rng, 4, [1, -2, 0, 3, 0.5, -1], [0.8, 1.2, 2, 0.4, 1, 0.01]) },
    { label: "a 3×5 batch (feature 1 is constant)", x: constant },
    { label: "a 6×2 batch far from 0", x: featureBatch(rng, 6, [40, -25], [3, 0.5]) },
  ];
}

/** The ε of each statistics batch for the exercises that take one (not always the default 1e-5). */
const STATS_EPS = [1e-5, 1e-3, 1e-5, 0.01, 0.1];

/** The statistics batches, each with its ε: the cases of the exercises that take (x, eps), labelled "…, ε = 1e-5". */
export function epsBatches(seed: string): Array<{ label: string; input: { x: Matrix; eps: number } }> {
  return statsBatches(seed).map((b, i) => ({ label: `${b.label}, ε = ${formatNumber(STATS_EPS[i])}`, input: { x: b.x, eps: STATS_EPS[i] } }));
}

/** The shapes of a statistic taken over the wrong axis of x (N×1 or 1×N) or transposed (D×1). */
export function perExampleShapes(x: Matrix): Array<[number, number]> {
  return [
    [x.rows, 1],
    [1, x.rows],
    [x.cols, 1],
  ];
}

/** The seed of the notebook's own checks; each checker draws from `${seed}/<exercise>`. */
export const NOTEBOOK_SEED = "bnlab/exercises";
