/**
 * The checks every figure builder makes on its options before it draws: a count
 * (maxPoints, bins) must be a whole number ≥ 1, and sizes and ranges must be finite numbers.
 */
import { checkArrayLike, checkInteger, checkNumber, checkNumbers, checkOptions, describe } from "../validate/checks";

/** The options bag, checked to be an object, with its common fields (maxPoints, bins, height, range) checked too. */
export function checkChartOptions<T extends object>(where: string, opts: T | undefined): T {
  const o = checkOptions(where, opts) as T & { maxPoints?: unknown; bins?: unknown; height?: unknown; range?: unknown; xRange?: unknown; yRange?: unknown };
  if (o.maxPoints !== undefined) checkInteger(where, "maxPoints", o.maxPoints, { min: 1, hint: "the most points a line keeps (default 400)" });
  if (o.bins !== undefined) checkInteger(where, "bins", o.bins, { min: 1, max: 10_000, hint: "the number of histogram bars (default 40)" });
  if (o.height !== undefined) checkNumber(where, "height", o.height, { min: 0, minInclusive: false, hint: "in pixels, e.g. 400" });
  if (o.range !== undefined) checkRange(where, "range", o.range);
  if (o.xRange !== undefined) checkRange(where, "xRange", o.xRange);
  if (o.yRange !== undefined) checkRange(where, "yRange", o.yRange);
  return o;
}

/** [low, high] with finite low < high. */
export function checkRange(where: string, what: string, range: unknown): void {
  const r = checkNumbers(where, what, range, true);
  if (r.length !== 2 || !(r[0] < r[1])) {
    throw new RangeError(`${where}: ${what} must be [low, high] with low < high, got ${Array.isArray(range) ? JSON.stringify(range) : describe(range)}`);
  }
}

/** A list of objects (series, bands, frames): each entry an object the builder reads fields of, described by `shape` (e.g. "{ name, values }"). */
export function checkObjects(where: string, what: string, items: unknown, shape = "an object"): void {
  const list = checkArrayLike(where, what, items);
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (item === null || typeof item !== "object") throw new TypeError(`${where}: ${what}[${i}] must be ${shape}, got ${describe(item)}`);
  }
}

/** x and y of a series: arrays of numbers of the same length. */
export function checkXY(where: string, what: string, x: unknown, y: unknown): void {
  const xs = checkNumbers(where, `${what}.x`, x);
  const ys = checkNumbers(where, `${what}.y`, y);
  if (xs.length !== ys.length) {
    throw new RangeError(`${where}: ${what} has ${xs.length} x values and ${ys.length} y values; give one x per y`);
  }
}
