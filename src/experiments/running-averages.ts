/**
 * Lesson 3 (running averages): the experiments behind the lesson's charts and claims.
 * The notebook and test/lesson-03-claims.test.ts call these same functions with the same seeds.
 *
 *   convergenceRun     how fast running_mean forgets its initial 0, and how noisy it stays
 *   predictedError     the same curve from theory: (1 − m)^t decay plus an EMA noise floor
 *   stepsToForget      ln(fraction) / ln(1 − m), the steps until the initial value weighs < 1%
 *   trainBnMlp         a small BN MLP on MNIST (seeded), with a chosen BN momentum
 *   calibrateBatchNorm recompute the running statistics with a pass over the training set
 */
import { checkCounts, checkDataset, checkInteger, checkModel, checkMomentum, checkNumber, checkNumbers, checkOptions } from "./args";
import { Matrix } from "../tensor/matrix";
import { Module } from "../nn/module";
import { BatchNorm1d } from "../nn/batchnorm";
import { Linear } from "../nn/linear";
import { Sequential } from "../nn/sequential";
import { Rng } from "../random/rng";
import { Dataset } from "../data/dataset";
import { DataLoader } from "../data/dataloader";
import { loadMnist } from "../data/mnist";
import { mlp } from "../train/mlp";
import { fit, History } from "../train/fit";

/** Every BatchNorm1d inside a model (in order). */
export function batchNormLayers(model: Module): BatchNorm1d[] {
  checkModel("runningAverages.batchNormLayers", model);
  return model.modules().filter((m): m is BatchNorm1d => m instanceof BatchNorm1d);
}

/** Steps t until the initial value's weight (1 − m)^t falls below `fraction` (default 1%). */
export function stepsToForget(momentum: number, fraction = 0.01): number {
  checkNumber("runningAverages.stepsToForget", "momentum", momentum, { min: 0, max: 1, minInclusive: false, hint: "with momentum 0 nothing is ever forgotten" });
  checkNumber("runningAverages.stepsToForget", "fraction", fraction, { min: 0, max: 1, minInclusive: false, maxInclusive: false });
  return Math.ceil(Math.log(fraction) / Math.log(1 - momentum));
}

// ---------------------------------------------------------------------------------------------
// Convergence of running_mean

/** The features a BN layer would see: MNIST digits through a fixed, seeded Linear(784 → width). */
export interface FeatureSource {
  /** Every training example's features (N × width). */
  features: Matrix;
  /** Their true (population) mean and standard deviation, per feature. */
  mean: Matrix;
  std: Matrix;
}

let featureCache: { key: string; source: FeatureSource } | null = null;

export function mnistFeatures(options: { width?: number; trainSize?: number; seed?: number } = {}): FeatureSource {
  options = checkOptions("runningAverages.mnistFeatures", options);
  checkCounts("runningAverages.mnistFeatures", options, ["width", "trainSize"]);
  const width = options.width ?? 32;
  const trainSize = options.trainSize ?? 4000;
  const seed = options.seed ?? 0;
  const key = `${width}/${trainSize}/${seed}`;
  if (featureCache?.key === key) return featureCache.source;
  const { train } = loadMnist({ trainSize, testSize: 1000, seed });
  const layer = new Linear(784, width, { rng: new Rng(`lesson3/features/${seed}`) });
  const features = layer.forward(train.x);
  const mean = features.meanRows();
  const std = features.sub(mean).map((d) => d * d).meanRows().map(Math.sqrt);
  const source = { features, mean, std };
  featureCache = { key, source };
  return source;
}

export interface ConvergenceOptions {
  /** BN momentum (PyTorch convention), or null for the cumulative average. */
  momentum: number | null;
  steps?: number;
  batchSize?: number;
  /** Seed of the batch order (default 0). */
  seed?: number;
  source?: FeatureSource;
}

export interface ConvergenceRun {
  momentum: number | null;
  /** 0, 1, …, steps (0 = before any batch). */
  step: number[];
  /** RMS over features of (running_mean − true mean) / true std, after each step. */
  meanError: number[];
  /** RMS over features of (running_var − true var) / true var, after each step. */
  varError: number[];
  /** Feature 0: its running mean after each step, and the mean of each step's batch (NaN at step 0). */
  feature0: { running: number[]; batchMean: number[]; trueMean: number };
}

