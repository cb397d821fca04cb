/**
 * bnlab — the library the course notebooks import:
 *   import { BatchNorm1d, Matrix } from "../src";
 * Layers, losses and optimizers follow PyTorch's names and semantics.
 */
export { Matrix } from "./tensor/matrix";
export { ShapeError } from "./tensor/shape-error";
export { kernel, useKernel, jsKernel } from "./tensor/kernel";
export type { Kernel } from "./tensor/kernel";
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
export { gradcheck, gradcheckModule, numericalGradient, relativeError, formatGradcheck } from "./check/gradcheck";
export type {
  GradcheckOptions,
  GradcheckModuleOptions,
  GradcheckInput,
  GradcheckEntry,
  GradcheckResult,
} from "./check/gradcheck";
