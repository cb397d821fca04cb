/**
 * The checks every backend entry point makes before it touches memory: sizes
 * are non-negative integers, and every array is a Float64Array holding at
 * least as many numbers as the sizes say (longer arrays are fine: only their
 * first entries are read and written). A short array would make the plain
 * loops read `undefined` (NaN) and the WebAssembly backend read stale memory, so
 * it is refused with a RangeError that names the function and the argument.
 * The native backend makes the same checks in C (backends/native/backend.c).
 */
import { describe } from "../validate/checks";

/** Throw unless every size is a non-negative integer. */
export function checkSizes(fn: string, sizes: Record<string, number>): void {
  for (const [name, v] of Object.entries(sizes)) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new RangeError(`bnlab backend: ${fn}: size ${name} must be a non-negative integer, got ${describe(v)}`);
    }
  }
}

/** Throw unless `array` is a Float64Array of at least `need` numbers (or null, when `nullable`). */
export function checkArray(fn: string, name: string, array: unknown, need: number, nullable = false): void {
  if (array === null && nullable) return;
  if (!(array instanceof Float64Array)) {
    throw new TypeError(`bnlab backend: ${fn}: ${name}: expected a Float64Array${nullable ? " or null" : ""}, got ${describe(array)}`);
  }
  if (array.length < need) {
    throw new RangeError(
      `bnlab backend: ${fn}: an array is shorter than its sizes say: ${name} holds ${array.length} numbers, the sizes need ${need}`,
    );
  }
}

/** The products' checks: a (m×k or k×m), b (k×n or n×k) and out (m×n). */
export function checkProduct(fn: string, a: unknown, b: unknown, out: unknown, m: number, k: number, n: number): void {
  checkSizes(fn, { m, k, n });
  checkArray(fn, "a", a, m * k);
  checkArray(fn, "b", b, k * n);
  checkArray(fn, "out", out, m * n);
}

// ---- the fused passes' checks ----

export function checkBatchNormStats(x: Float64Array, mean: Float64Array, variance: Float64Array, n: number, c: number): void {
  checkSizes("batchNormStats", { n, c });
  checkArray("batchNormStats", "x", x, n * c);
  checkArray("batchNormStats", "mean", mean, c);
  checkArray("batchNormStats", "variance", variance, c);
}

export function checkBatchNormNormalize(
  x: Float64Array, mean: Float64Array, invStd: Float64Array, gamma: Float64Array | null, beta: Float64Array | null,
  xhat: Float64Array, y: Float64Array, n: number, c: number,
): void {
  const fn = "batchNormNormalize";
  checkSizes(fn, { n, c });
  checkArray(fn, "x", x, n * c);
  checkArray(fn, "mean", mean, c);
  checkArray(fn, "invStd", invStd, c);
  checkArray(fn, "gamma", gamma, c, true);
  checkArray(fn, "beta", beta, c, true);
  checkArray(fn, "xhat", xhat, n * c);
  if (gamma !== null) checkArray(fn, "y", y, n * c);
}

export function checkBatchNormBackward(
  dy: Float64Array, xhat: Float64Array, invStd: Float64Array, gamma: Float64Array | null,
  dgamma: Float64Array | null, dbeta: Float64Array | null, dx: Float64Array, n: number, c: number,
): void {
  const fn = "batchNormBackward";
  checkSizes(fn, { n, c });
  checkArray(fn, "dy", dy, n * c);
  checkArray(fn, "xhat", xhat, n * c);
  checkArray(fn, "invStd", invStd, c);
  checkArray(fn, "gamma", gamma, c, true);
  checkArray(fn, "dgamma", dgamma, c, true);
  checkArray(fn, "dbeta", dbeta, c, true);
  checkArray(fn, "dx", dx, n * c);
}

export function checkSigmoid(x: Float64Array, y: Float64Array, len: number): void {
  checkSizes("sigmoid", { len });
  checkArray("sigmoid", "x", x, len);
  checkArray("sigmoid", "y", y, len);
}
