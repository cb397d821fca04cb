import { Matrix } from "../tensor/matrix";
import { DEFAULT_TOLERANCE, Tolerance, closeMatrices } from "./compare";
import { Mistake, Outputs } from "./engine";

/**
 * Mistakes any exercise can show, whatever its formula: the same answer for every input, a result
 * laid out transposed, two fields swapped. Each is a predicate on the learner's outputs of every
 * case (see Mistake in engine.ts).
 */

const same = (a: Matrix, b: Matrix, tol: Tolerance = DEFAULT_TOLERANCE) => closeMatrices(a, b, tol);

/** The same values under `keys` on every case although the right answers differ. */
export function constantOutput<I>(keys: string[], message?: string): Mistake<I> {
  return {
    ids: ["constant-output"],
    ...(message ? { message } : {}),
    matchesAll: (got, _inputs, expected) => {
      if (got.length < 2 || got.some((g) => keys.some((k) => g[k].data.some((v) => Number.isNaN(v))))) return false;
      const constant = (os: Outputs[]) => os.every((o) => keys.every((k) => o[k].rows === os[0][k].rows && o[k].cols === os[0][k].cols && same(o[k], os[0][k])));
      return constant(got) && !constant(expected);
    },
  };
}

/** Every key right up to its layout, and at least one transposed (D×1 for 1×D, D×N for N×D). */
export function transposedOutput<I>(keys?: string[]): Mistake<I> {
  return {
    ids: ["transposed-output"],
    matchesAll: (got, _inputs, expected) => {
      let anyTransposed = false;
      const ok = got.every((g, i) =>
        (keys ?? Object.keys(expected[i])).every((k) => {
          const e = expected[i][k];
          if (same(g[k], e)) return true;
          if (e.rows === 1 && e.cols === 1) return false;
          const t = g[k].rows === e.cols && g[k].cols === e.rows && same(g[k].transpose(), e);
          if (t) anyTransposed = true;
          return t;
        }),
      );
      return ok && anyTransposed;
    },
  };
}

/** Fields a and b hold each other's right values (the rest right). */
export function swappedFields<I>(a: string, b: string, message?: string): Mistake<I> {
  return {
    ids: ["swapped-fields"],
    ...(message ? { message } : {}),
    matches: (got, _input, expected) =>
      closeMatrices(got[a], expected[b], DEFAULT_TOLERANCE, true) &&
      closeMatrices(got[b], expected[a], DEFAULT_TOLERANCE, true) &&
      !closeMatrices(expected[a], expected[b], DEFAULT_TOLERANCE, true) &&
      Object.keys(expected).every((k) => k === a || k === b || same(got[k], expected[k])),
  };
}

/** A prediction as a mistake (outputs compared on `keys`, default all). */
export function predicted<I>(ids: Mistake<I>["ids"], outputs: (input: I) => Outputs, message?: string, keys?: string[]): Mistake<I> {
  return { ids, outputs, ...(message ? { message } : {}), ...(keys ? { keys } : {}) };
}
