/**
 * The one argument checker of every backend entry point, run before it touches
 * memory: sizes are non-negative integers, and every array is a Float64Array
 * (an Int32Array for max pooling's argmax) holding at least as many numbers as
 * the sizes say (longer arrays are fine: only their first entries are read and
 * written). A short array would make the plain loops read `undefined` (NaN) and
 * the WebAssembly backend read stale memory, so it is refused with a RangeError
 * that names the function and the argument. The native backend makes the same
 * checks in C (backends/native/backend.c).
 */
import { describe } from "../validate/checks";

/** Throw a RangeError naming the backend function. */
export function fail(fn: string, message: string): never {
  throw new RangeError(`bnlab backend: ${fn}: ${message}`);
}

/** Throw unless every size is a non-negative integer (and those named in `positive` at least 1). */
export function checkSizes(fn: string, sizes: Record<string, number>, positive: readonly string[] = []): void {
  for (const [name, v] of Object.entries(sizes)) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      fail(fn, `size ${name} must be a non-negative integer, got ${describe(v)}`);
    }
    if (v === 0 && positive.includes(name)) fail(fn, `size ${name} must be at least 1`);
  }
}

/** Throw unless `array` is a Float64Array (or `type`) of at least `need` numbers (or null, when `nullable`). */
export function checkArray(
  fn: string, name: string, array: unknown, need: number, nullable = false,
  type: typeof Float64Array | typeof Int32Array = Float64Array,
): void {
  if (array === null && nullable) return;
  if (!(array instanceof type)) {
    throw new TypeError(`bnlab backend: ${fn}: ${name}: expected a ${type.name}${nullable ? " or null" : ""}, got ${describe(array)}`);
  }
  if (array.length < need) {
    fail(fn, `an array is shorter than its sizes say: ${name} holds ${array.length} numbers, the sizes need ${need}`);
  }
}

/** The products' checks: a (m×k or k×m), b (k×n or n×k) and out (m×n). */
export function checkProduct(fn: string, a: unknown, b: unknown, out: unknown, m: number, k: number, n: number): void {
  checkSizes(fn, { m, k, n });
  checkArray(fn, "a", a, m * k);
  checkArray(fn, "b", b, k * n);
  checkArray(fn, "out", out, m * n);
}

// ---- the batch-norm passes' checks, over n × c × p (p = 1 for batchNorm*, h·w for batchNorm2d*) ----

export function checkBatchNormStats(fn: string, x: Float64Array, mean: Float64Array, variance: Float64Array, n: number, c: number, p = 1): void {
  checkSizes(fn, { n, c, p });
  checkArray(fn, "x", x, n * c * p);
  checkArray(fn, "mean", mean, c);
  checkArray(fn, "variance", variance, c);
}

export function checkBatchNormNormalize(
  fn: string, x: Float64Array, mean: Float64Array, invStd: Float64Array, gamma: Float64Array | null, beta: Float64Array | null,
  xhat: Float64Array, y: Float64Array, n: number, c: number, p = 1,
): void {
  checkSizes(fn, { n, c, p });
  checkArray(fn, "x", x, n * c * p);
  checkArray(fn, "mean", mean, c);
  checkArray(fn, "invStd", invStd, c);
  checkArray(fn, "gamma", gamma, c, true);
  checkArray(fn, "beta", beta, c, true);
  checkArray(fn, "xhat", xhat, n * c * p);
  if (gamma !== null) checkArray(fn, "y", y, n * c * p);
}

export function checkBatchNormBackward(
  fn: string, dy: Float64Array, xhat: Float64Array, invStd: Float64Array, gamma: Float64Array | null,
  dgamma: Float64Array | null, dbeta: Float64Array | null, dx: Float64Array, n: number, c: number, p = 1,
): void {
  checkSizes(fn, { n, c, p });
  checkArray(fn, "dy", dy, n * c * p);
  checkArray(fn, "xhat", xhat, n * c * p);
  checkArray(fn, "invStd", invStd, c);
  checkArray(fn, "gamma", gamma, c, true);
  checkArray(fn, "dgamma", dgamma, c, true);
  checkArray(fn, "dbeta", dbeta, c, true);
  checkArray(fn, "dx", dx, n * c * p);
}

// ---- the elementwise passes' checks (sigmoid, relu, axpy, …, in every backend) ----

/** An elementwise pass over the first len entries: len a size, and each array (named in order) a Float64Array of at least len numbers. */
export function checkElementwise(fn: string, len: number, arrays: Record<string, unknown>): void {
  checkSizes(fn, { len });
  for (const [name, array] of Object.entries(arrays)) checkArray(fn, name, array, len);
}

export function checkAxpy(alpha: number, x: Float64Array, y: Float64Array, len: number): void {
  if (typeof alpha !== "number") throw new TypeError(`bnlab backend: axpy: alpha must be a number, got ${describe(alpha)}`);
  checkElementwise("axpy", len, { x, y });
}

/** sumRows (x, out) and addRow (x, row): x is rows × cols, the other array one row. */
export function checkRowPass(fn: "sumRows" | "addRow", x: Float64Array, row: Float64Array, rows: number, cols: number): void {
  checkSizes(fn, { rows, cols });
  checkArray(fn, "x", x, rows * cols);
  checkArray(fn, fn === "sumRows" ? "out" : "row", row, cols);
}
