/**
 * The tests' reference solutions, one per exercise id. They live with the tests, not in the library,
 * so no build of the library (a release, the hub, the sandbox) holds an answer key; the instructor
 * notebooks hold the lessons' own answers.
 */
import type { ExerciseFn, ExerciseId } from "../../../src/exercises/registry";
import { batchStats } from "./batch-stats";
import { normalize } from "./normalize";
import { batchNormForward } from "./batchnorm-forward";
import { batchNormBackward } from "./batchnorm-backward";
import { recoverIdentity } from "./recover-identity";
import { updateRunningStats, newBatchWeight } from "./running-stats";
import { forwardWithMode } from "./forward-with-mode";
import { evaluateAccuracy } from "./evaluate-accuracy";
import { guardBatch } from "./guard-batch";
import { batchMeanStd } from "./batch-mean-std";
import { stepsToTarget } from "./steps-to-target";
import { bnNet } from "./bn-net";
import { lossAlongGradient } from "./loss-along-gradient";
import { layerIcs } from "./layer-ics";
import { ghostBatchNorm } from "./ghost-batch-norm";
import { spatialBatchNorm, foldBatchNorm, convOutputSize } from "./cnn";

/** Typed by the registry: a missing or extra exercise does not compile. */
export const solutions: { readonly [K in ExerciseId]: ExerciseFn<K> } = {
  batchStats,
  normalize,
  batchNormBackward,
  batchNormForward,
  recoverIdentity,
  updateRunningStats,
  newBatchWeight,
  evaluateAccuracy,
  forwardWithMode,
  batchMeanStd,
  guardBatch,
  stepsToTarget,
  bnNet,
  layerIcs,
  lossAlongGradient,
  ghostBatchNorm,
  spatialBatchNorm,
  foldBatchNorm,
  convOutputSize,
};
