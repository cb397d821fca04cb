/**
 * bnlab — the library the course notebooks import:
 *   import { BatchNorm1d, Matrix } from "../src";
 * Layers, losses and optimizers follow PyTorch's names and semantics.
 */
export { Matrix } from "./tensor/matrix";
export { ShapeError } from "./tensor/shape-error";
export { backend, useBackend, jsBackend, setPrecision, precision } from "./tensor/backend";
export type { Backend, Precision } from "./tensor/backend";
export { Rng } from "./random/rng";
export { initWeights, normalInit, xavierInit, kaimingInit, pytorchInit } from "./random/init";
export type { Init } from "./random/init";
export { Module } from "./nn/module";
export type { StateDict } from "./nn/module";
export { Parameter } from "./nn/parameter";
export { Linear } from "./nn/linear";
export type { LinearOptions } from "./nn/linear";
export { ReLU, Sigmoid, Tanh, sigmoid } from "./nn/activations";
export { BatchNorm1d } from "./nn/batchnorm";
export type { BatchNormOptions } from "./nn/batchnorm";
export { Sequential } from "./nn/sequential";
export { LayerNorm } from "./nn/layernorm";
export type { LayerNormOptions } from "./nn/layernorm";
export { GroupNorm } from "./nn/groupnorm";
export type { GroupNormOptions } from "./nn/groupnorm";
export { BatchRenorm1d, renormSchedule } from "./nn/batchrenorm";
export type { BatchRenormOptions, RenormScheduleOptions, Schedule } from "./nn/batchrenorm";
export { Dropout } from "./nn/dropout";
export type { DropoutOptions } from "./nn/dropout";
export { GhostBatchNorm1d } from "./nn/ghost-batchnorm";
export type { GhostBatchNormOptions } from "./nn/ghost-batchnorm";
export { ShiftNoise } from "./nn/shift-noise";
export type { ShiftNoiseOptions } from "./nn/shift-noise";
export { gradcheck, gradcheckModule, numericalGradient, relativeError, formatGradcheck } from "./check/gradcheck";
export type {
  GradcheckOptions,
  GradcheckModuleOptions,
  GradcheckInput,
  GradcheckEntry,
  GradcheckResult,
} from "./check/gradcheck";
export { CrossEntropyLoss } from "./loss/cross-entropy";
export { MSELoss } from "./loss/mse";
export { softmax, logSoftmax } from "./loss/softmax";
export { Optimizer } from "./optim/optimizer";
export { SGD } from "./optim/sgd";
export type { SGDOptions } from "./optim/sgd";
export { Adam } from "./optim/adam";
export type { AdamOptions } from "./optim/adam";
export { subset } from "./data/dataset";
export type { Dataset } from "./data/dataset";
export { loadMnist, MNIST_IMAGE_SIZE, MNIST_PIXELS } from "./data/mnist";
export type { MnistOptions, MnistSplit } from "./data/mnist";
export { twoSpirals } from "./data/synthetic";
export type { TwoSpiralsOptions } from "./data/synthetic";
export { DataLoader, nonIidBatches } from "./data/dataloader";
export type { Batch, DataLoaderOptions } from "./data/dataloader";
export { accuracy } from "./train/accuracy";
export { percentile, percentiles } from "./train/percentile";
export { recordInputs } from "./train/record-inputs";
export type { InputRecorder } from "./train/record-inputs";
export { lossAndGradient, probeAlongGradient, gradientIcs } from "./train/gradient-probe";
export type { ProbeBatch, GradientProbe, LayerIcs } from "./train/gradient-probe";
export { evaluate } from "./train/evaluate";
export type { ClassificationLoss, EvaluateOptions, Evaluation } from "./train/evaluate";
export { fit } from "./train/fit";
export type { FitOptions, StepInfo, History, RecordOptions } from "./train/fit";
export { mlp } from "./train/mlp";
export type { MlpOptions, Activation, NormKind } from "./train/mlp";
export { saveState, loadState, saveStateFile, loadStateFile } from "./state/state";
export type { SavedState } from "./state/state";
// Charts (figure builders, showFigure, liveTraining, theme colours): see src/charts/index.ts.
export * from "./charts/index"; // a file path: tslab cannot resolve directory imports
// Exercise checkers that name the mistake (check.batchStats(fn), …): see src/exercises/README.md.
export * from "./exercises/index";
// Experiments behind each lesson's charts and claims (one namespace per lesson).
export * as normalizing from "./experiments/normalize"; //          lesson 1
export * as gammaBeta from "./experiments/gamma-beta"; //            lesson 2
export * as runningAverages from "./experiments/running-averages";
export * as evalMode from "./experiments/eval-mode";
export * as smallBatches from "./experiments/small-batches"; //     lesson 5
export * as capstone from "./experiments/capstone";
export * as whyBn from "./experiments/why-bn"; //                   lesson 7
// Convolutional networks: image tensors [N, C, H, W] and the layers that take them (lesson 8).
export { Tensor, zerosLike, sameShape } from "./tensor/tensor";
export type { Value, NestedArray } from "./tensor/tensor";
export { im2col, col2im, convOutputSize } from "./tensor/im2col";
export type { AnyModule } from "./nn/module";
export { Conv2d } from "./nn/conv2d";
export type { Conv2dOptions } from "./nn/conv2d";
export { Flatten, Unflatten } from "./nn/flatten";
export { BatchNorm2d } from "./nn/batchnorm2d";
export { InstanceNorm2d } from "./nn/instancenorm";
export { MaxPool2d, AvgPool2d } from "./nn/pooling";
export { Residual, basicBlock } from "./nn/residual";
export type { BasicBlockOptions } from "./nn/residual";
export * as cnn from "./experiments/cnn"; //                      lesson 8
