/**
 * Lesson 5 (small batches fail): the experiments behind the lesson's charts and claims.
 * The notebook and test/lesson-05-claims.test.ts call these same functions with the same seeds.
 *
 *   lessonData          MNIST digits at 14×14 (3,000 for training, 1,000 for testing), seeded
 *   batchStatNoise      how much the batch mean and the batch variance scatter, for each batch size
 *   batchSizeSweep      a small MLP with a chosen normalization, trained at every batch size,
 *                       for every method (same examples seen by each run)
 *   trainModeAccuracy   accuracy when the batch statistics are used (what training saw)
 *   nonIidComparison    shuffled vs one-class-per-batch training, per method
 */
import * as path from "node:path";
import { checkCounts, checkDataset, checkInteger, checkModel, checkNumber, checkOneOf, checkOptions, checkMatrix } from "./args";
import { Matrix } from "../tensor/matrix";
import { Module, type StateDict } from "../nn/module";
import { Linear } from "../nn/linear";
import { Rng } from "../random/rng";
import { Dataset } from "../data/dataset";
import { loadMnist } from "../data/mnist";
import { mlp, NormKind } from "../train/mlp";
import { fit, History } from "../train/fit";
import { evaluate } from "../train/evaluate";
import { accuracy } from "../train/accuracy";
import { parallelTask } from "./parallel";
import { once } from "./once";
import { withStateRestored } from "./eval-mode";

/** The batch sizes of the lesson's sweep. */
export const BATCH_SIZES = [2, 4, 8, 16, 32, 64, 128];
/** The methods compared (mlp's names): BatchNorm, Batch Renorm, GroupNorm, LayerNorm, and none. */
const METHODS: NormKind[] = ["batch", "renorm", "group", "layer", "none"];
/** Every run sees the same number of training examples: 8,000 (≈ 2.7 passes over the 3,000 digits). */
export const EXAMPLES_SEEN = 8000;
/** The learning rate at batch size 2; larger batches get BASE_LR · √(B/2) (see learningRate). */
const BASE_LR = 0.05;
/** Hidden width of the MLP 196 → 64 → 64 → 10. */
export const WIDTH = 64;
/** Seed of every model's initial weights and of every batch order. */
export const SEED = 1;

// ---------------------------------------------------------------------------------------------
// Data

/** 28×28 digits → 14×14 by averaging each 2×2 block of pixels (784 → 196 features). */
export function poolDigits(dataset: Dataset): Dataset {
  checkDataset("smallBatches.poolDigits", dataset);
  if (dataset.x.cols !== 784) throw new RangeError(`smallBatches.poolDigits: expected MNIST digits (784 columns), got x of shape ${dataset.x.shapeString()}`);
  const n = dataset.x.rows;
  const out = new Matrix(n, 196);
  const src = dataset.x.data;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < 14; i++) {
      for (let j = 0; j < 14; j++) {
        const p = k * 784 + 2 * i * 28 + 2 * j;
        out.data[k * 196 + i * 14 + j] = (src[p] + src[p + 1] + src[p + 28] + src[p + 29]) / 4;
      }
    }
  }
  return { ...dataset, x: out, name: `${dataset.name} at 14×14` };
}

/**
 * The lesson's data: 3,000 training and 1,000 test digits (split seed 0), standardized pixels,
 * pooled to 14×14. Small inputs keep a step cheap, so 35 training runs fit in a few seconds.
 */
export const lessonData = once((): { train: Dataset; test: Dataset } => {
  const { train, test } = loadMnist({ trainSize: 3000, testSize: 1000, seed: 0, normalize: true });
  return { train: poolDigits(train), test: poolDigits(test) };
});

// ---------------------------------------------------------------------------------------------
// The noise in the batch statistics

/** The features the first normalization layer sees: the training digits through the first Linear of makeModel, at initialization. */
export function firstLayerFeatures(seed = SEED): Matrix {
  checkNumber("smallBatches.firstLayerFeatures", "seed", seed);
  const first = makeModel("none", seed).children()[0] as Linear;
  return first.forward(lessonData().train.x);
}

export interface BatchNoise {
  batchSize: number;
  /** Standard deviation of the batch mean over many batches, in units of the feature's σ (RMS over features). */
  meanStd: number;
  /** Theory for i.i.d. examples: 1/√B. */
  meanTheory: number;
  /** Standard deviation of the (biased) batch variance, in units of the feature's σ² (RMS over features). */
  varStd: number;
  /** Theory for i.i.d. examples with the features' kurtosis κ: ((B−1)/B)·√(κ/B − (B−3)/(B(B−1))). */
  varTheory: number;
  /** Feature 0's batch means over the sampled batches, centred and in units of σ (for a histogram). */
  feature0Means: number[];
}

/**
 * Draw `batches` minibatches of every size the way a shuffled DataLoader does (an epoch is a random
 * permutation cut into batches; a new permutation when it runs out) and measure how much the batch
 * mean and the batch variance of every feature scatter around the population values.
 */
