import { Matrix } from "../tensor/matrix";
import { Rng } from "../random/rng";
import { Dataset } from "./dataset";
import { checkNumber, checkOptions } from "../validate/checks";

/** The most points a synthetic set may have. */
const MAX_POINTS = 10_000_000;

export interface TwoSpiralsOptions {
  /** Number of points in all (half per spiral; default 400). */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.05). */
  noise?: number;
  /** Seed (default 0). */
  seed?: number;
  /** How many turns each spiral makes (default 1.5). */
  turns?: number;
}

/**
 * Two interleaved spirals in the plane, class 0 and class 1: a classic problem
 * that no linear model solves. Points lie within about [−1, 1]², in a shuffled order.
 */
export function twoSpirals(options: TwoSpiralsOptions = {}): Dataset {
  checkOptions("twoSpirals", options);
  if (options.seed !== undefined) checkNumber("twoSpirals", "seed", options.seed);
  const n = checkCount("twoSpirals", "n", options.n === undefined ? 400 : options.n, 2);
  const noise = checkNonNegative("twoSpirals", "noise", options.noise === undefined ? 0.05 : options.noise);
  const turns = checkNonNegative("twoSpirals", "turns", options.turns === undefined ? 1.5 : options.turns);
  const rng = new Rng(`two-spirals/${options.seed ?? 0}`);
  const points: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = rng.uniform(0.05, 1); //                                   position along the spiral
    const angle = t * turns * 2 * Math.PI + label * Math.PI; //         the second spiral is the first, rotated 180°
    const x = t * Math.cos(angle) + rng.normal(0, noise);
    const y = t * Math.sin(angle) + rng.normal(0, noise);
    points.push([x, y, label]);
  }
  return fromPoints(rng.shuffle(points), 2, 2, `two spirals (${n})`);
}

/** Rows of [features…, label] into a Dataset. */
function fromPoints(rows: number[][], dims: number, numClasses: number, name: string): Dataset {
  const x = new Matrix(rows.length, dims);
  rows.forEach((r, i) => x.data.set(r.slice(0, dims), i * dims));
  const y = rows.map((r) => r[dims]);
  return { x, y, numClasses, name };
}

function checkCount(where: string, what: string, v: number, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new RangeError(`${where}: ${what} must be an integer ≥ ${min}, got ${String(v)}`);
  if (v > MAX_POINTS) {
    throw new RangeError(`${where}: ${what} must be at most ${MAX_POINTS.toLocaleString("en-US")} (a synthetic set is built point by point in memory), got ${v}`);
  }
  return v;
}

function checkNonNegative(where: string, what: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${where}: ${what} must be a finite number ≥ 0, got ${v}`);
  return v;
}