/**
 * Feed `steps` random minibatches of MNIST features through a fresh BatchNorm1d in training mode
 * and measure, after every step, how far its running mean is from the true mean of the features,
 * in units of each feature's standard deviation (so 0.1 means "off by a tenth of a σ").
 */
export function convergenceRun(options: ConvergenceOptions): ConvergenceRun {
  checkOptions("runningAverages.convergenceRun", options);
  if (options === undefined) throw new TypeError("runningAverages.convergenceRun: expected options, e.g. { momentum: 0.1 }");
  checkCounts("runningAverages.convergenceRun", options as unknown as Record<string, unknown>, ["steps", "batchSize"]);
  if (options.momentum !== null && options.momentum !== undefined) checkMomentum("runningAverages.convergenceRun", options.momentum);
  const steps = options.steps ?? 600;
  const batchSize = options.batchSize ?? 60;
  const src = options.source ?? mnistFeatures();
  const dataset: Dataset = { x: src.features, y: new Array(src.features.rows).fill(0), numClasses: 1, name: "features" };
  const loader = new DataLoader(dataset, { batchSize, seed: options.seed ?? 0, dropLast: true });
  const bn = new BatchNorm1d(src.features.cols, { momentum: options.momentum });
  const trueVar = src.std.map((s) => s * s);
  const run: ConvergenceRun = {
    momentum: options.momentum,
    step: [],
    meanError: [],
    varError: [],
    feature0: { running: [], batchMean: [], trueMean: src.mean.get(0, 0) },
  };
  const record = (t: number, batchMean0: number) => {
    run.feature0.running.push(bn.runningMean.get(0, 0));
    run.feature0.batchMean.push(batchMean0);
    run.step.push(t);
    run.meanError.push(rms(bn.runningMean.sub(src.mean).div(src.std)));
    run.varError.push(rms(bn.runningVar.sub(trueVar).div(trueVar)));
  };
  record(0, NaN);
  let t = 0;
  while (t < steps) {
    for (const batch of loader) {
      bn.forward(batch.x);
      t += 1;
      record(t, batch.x.columnArray(0).reduce((a, b) => a + b, 0) / batch.x.rows);
      if (t >= steps) break;
    }
  }
  return run;
}

/**
 * The expected RMS error of running_mean (in σ units) after t steps, for i.i.d. batches of size B:
 *   E[err²] = (1 − m)^{2t}·e₀²  +  m/(2 − m)·(1 − (1 − m)^{2t}) / B
 * the initial error decaying like (1 − m)^t, plus the variance of an exponential average of batch
 * means (each with variance σ²/B). For the cumulative average (momentum null) it is 1/√(t·B).
 */
export function predictedError(momentum: number | null, t: number, initialError: number, batchSize: number): number {
  if (momentum !== null) checkMomentum("runningAverages.predictedError", momentum);
  checkInteger("runningAverages.predictedError", "t", t);
  checkNumber("runningAverages.predictedError", "initialError", initialError, { min: 0 });
  checkInteger("runningAverages.predictedError", "batchSize", batchSize, { min: 1 });
  if (momentum === null) return t === 0 ? initialError : 1 / Math.sqrt(t * batchSize);
  const decay = Math.pow(1 - momentum, 2 * t);
  return Math.sqrt(decay * initialError * initialError + ((momentum / (2 - momentum)) * (1 - decay)) / batchSize);
}

/** The noise floor that the running mean settles at: √(m/(2 − m)/B) standard deviations. */
export function noiseFloor(momentum: number, batchSize: number): number {
  checkMomentum("runningAverages.noiseFloor", momentum);
  checkInteger("runningAverages.noiseFloor", "batchSize", batchSize, { min: 1 });
  return Math.sqrt(momentum / (2 - momentum) / batchSize);
}