export function batchStatNoise(
  features: Matrix,
  options: { batchSizes?: number[]; batches?: number; seed?: number } = {},
): BatchNoise[] {
  checkMatrix("smallBatches.batchStatNoise", "features", features);
  options = checkOptions("smallBatches.batchStatNoise", options);
  checkCounts("smallBatches.batchStatNoise", options as Record<string, unknown>, ["batches"]);
  (options.batchSizes ?? []).forEach((b, i) => checkInteger("smallBatches.batchStatNoise", `batchSizes[${i}]`, b, { min: 1, max: features.rows }));
  const batchSizes = options.batchSizes ?? BATCH_SIZES;
  const batches = options.batches ?? 2000;
  const rng = new Rng(`lesson5/noise/${options.seed ?? SEED}`);
  const n = features.rows;
  const d = features.cols;
  const mean = features.meanRows();
  const variance = features.sub(mean).map((v) => v * v).meanRows();
  const kurtosis = features.sub(mean).map((v) => v ** 4).meanRows().div(variance.mul(variance));

  return batchSizes.map((B) => {
    const sumSqMean = new Float64Array(d);
    const sumSqVar = new Float64Array(d);
    const feature0Means: number[] = [];
    let order: number[] = [];
    let at = n;
    for (let b = 0; b < batches; b++) {
      if (at + B > n) {
        order = rng.permutation(n);
        at = 0;
      }
      const batch = features.selectRows(order.slice(at, at + B));
      at += B;
      const mu = batch.meanRows();
      const v = batch.sub(mu).map((x) => x * x).meanRows(); // biased, as BN normalizes with
      for (let j = 0; j < d; j++) {
        const s2 = variance.data[j];
        sumSqMean[j] += (mu.data[j] - mean.data[j]) ** 2 / s2;
        sumSqVar[j] += (v.data[j] - s2) ** 2 / (s2 * s2); // around σ² itself: includes the (B−1)/B bias
      }
      feature0Means.push((mu.data[0] - mean.data[0]) / Math.sqrt(variance.data[0]));
    }
    const rms = (a: Float64Array | number[]) => Math.sqrt(Array.from(a).reduce((s, x) => s + x, 0) / a.length);
    const meanStd = rms(Array.from(sumSqMean, (s) => s / batches));
    const varStd = rms(Array.from(sumSqVar, (s) => s / batches));
    const varTheory = rms(
      Array.from(kurtosis.data, (k) => {
        const f = (B - 1) / B;
        const unbiased = k / B - (B - 3) / (B * (B - 1)); //  Var(s²)/σ⁴ for the unbiased s²
        return f * f * unbiased + (1 / B) ** 2; //              (B−1)/B · s², plus its bias σ²/B, squared
      }),
    );
    return { batchSize: B, meanStd, meanTheory: 1 / Math.sqrt(B), varStd, varTheory, feature0Means };
  });
}

// ---------------------------------------------------------------------------------------------
// Training at one batch size

/** The lesson's network: 196 → 64 → 64 → 10, ReLU, the chosen normalization before each ReLU. */
export function makeModel(norm: NormKind, seed = SEED): Module {
  checkOneOf("smallBatches.makeModel", "norm", norm, METHODS);
  return mlp({ sizes: [196, WIDTH, WIDTH, 10], norm, activation: "relu", seed });
}

/** √B scaling of the learning rate: BASE_LR at B = 2, 0.4 at B = 128. */
export function learningRate(batchSize: number): number {
  checkInteger("smallBatches.learningRate", "batchSize", batchSize, { min: 1 });
  return BASE_LR * Math.sqrt(batchSize / 2);
}

interface RunOptions {
  norm: NormKind;
  batchSize: number;
  seed?: number;
  /** Non-i.i.d. batches: every batch holds one class only. */
  oneClassPerBatch?: boolean;
  /** Evaluate on the test set during training every this many steps (default: only at the end). */
  evalEvery?: number;
  /** The learning rate (default learningRate(batchSize)). */
  lr?: number;
}

export interface RunResult {
  norm: NormKind;
  batchSize: number;
  steps: number;
  lr: number;
  /** Test accuracy in eval mode after training. */
  accuracy: number;
  model: Module;
  history: History;
}

/**
 * Train the lesson's MLP with plain SGD at one batch size, then measure its test accuracy in eval mode;
 * the trained model as its stateDict: plain data, which a worker can send back.
 */
