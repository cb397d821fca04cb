/**
 * The checks the layers' constructors share: sizes are whole numbers, ε is a
 * finite number ≥ 0, flags are booleans, and a layer too large to allocate is
 * refused with its name and the memory it would need (rather than the engine's
 * "Invalid typed array length").
 */
import * as os from "os";
import { Rng } from "../random/rng";
import { checkBoolean, checkInteger, checkNumber, checkOptions, describe, float64Bytes, MAX_FLOAT64_ARRAY } from "../validate/checks";

/** A size argument: an integer ≥ 1. */
export function checkSize(layer: string, what: string, v: unknown): number {
  return checkInteger(layer, what, v, { min: 1 });
}

/** ε: a finite number ≥ 0 (added to the variance under the square root). */
export function checkEps(layer: string, eps: unknown): number {
  return checkNumber(layer, "eps", eps, { min: 0, hint: "typically 1e-5" });
}

export { checkBoolean, checkOptions };

/** The generator option of a layer that draws random numbers: an Rng, or undefined for the default seed 0. */
export function checkRng(layer: string, rng: unknown): Rng {
  if (rng === undefined) return new Rng(0);
  if (!(rng instanceof Rng)) throw new TypeError(`${layer}: rng must be an Rng (e.g. new Rng(0)), got ${describe(rng)}`);
  return rng;
}

/**
 * Build a layer's matrices, or say which layer would need how much memory.
 * `matrices` lists each matrix the layer allocates ([what, rows, cols]);
 * parameters count twice (their gradient has the same shape).
 */
export function allocateLayer<T>(layer: string, matrices: Array<[string, number, number, boolean]>, build: () => T): T {
  const total = matrices.reduce((sum, [, r, c, isParameter]) => sum + r * c * (isParameter ? 2 : 1), 0);
  const need = `${float64Bytes(total)} for its ${matrices.map(([what, r, c]) => `${what} [${r}, ${c}]`).join(", ")}${
    matrices.some(([, , , p]) => p) ? " and their gradients" : ""
  }`;
  for (const [what, r, c] of matrices) {
    if (r * c > MAX_FLOAT64_ARRAY) {
      throw new RangeError(
        `${layer}: too large: it would need ${need}; its ${what} alone holds ${(r * c).toExponential(2)} numbers, ` +
          `more than one array can hold here (${MAX_FLOAT64_ARRAY}). Use fewer features.`,
      );
    }
  }
  if (total * 8 > os.totalmem()) {
    throw new RangeError(
      `${layer}: too large: it would need ${need}, more than this machine's memory (${float64Bytes(os.totalmem() / 8)}). Use fewer features.`,
    );
  }
  try {
    return build();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new RangeError(`${layer}: cannot allocate it: it would need ${need} (${e.message}). Use fewer features.`);
    }
    throw e;
  }
}
