/**
 * The experiments' argument checks: each experiment names itself (as
 * "lesson.function") and refuses a bad argument before it loads data or trains.
 */
import { Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { checkMatrix } from "../tensor/matrix";
import { checkDataset } from "../data/dataset";
import { checkArrayLike, checkBoolean, checkFunction, checkInteger, checkNumber, checkNumbers, checkOneOf, checkOptions, describe } from "../validate/checks";
import { History } from "../train/fit";

export { checkArrayLike, checkBoolean, checkFunction, checkInteger, checkMatrix, checkNumber, checkNumbers, checkOneOf, checkOptions, checkDataset, describe };

export function checkModel(where: string, model: unknown, sequential = false): void {
  const ok = sequential ? model instanceof Sequential : model instanceof Module;
  if (!ok) throw new TypeError(`${where}: model must be ${sequential ? "a Sequential" : "a model (a Module)"}, got ${describe(model)}`);
}

/** A momentum in PyTorch's convention: a number in [0, 1]. */
export function checkMomentum(where: string, momentum: unknown): number {
  return checkNumber(where, "momentum", momentum, { min: 0, max: 1, hint: "the weight of the new batch, e.g. 0.1" });
}

/** Positive counts among the options (steps, batchSize, trials, …), when given. */
export function checkCounts(where: string, options: Record<string, unknown>, keys: string[], min = 1): void {
  for (const k of keys) if (options[k] !== undefined) checkInteger(where, k, options[k], { min });
}

/** A learning rate: a finite number > 0. */
export function checkLr(where: string, lr: unknown, what = "lr"): number {
  return checkNumber(where, what, lr, { min: 0, minInclusive: false });
}

/** A non-empty list whose entries each pass `entry` (named what[i] in the message). */
export function checkNonEmptyList<T>(where: string, what: string, v: unknown, describeEntries: string, entry: (where: string, what: string, e: unknown) => T): T[] {
  const list = checkArrayLike(where, what, v);
  if (list.length === 0) throw new RangeError(`${where}: ${what} must be a non-empty list of ${describeEntries}, got an array of length 0`);
  return Array.from(list, (e, i) => entry(where, `${what}[${i}]`, e));
}

/** Seeds: a non-empty list of integers. */
export function checkSeeds(where: string, seeds: unknown): number[] {
  return checkNonEmptyList(where, "seeds", seeds, "integers", (w, what, e) => checkInteger(w, what, e));
}

/** What fit returns (its eval record at least). */
export function checkHistory(where: string, history: unknown): History {
  const h = history as History | null;
  if (h === null || typeof h !== "object" || typeof h.eval !== "object" || h.eval === null || !Array.isArray(h.eval.testAccuracy)) {
    throw new TypeError(`${where}: history must be a History (what fit returns), got ${describe(history)}`);
  }
  return h;
}
