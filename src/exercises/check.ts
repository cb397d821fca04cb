import { CheckResult } from "./check-result";
import { quietInNotebook, report } from "./report";
import { BatchStatsFn, checkBatchStats } from "./checkers/batch-stats";
import { NormalizeFn, checkNormalize } from "./checkers/normalize";
import { BatchNormForwardFn, checkBatchNormForward } from "./checkers/batchnorm-forward";
import { BatchNormBackwardFn, checkBatchNormBackward } from "./checkers/batchnorm-backward";
import { RecoverIdentityFn, checkRecoverIdentity } from "./checkers/recover-identity";
import { UpdateRunningStatsFn, checkUpdateRunningStats } from "./checkers/running-stats";
import { NewBatchWeightFn, checkNewBatchWeight } from "./checkers/new-batch-weight";
import { ForwardWithModeFn, checkForwardWithMode } from "./checkers/forward-with-mode";
import { EvaluateAccuracyFn, checkEvaluateAccuracy } from "./checkers/evaluate-accuracy";
import { GuardBatchFn, checkGuardBatch } from "./checkers/guard-batch";
import { BatchMeanStdFn, checkBatchMeanStd } from "./checkers/batch-mean-std";
import { StepsToTargetFn, checkStepsToTarget } from "./checkers/steps-to-target";
import { BnNetFn, checkBnNet } from "./checkers/bn-net";
import { LossAlongGradientFn, checkLossAlongGradient } from "./checkers/loss-along-gradient";
import { LayerIcsFn, checkLayerIcs } from "./checkers/layer-ics";
import { GhostBatchNormFn, checkGhostBatchNorm } from "./checkers/ghost-batch-norm";
import { SpatialBatchNormFn, checkSpatialBatchNorm } from "./checkers/spatial-batchnorm";
import { FoldBatchNormFn, checkFoldBatchNorm } from "./checkers/fold-batchnorm";
import { ConvOutputSizeFn, checkConvOutputSize } from "./checkers/conv-output-size";

/** Print the report and return the result, shown as nothing by tslab. */
function shown(result: CheckResult): CheckResult {
  report(result);
  return quietInNotebook(result);
}

/**
 * The notebook-facing checkers: `check.batchStats(batchStats)` in a visible check cell collects
 * (runs the function on the checker's inputs), judges the collected data, and prints
 * "✓ …" or "✗ …" with the diagnosis (nothing for a machine to read: the grader judges collected
 * data itself, see protocol.ts), and returns the result.
 * They never throw because of the learner's code.
 */
export const check = {
  batchStats: (fn: BatchStatsFn): CheckResult => shown(checkBatchStats(fn)),
  normalize: (fn: NormalizeFn): CheckResult => shown(checkNormalize(fn)),
  batchNormForward: (fn: BatchNormForwardFn): CheckResult => shown(checkBatchNormForward(fn)),
  batchNormBackward: (fn: BatchNormBackwardFn): CheckResult => shown(checkBatchNormBackward(fn)),
  recoverIdentity: (fn: RecoverIdentityFn): CheckResult => shown(checkRecoverIdentity(fn)),
  updateRunningStats: (fn: UpdateRunningStatsFn): CheckResult => shown(checkUpdateRunningStats(fn)),
  newBatchWeight: (fn: NewBatchWeightFn): CheckResult => shown(checkNewBatchWeight(fn)),
  forwardWithMode: (fn: ForwardWithModeFn): CheckResult => shown(checkForwardWithMode(fn)),
  evaluateAccuracy: (fn: EvaluateAccuracyFn): CheckResult => shown(checkEvaluateAccuracy(fn)),
  guardBatch: (fn: GuardBatchFn): CheckResult => shown(checkGuardBatch(fn)),
  batchMeanStd: (fn: BatchMeanStdFn): CheckResult => shown(checkBatchMeanStd(fn)),
  stepsToTarget: (fn: StepsToTargetFn): CheckResult => shown(checkStepsToTarget(fn)),
  bnNet: (fn: BnNetFn): CheckResult => shown(checkBnNet(fn)),
  lossAlongGradient: (fn: LossAlongGradientFn): CheckResult => shown(checkLossAlongGradient(fn)),
  layerIcs: (fn: LayerIcsFn): CheckResult => shown(checkLayerIcs(fn)),
  ghostBatchNorm: (fn: GhostBatchNormFn): CheckResult => shown(checkGhostBatchNorm(fn)),
  spatialBatchNorm: (fn: SpatialBatchNormFn): CheckResult => shown(checkSpatialBatchNorm(fn)),
  foldBatchNorm: (fn: FoldBatchNormFn): CheckResult => shown(checkFoldBatchNorm(fn)),
  convOutputSize: (fn: ConvOutputSizeFn): CheckResult => shown(checkConvOutputSize(fn)),
};

/** The pure checkers by exercise id (for the grader and hidden tests). */
export const checkers = {
  batchStats: checkBatchStats,
  normalize: checkNormalize,
  batchNormForward: checkBatchNormForward,
  batchNormBackward: checkBatchNormBackward,
  recoverIdentity: checkRecoverIdentity,
  updateRunningStats: checkUpdateRunningStats,
  newBatchWeight: checkNewBatchWeight,
  forwardWithMode: checkForwardWithMode,
  evaluateAccuracy: checkEvaluateAccuracy,
  guardBatch: checkGuardBatch,
  batchMeanStd: checkBatchMeanStd,
  stepsToTarget: checkStepsToTarget,
  bnNet: checkBnNet,
  lossAlongGradient: checkLossAlongGradient,
  layerIcs: checkLayerIcs,
  ghostBatchNorm: checkGhostBatchNorm,
  spatialBatchNorm: checkSpatialBatchNorm,
  foldBatchNorm: checkFoldBatchNorm,
  convOutputSize: checkConvOutputSize,
};

export type ExerciseId = keyof typeof checkers;