function trainRunState(options: RunOptions): Omit<RunResult, "model"> & { state: StateDict } {
  const { norm, batchSize } = options;
  const seed = options.seed ?? SEED;
  const { train, test } = lessonData();
  const steps = Math.round(EXAMPLES_SEEN / batchSize);
  const lr = options.lr ?? learningRate(batchSize);
  const model = makeModel(norm, seed);
  const history = fit(
    model,
    options.evalEvery ? { train, test } : { train },
    { steps, batchSize, lr, seed, oneClassPerBatch: options.oneClassPerBatch ?? false, evalEvery: options.evalEvery },
  );
  return { norm, batchSize, steps, lr, accuracy: evaluate(model, test).accuracy, history, state: model.stateDict() };
}
const trainOnEveryCore = parallelTask(path.join(__dirname, "small-batches"), trainRunState);

/** Train a run for every options, on every core: the same results, in the same order. */
function trainRuns(list: RunOptions[]): RunResult[] {
  return trainOnEveryCore(list).map(({ state, history, ...result }, i) => {
    const model = makeModel(result.norm, list[i].seed ?? SEED);
    model.loadStateDict(state);
    return { ...result, model, history };
  });
}

export interface SweepResult {
  batchSizes: number[];
  /** One row per method: accuracy[i] at batchSizes[i]. */
  rows: Array<{ norm: NormKind; accuracy: number[]; runs: RunResult[] }>;
  seconds: number;
}

/** A training run for every method and batch size. Each run is independent, so a subset gives the same numbers. */
export function batchSizeSweep(options: { methods?: NormKind[]; batchSizes?: number[]; seed?: number } = {}): SweepResult {
  options = checkOptions("smallBatches.batchSizeSweep", options);
  (options.batchSizes ?? []).forEach((b, i) => checkInteger("smallBatches.batchSizeSweep", `batchSizes[${i}]`, b, { min: 1 }));
  (options.methods ?? []).forEach((m, i) => checkOneOf("smallBatches.batchSizeSweep", `methods[${i}]`, m, METHODS));
  const start = Date.now();
  const batchSizes = options.batchSizes ?? BATCH_SIZES;
  const methods = options.methods ?? METHODS;
  const all = trainRuns(methods.flatMap((norm) => batchSizes.map((batchSize) => ({ norm, batchSize, seed: options.seed }))));
  const rows = methods.map((norm, m) => {
    const runs = all.slice(m * batchSizes.length, (m + 1) * batchSizes.length);
    return { norm, accuracy: runs.map((r) => r.accuracy), runs };
  });
  return { batchSizes, rows, seconds: (Date.now() - start) / 1000 };
}

/**
 * Test accuracy with the BATCH statistics, in random batches of `batchSize` (what the network saw
 * during training), instead of the running ones. The model's state and mode are restored afterwards.
 */
export function trainModeAccuracy(model: Module, data: Dataset, batchSize: number, seed = SEED): number {
  checkModel("smallBatches.trainModeAccuracy", model);
  checkDataset("smallBatches.trainModeAccuracy", data, "data");
  checkInteger("smallBatches.trainModeAccuracy", "batchSize", batchSize, { min: 1 });
  return withStateRestored(model, () => {
    model.train();
    const order = new Rng(`lesson5/train-mode/${seed}`).permutation(data.y.length);
    let correct = 0;
    let counted = 0;
    for (let at = 0; at + batchSize <= order.length; at += batchSize) {
      const rows = order.slice(at, at + batchSize);
      const logits = model.forward(data.x.selectRows(rows));
      correct += accuracy(logits, rows.map((i) => data.y[i])) * batchSize;
      counted += batchSize;
    }
    return correct / counted;
  });
}

// ---------------------------------------------------------------------------------------------
// Non-i.i.d. batches

export interface NonIidRow {
  norm: NormKind;
  shuffled: RunResult;
  oneClass: RunResult;
}

/**
 * Each method trained twice at batch size 32 with learning rate BASE_LR: on shuffled batches, and on
 * batches that hold one class each (nonIidBatches). The same examples are seen in both, only grouped differently.
 */
export function nonIidComparison(
  options: { methods?: NormKind[]; batchSize?: number; lr?: number; evalEvery?: number } = {},
): NonIidRow[] {
  options = checkOptions("smallBatches.nonIidComparison", options);
  checkCounts("smallBatches.nonIidComparison", options as Record<string, unknown>, ["batchSize", "evalEvery"]);
  if (options.lr !== undefined) checkNumber("smallBatches.nonIidComparison", "lr", options.lr, { min: 0 });
  const batchSize = options.batchSize ?? 32;
  const lr = options.lr ?? BASE_LR;
  const evalEvery = options.evalEvery ?? 25;
  (options.methods ?? []).forEach((m, i) => checkOneOf("smallBatches.nonIidComparison", `methods[${i}]`, m, METHODS));
  const methods = options.methods ?? ["batch", "renorm", "group", "layer"];
  const runs = trainRuns(methods.flatMap((norm) => [{ norm, batchSize, lr, evalEvery }, { norm, batchSize, lr, evalEvery, oneClassPerBatch: true }]));
  return methods.map((norm, m) => ({ norm, shuffled: runs[2 * m], oneClass: runs[2 * m + 1] }));
}
