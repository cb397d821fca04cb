/**
 * The experiments' argument checks: each experiment names itself (as
 * "lesson.function") and refuses a bad argument before it loads data or trains.
 */
import { Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { checkMatrix, Matrix } from "../tensor/matrix";
import { checkDataset, Dataset } from "../data/dataset";
import { checkArrayLike, checkFunction, checkInteger, checkNumber, checkNumbers, checkOptions, describe } from "../validate/checks";

export { checkArrayLike, checkFunction, checkInteger, checkNumber, checkNumbers, checkOptions, checkDataset, describe };

export function checkModel(where: string, model: unknown, sequential = false): void {
  const ok = sequential ? model instanceof Sequential : model instanceof Module;
  if (!ok) throw new TypeError(`${where}: model must be ${sequential ? "a Sequential" : "a model (a Module)"}, got ${describe(model)}`);
}

export function checkX(where: string, what: string, x: unknown): asserts x is Matrix {
  checkMatrix(where, what, x);
}

/** A momentum in PyTorch's convention: a number in [0, 1]. */
export function checkMomentum(where: string, momentum: unknown, open = false): number {
  return checkNumber(where, "momentum", momentum, { min: 0, max: 1, minInclusive: !open, maxInclusive: !open || undefined, hint: "the weight of the new batch, e.g. 0.1" });
}

/** Positive counts among the options (steps, batchSize, trials, …), when given. */
export function checkCounts(where: string, options: Record<string, unknown>, keys: string[], min = 1): void {
  for (const k of keys) if (options[k] !== undefined) checkInteger(where, k, options[k], { min });
}

export type { Dataset };
