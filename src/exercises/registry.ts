/**
 * The exercises, once: each id with its checker spec, the lessons whose cells call it, and the
 * library names an answer may not use (the library's own version of what the exercise asks).
 * `check`, `checkers` (check.ts), the grader's collect/judge protocol (protocol.ts) and the
 * grader's delegation rules are derived from this table; the tests' reference solutions
 * (test/helpers/solutions) are typed by it, and test/exercises-registry.test.ts holds the README table and the lessons'
 * check cells to it.
 */
import { ExerciseSpec } from "./engine";
import { batchStatsSpec } from "./checkers/batch-stats";
import { normalizeSpec } from "./checkers/normalize";
import { batchNormForwardSpec } from "./checkers/batchnorm-forward";
import { batchNormBackwardSpec } from "./checkers/batchnorm-backward";
import { recoverIdentitySpec } from "./checkers/recover-identity";
import { updateRunningStatsSpec } from "./checkers/running-stats";
import { newBatchWeightSpec } from "./checkers/new-batch-weight";
import { forwardWithModeSpec } from "./checkers/forward-with-mode";
import { evaluateAccuracySpec } from "./checkers/evaluate-accuracy";
import { guardBatchSpec } from "./checkers/guard-batch";
import { batchMeanStdSpec } from "./checkers/batch-mean-std";
import { stepsToTargetSpec } from "./checkers/steps-to-target";
import { bnNetSpec } from "./checkers/bn-net";
import { lossAlongGradientSpec } from "./checkers/loss-along-gradient";
import { layerIcsSpec } from "./checkers/layer-ics";
import { ghostBatchNormSpec } from "./checkers/ghost-batch-norm";
import { spatialBatchNormSpec } from "./checkers/spatial-batchnorm";
import { foldBatchNormSpec } from "./checkers/fold-batchnorm";
import { convOutputSizeSpec } from "./checkers/conv-output-size";

interface ExerciseEntry<F> {
  /** The checker (its inputs' type is its own business; F is the learner's function). */
  spec: ExerciseSpec<unknown, F>;
  /** The lesson exercises ("1.1") whose check cells call this id. */
  lessons: readonly string[];
  /** Library exports an answer may not use: the library's own implementation of the exercise. */
  forbids: readonly string[];
}

/** Every library layer that normalizes a batch or an example (InstanceNorm2d on a [1, D, N, 1] view is batch norm). */
const NORM_LAYERS = ["BatchNorm1d", "BatchNorm2d", "GhostBatchNorm1d", "InstanceNorm2d", "BatchRenorm1d", "LayerNorm", "GroupNorm", "mlp"] as const;
const GRADIENTS = ["numericalGradient", "gradcheck", "gradcheckModule"] as const;

function entry<F>(spec: ExerciseSpec<unknown, F>, lessons: readonly string[], forbids: readonly string[] = NORM_LAYERS): ExerciseEntry<F> {
  return { spec, lessons, forbids };
}

/** Every exercise, by id, in lesson order. */
export const EXERCISES = {
  batchStats: entry(batchStatsSpec, ["1.1"]),
  normalize: entry(normalizeSpec, ["1.2"]),
  batchNormBackward: entry(batchNormBackwardSpec, ["1.3"], [...NORM_LAYERS, ...GRADIENTS]),
  batchNormForward: entry(batchNormForwardSpec, ["2.1"]),
  recoverIdentity: entry(recoverIdentitySpec, ["2.2"]),
  updateRunningStats: entry(updateRunningStatsSpec, ["3.1"]),
  newBatchWeight: entry(newBatchWeightSpec, ["3.2"]),
  evaluateAccuracy: entry(evaluateAccuracySpec, ["4.1", "6.3"], ["evaluate"]),
  forwardWithMode: entry(forwardWithModeSpec, ["4.2"]),
  batchMeanStd: entry(batchMeanStdSpec, ["5.1"], []),
  guardBatch: entry(guardBatchSpec, ["5.2"]),
  stepsToTarget: entry(stepsToTargetSpec, ["6.1"], []),
  bnNet: entry(bnNetSpec, ["6.2"], ["mlp"]),
  layerIcs: entry(layerIcsSpec, ["7.1"]),
  lossAlongGradient: entry(lossAlongGradientSpec, ["7.2"]),
  ghostBatchNorm: entry(ghostBatchNormSpec, ["7.3"]),
  spatialBatchNorm: entry(spatialBatchNormSpec, ["8.1"]),
  foldBatchNorm: entry(foldBatchNormSpec, ["8.2"], []), // its input is a BatchNorm2d; no library function folds one
  convOutputSize: entry(convOutputSizeSpec, ["8.3"]),
};

export type ExerciseId = keyof typeof EXERCISES;

/** The function the learner writes for an exercise. */
export type ExerciseFn<K extends ExerciseId> = (typeof EXERCISES)[K] extends ExerciseEntry<infer F> ? F : never;

export const EXERCISE_IDS = Object.freeze(Object.keys(EXERCISES) as ExerciseId[]);

/** Is `id` an exercise id (own keys only: "constructor" is not one)? */
export function isExerciseId(id: string): id is ExerciseId {
  return Object.prototype.hasOwnProperty.call(EXERCISES, id);
}

/** Each spec's function type differs; code over every exercise handles it as unknown. */
export function specOf(id: ExerciseId): ExerciseSpec<unknown, unknown> {
  return EXERCISES[id].spec as ExerciseSpec<unknown, unknown>;
}

/** A table with one value per exercise id, made from each id (frozen, no prototype keys). */
export function byExercise<T>(make: (id: ExerciseId) => T): Readonly<Record<ExerciseId, T>> {
  const out = Object.create(null) as Record<ExerciseId, T>;
  for (const id of EXERCISE_IDS) out[id] = make(id);
  return Object.freeze(out);
}