/** Mean of the values in steps [from, to] (inclusive) of a run, e.g. the plateau at the end. */
export function meanOver(values: readonly number[], from: number, to: number): number {
  checkNumbers("runningAverages.meanOver", "values", values);
  checkInteger("runningAverages.meanOver", "from", from, { max: values.length - 1 });
  checkInteger("runningAverages.meanOver", "to", to, { min: from, max: values.length - 1, hint: "to is inclusive and at least from" });
  const slice = values.slice(from, to + 1);
  return slice.reduce((a, b) => a + b, 0) / slice.length;
}

function rms(m: Matrix): number {
  let s = 0;
  for (const v of m.data) s += v * v;
  return Math.sqrt(s / m.size);
}

// ---------------------------------------------------------------------------------------------
// A BN model on MNIST, and post-training calibration

export interface TrainedModel {
  model: Sequential;
  train: Dataset;
  test: Dataset;
  history: History;
}

export interface TrainBnMlpOptions {
  /** Momentum of every BN layer (default 0.1). */
  momentum?: number | null;
  steps?: number;
  seed?: number;
  trainSize?: number;
  testSize?: number;
  lr?: number;
}

/** 784-100-100-10 ReLU MLP with BatchNorm1d, plain SGD, batch 60, on a seeded MNIST split (no test evaluations during fit). */
export function trainBnMlp(options: TrainBnMlpOptions = {}): TrainedModel {
  options = checkOptions("trainBnMlp", options);
  checkCounts("trainBnMlp", options as Record<string, unknown>, ["steps", "trainSize", "testSize", "batchSize"]);
  if (options.momentum !== undefined && options.momentum !== null) checkMomentum("trainBnMlp", options.momentum);
  const seed = options.seed ?? 0;
  const { train, test } = loadMnist({ trainSize: options.trainSize ?? 4000, testSize: options.testSize ?? 1000, seed });
  const model = mlp({ sizes: [784, 100, 100, 10], activation: "relu", batchNorm: true, seed });
  for (const bn of batchNormLayers(model)) bn.momentum = options.momentum === undefined ? 0.1 : options.momentum;
  const history = fit(model, { train }, { steps: options.steps ?? 300, batchSize: 60, lr: options.lr ?? 0.1, seed });
  return { model, train, test, history };
}

export interface CalibrateOptions {
  /** Examples per forward pass (default 200). */
  batchSize?: number;
  /** How many batches (default: one pass over the training set). */
  batches?: number;
  seed?: number;
}

/**
 * Re-estimate every BN layer's running statistics from the training data, without changing a weight:
 * reset them, switch to the cumulative average (momentum null), run forward passes in training mode
 * (no backward, no optimizer step), then restore each layer's momentum and the model's mode.
 * This is what "recalibrating BN statistics" means in PyTorch:
 *   for bn in bns: bn.reset_running_stats(); bn.momentum = None
 *   model.train(); with torch.no_grad(): for x, _ in loader: model(x)
 */
export function calibrateBatchNorm(model: Module, data: Dataset, options: CalibrateOptions = {}): void {
  checkModel("runningAverages.calibrateBatchNorm", model);
  checkDataset("runningAverages.calibrateBatchNorm", data, "data");
  options = checkOptions("runningAverages.calibrateBatchNorm", options);
  checkCounts("runningAverages.calibrateBatchNorm", options as Record<string, unknown>, ["batchSize", "batches"]);
  const bns = batchNormLayers(model);
  const saved = bns.map((bn) => bn.momentum);
  const wasTraining = model.training;
  const loader = new DataLoader(data, { batchSize: options.batchSize ?? 200, seed: options.seed ?? 0, dropLast: true });
  try {
    for (const bn of bns) {
      bn.resetRunningStats();
      bn.momentum = null;
    }
    model.train();
    let k = 0;
    for (const batch of loader) {
      if (options.batches !== undefined && k >= options.batches) break;
      model.forward(batch.x); // training mode: batch statistics, running averages updated
      k += 1;
    }
  } finally {
    bns.forEach((bn, i) => ((bn as { momentum: number | null }).momentum = saved[i]));
    model.train(wasTraining);
  }
}
