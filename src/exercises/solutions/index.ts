/** Reference solutions of the exercises (the instructor notebooks hold their own copies). */
export { batchStats } from "./batch-stats";
export { normalize } from "./normalize";
export { batchNormForward } from "./batchnorm-forward";
export { batchNormBackward } from "./batchnorm-backward";
export { recoverIdentity } from "./recover-identity";
export { updateRunningStats, newBatchWeight } from "./running-stats";
export { forwardWithMode } from "./forward-with-mode";
export { evaluateAccuracy } from "./evaluate-accuracy";
export { guardBatch } from "./guard-batch";
export { batchMeanStd } from "./batch-mean-std";
export { stepsToTarget } from "./steps-to-target";
export { bnNet } from "./bn-net";
export { lossAlongGradient } from "./loss-along-gradient";
export { layerIcs } from "./layer-ics";
export { ghostBatchNorm } from "./ghost-batch-norm";
export { spatialBatchNorm, foldBatchNorm, convOutputSize } from "./cnn";
