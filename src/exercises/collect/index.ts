/**
 * The collect parts of the checkers, by exercise id: all that runs where the learner's code runs
 * in grading (protocol.ts's collectors). A collect part (this folder) imports no judge part
 * (checkers/), so the library a reach kernel gets (course/homework/stripped-library.ts) holds no
 * expected value to return.
 */
import type { ExerciseCollect } from "../engine";
import type { ExerciseId } from "../registry";
import { batchStatsCollect } from "./batch-stats";
import { normalizeCollect } from "./normalize";
import { batchNormForwardCollect } from "./batchnorm-forward";
import { batchNormBackwardCollect } from "./batchnorm-backward";
import { recoverIdentityCollect } from "./recover-identity";
import { updateRunningStatsCollect } from "./running-stats";
import { newBatchWeightCollect } from "./new-batch-weight";
import { forwardWithModeCollect } from "./forward-with-mode";
import { evaluateAccuracyCollect } from "./evaluate-accuracy";
import { guardBatchCollect } from "./guard-batch";
import { batchMeanStdCollect } from "./batch-mean-std";
import { stepsToTargetCollect } from "./steps-to-target";
import { bnNetCollect } from "./bn-net";
import { lossAlongGradientCollect } from "./loss-along-gradient";
import { layerIcsCollect } from "./layer-ics";
import { ghostBatchNormCollect } from "./ghost-batch-norm";
import { spatialBatchNormCollect } from "./spatial-batchnorm";
import { foldBatchNormCollect } from "./fold-batchnorm";
import { convOutputSizeCollect } from "./conv-output-size";

export const COLLECT_PARTS: Readonly<Record<ExerciseId, ExerciseCollect<unknown, unknown>>> = {
  batchStats: batchStatsCollect,
  normalize: normalizeCollect,
  batchNormBackward: batchNormBackwardCollect,
  batchNormForward: batchNormForwardCollect,
  recoverIdentity: recoverIdentityCollect,
  updateRunningStats: updateRunningStatsCollect,
  newBatchWeight: newBatchWeightCollect,
  evaluateAccuracy: evaluateAccuracyCollect,
  forwardWithMode: forwardWithModeCollect,
  batchMeanStd: batchMeanStdCollect,
  guardBatch: guardBatchCollect,
  stepsToTarget: stepsToTargetCollect,
  bnNet: bnNetCollect,
  layerIcs: layerIcsCollect,
  lossAlongGradient: lossAlongGradientCollect,
  ghostBatchNorm: ghostBatchNormCollect,
  spatialBatchNorm: spatialBatchNormCollect,
  foldBatchNorm: foldBatchNormCollect,
  convOutputSize: convOutputSizeCollect,
};
