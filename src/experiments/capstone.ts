/**
 * Lesson 6 (capstone: with and without BN): the experiments behind the lesson's charts and claims.
 * The notebook and test/lesson-06-claims.test.ts call these same functions with the same seeds.
 *
 *   figure1Net          Ioffe & Szegedy's MNIST net: 784-100-100-100-10 sigmoid, small Gaussian init
 *   figure1Run          train it (with or without BN), recording a last-hidden-layer sigmoid's input
 *   stepsToTarget       the first evaluated step whose TEST accuracy reaches a target (or null)
 *   percentileDrift     how far a recorded sigmoid input's median and 15–85 band move in training
 *   pooledMnist         the same digits at 14×14 (2×2 average pooling): 4× cheaper, for the sweeps
 *   initScaleSweep      final accuracy of short runs of a smaller sigmoid MLP (14×14 digits) vs
 *                       weight-initialization scale, with and without BN
 *   learningRateSweep   the same for every (init scale, learning rate)
 *   checkStepsToTarget, checkBnNet   the checkers of exercises 6.1 and 6.2
 */
import * as path from "node:path";
import { checkArrayLike, checkCounts, checkNumber, checkNumbers, checkOptions, describe } from "./args";
import { Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { Linear } from "../nn/linear";
import { BatchNorm1d } from "../nn/batchnorm";
import { Sigmoid } from "../nn/activations";
import { Rng } from "../random/rng";
import { normalInit } from "../random/init";
import { loadMnist, MnistSplit } from "../data/mnist";
import { poolDigits } from "./small-batches";
import { fit, History, StepInfo } from "../train/fit";
import { parallelTask } from "./parallel";
import { once } from "./once";
import { check as exerciseCheck, checkers as exerciseCheckers } from "../exercises/check";

// ---------------------------------------------------------------------------------------------
// Ioffe & Szegedy's Figure 1, at our scale

/** The settings of our Figure-1 runs (the paper's architecture and batch; our step count and rate). */
export const FIGURE1 = {
  /** 28×28 inputs, three hidden layers of 100 sigmoids, 10 classes (as in the paper). */
  sizes: [784, 100, 100, 100, 10],
  /** "Small random Gaussian values": weights drawn from N(0, 0.05²). */
  initStd: 0.05,
  /** Plain SGD; the same rate with and without BN. */
  lr: 1,
  /** Examples per step (as in the paper). */
  batchSize: 60,
  /** The paper trains 50,000 steps; we train 2,500 in the lesson (FULL_RUN switches to 50,000). */
  steps: 2500,
  fullSteps: 50000,
  /** Test accuracy is measured every this many steps, on all 2,000 test digits. */
  evalEvery: 100,
  /** The recorded sigmoid: unit 0 of the last hidden layer, every 10 steps. */
  unit: 0,
  recordEvery: 10,
  /** The test-accuracy target for "steps to reach". */
  target: 0.9,
  seed: 0,
};

/** The 10,000 digits of the mnist package, split 8,000 train / 2,000 test (seed 0), pixels in [0, 1]. */
export const mnist = once((): MnistSplit => loadMnist({ seed: 0 }));

/**
 * The Figure-1 network. Without BN every hidden layer is Linear → Sigmoid; with BN it is
 * Linear (no bias: β replaces it) → BatchNorm1d → Sigmoid, so BN normalizes each sigmoid's input.
 * The output layer is a Linear with bias in both. Same seed, same initial weights in both.
 */
export function figure1Net(batchNorm: boolean, options: { initStd?: number; seed?: number; sizes?: number[] } = {}): Sequential {
  if (typeof batchNorm !== "boolean") throw new TypeError(`capstone.figure1Net: batchNorm must be true or false, got ${describe(batchNorm)}`);
  options = checkOptions("capstone.figure1Net", options);
  if (options.sizes !== undefined && (!Array.isArray(options.sizes) || options.sizes.length < 2 || !options.sizes.every((s) => Number.isInteger(s) && s >= 1))) {
    throw new RangeError(`capstone.figure1Net: sizes must list at least 2 widths, integers ≥ 1, got ${describe(options.sizes)}`);
  }
  const sizes = options.sizes ?? FIGURE1.sizes;
  const init = normalInit(options.initStd ?? FIGURE1.initStd);
  const rng = new Rng(`capstone/figure1/${options.seed ?? FIGURE1.seed}`);
  const layers: Module[] = [];
  for (let i = 0; i + 2 < sizes.length; i++) {
    layers.push(new Linear(sizes[i], sizes[i + 1], { bias: !batchNorm, init, rng }));
    if (batchNorm) layers.push(new BatchNorm1d(sizes[i + 1]));
    layers.push(new Sigmoid());
  }
  layers.push(new Linear(sizes[sizes.length - 2], sizes[sizes.length - 1], { init, rng }));
  return new Sequential(...layers);
}

export interface Figure1Options {
  batchNorm: boolean;
  steps?: number;
  lr?: number;
  seed?: number;
  evalEvery?: number;
  /** E.g. a live chart's onStep. */
  onStep?: (info: StepInfo) => void | "stop";
}

export interface Figure1Result {
  model: Sequential;
  history: History;
}

/**
 * Train the Figure-1 network on MNIST, evaluating the test set every `evalEvery` steps and
 * recording the 15th/50th/85th percentiles of one last-hidden-layer sigmoid's input.
 */
export function figure1Run(options: Figure1Options): Figure1Result {
  if (options === null || typeof options !== "object" || typeof options.batchNorm !== "boolean") {
    throw new TypeError(`capstone.figure1Run: expected options { batchNorm: true or false, steps?, … }, got ${describe(options)}`);
  }
  checkCounts("capstone.figure1Run", options as unknown as Record<string, unknown>, ["steps", "evalEvery", "evalSize", "recordEvery"]);
  const seed = options.seed ?? FIGURE1.seed;
  const model = figure1Net(options.batchNorm, { seed });
  const lastSigmoid = model.layers.filter((l) => l instanceof Sigmoid).at(-1)!; // its input is what Figure 1(b) plots
  const history = fit(model, mnist(), {
    steps: options.steps ?? FIGURE1.steps,
    batchSize: FIGURE1.batchSize,
    lr: options.lr ?? FIGURE1.lr,
    seed,
    evalEvery: options.evalEvery ?? FIGURE1.evalEvery,
    record: { layer: lastSigmoid, unit: FIGURE1.unit, every: FIGURE1.recordEvery, percentiles: [15, 50, 85] },
    onStep: options.onStep,
  });
  return { model, history };
}

export { stepsToTarget } from "../train/steps-to-target";
export type { EvalHistory } from "../train/steps-to-target";

export interface Drift {
  /** How far the median travels: its largest minus its smallest recorded value. */
  medianRange: number;
  /** The same for the width of the 15th–85th percentile band. */
  widthRange: number;
  /** The median at the first and at the last recorded step. */
  medianFirst: number;
  medianLast: number;
}

/** How much the recorded sigmoid input's distribution moves during training (Figure 1(b)). */
export function percentileDrift(history: History): Drift {
  if (history === null || typeof history !== "object") throw new TypeError(`capstone.percentileDrift: history must be what fit returned, got ${describe(history)}`);
  const a = history.activations;
  if (!a) throw new Error("capstone.percentileDrift: the history has no recorded percentiles (train with fit's record option)");
  const med = a.percentiles["50"];
  const width = a.percentiles["85"].map((hi, i) => hi - a.percentiles["15"][i]);
  const range = (v: number[]) => Math.max(...v) - Math.min(...v);
  return { medianRange: range(med), widthRange: range(width), medianFirst: med[0], medianLast: med[med.length - 1] };
}

// ---------------------------------------------------------------------------------------------
// Sweeps: a smaller net on 14×14 digits, a few hundred steps per run

/** The settings of the sweeps. */
export const SWEEP = {
  /** 14×14 inputs, three hidden layers of 64 sigmoids. */
  sizes: [196, 64, 64, 64, 10],
  steps: 250,
  batchSize: 60,
  /** Learning rate of the init-scale sweep. */
  lr: 1,
  /** Weight-initialization scales (std of N(0, std²)), log-spaced like CS231n's weight-scale experiment. */
  scales: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3],
  /** The heatmap's rows and columns. */
  heatmapScales: [0.01, 0.1, 0.3, 1],
  lrs: [1, 3, 10, 30],
  seed: 0,
};

/** The same split as mnist(), pooled to 14×14. */
export const pooledMnist = once((): MnistSplit => ({ train: poolDigits(mnist().train), test: poolDigits(mnist().test) }));

interface SweepRunOptions {
  batchNorm: boolean;
  initStd: number;
  lr: number;
  steps?: number;
}

/** The accuracies of the runs done in this thread: the heatmap reuses the runs of the init-scale sweep at the same rate. */
const sweepCache = new Map<string, number>();
const sweepKey = (o: SweepRunOptions) => JSON.stringify([o.batchNorm, o.initStd, o.lr, o.steps ?? SWEEP.steps]);

/**
 * Final test accuracy of one short run of the sweep network (sigmoid MLP on 14×14 digits),
 * or NaN if the training loss became infinite or NaN (diverged).
 */
function sweepRun(options: SweepRunOptions): number {
  const steps = options.steps ?? SWEEP.steps;
  const seed = SWEEP.seed;
  const model = figure1Net(options.batchNorm, { sizes: SWEEP.sizes, initStd: options.initStd, seed });
  let diverged = false;
  const history = fit(model, pooledMnist(), {
    steps,
    batchSize: SWEEP.batchSize,
    lr: options.lr,
    seed,
    evalEvery: steps, //   evaluate once, at the end
    onStep: (info) => {
      if (!Number.isFinite(info.loss)) {
        diverged = true;
        return "stop";
      }
    },
  });
  return diverged ? NaN : history.eval.testAccuracy[history.eval.testAccuracy.length - 1];
}
const sweepOnEveryCore = parallelTask(path.join(__dirname, "capstone"), sweepRun);

/** sweepRun for every options; the runs not yet done train on every core. */
function sweepRuns(list: SweepRunOptions[]): number[] {
  const todo = new Map<string, SweepRunOptions>();
  for (const o of list) if (!sweepCache.has(sweepKey(o))) todo.set(sweepKey(o), o);
  const keys = [...todo.keys()];
  sweepOnEveryCore([...todo.values()]).forEach((accuracy, i) => sweepCache.set(keys[i], accuracy));
  return list.map((o) => sweepCache.get(sweepKey(o))!);
}

export interface InitScaleSweep {
  scales: number[];
  lr: number;
  withBN: number[];
  withoutBN: number[];
}

/** Final accuracy against the init scale, at one learning rate, with and without BN. */
export function initScaleSweep(options: { scales?: number[]; lr?: number; steps?: number } = {}): InitScaleSweep {
  options = checkOptions("capstone.initScaleSweep", options);
  if (options.scales !== undefined) checkNumbers("capstone.initScaleSweep", "scales", options.scales, true);
  if (options.lr !== undefined) checkNumber("capstone.initScaleSweep", "lr", options.lr, { min: 0 });
  checkCounts("capstone.initScaleSweep", options as Record<string, unknown>, ["steps"]);
  const scales = options.scales ?? SWEEP.scales;
  const lr = options.lr ?? SWEEP.lr;
  const accuracy = sweepRuns([true, false].flatMap((batchNorm) => scales.map((initStd) => ({ batchNorm, initStd, lr, steps: options.steps }))));
  return { scales, lr, withBN: accuracy.slice(0, scales.length), withoutBN: accuracy.slice(scales.length) };
}

export interface LearningRateSweep {
  lrs: number[];
  scales: number[];
  /** accuracy[row = scale][column = learning rate] */
  withBN: number[][];
  withoutBN: number[][];
}

/** Final accuracy for every (init scale, learning rate), with and without BN. */
export function learningRateSweep(options: { lrs?: number[]; scales?: number[]; steps?: number } = {}): LearningRateSweep {
  options = checkOptions("capstone.learningRateSweep", options);
  if (options.lrs !== undefined) checkNumbers("capstone.learningRateSweep", "lrs", options.lrs, true);
  if (options.scales !== undefined) checkNumbers("capstone.learningRateSweep", "scales", options.scales, true);
  checkCounts("capstone.learningRateSweep", options as Record<string, unknown>, ["steps"]);
  const lrs = options.lrs ?? SWEEP.lrs;
  const scales = options.scales ?? SWEEP.heatmapScales;
  const accuracy = sweepRuns([true, false].flatMap((batchNorm) => scales.flatMap((initStd) => lrs.map((lr) => ({ batchNorm, initStd, lr, steps: options.steps })))));
  const grid = (half: number) => scales.map((_, i) => accuracy.slice((half * scales.length + i) * lrs.length, (half * scales.length + i + 1) * lrs.length));
  return { lrs, scales, withBN: grid(0), withoutBN: grid(1) };
}

/** The best accuracy of each learning rate (column), over init scales. */
export function bestPerRate(grid: number[][]): number[] {
  checkArrayLike("capstone.bestPerRate", "grid", grid);
  if (grid.length === 0) throw new RangeError("capstone.bestPerRate: grid must have at least one row (one per init scale)");
  grid.forEach((row, i) => {
    checkNumbers("capstone.bestPerRate", `grid[${i}]`, row);
    if (row.length !== grid[0].length) throw new RangeError(`capstone.bestPerRate: grid[${i}] has ${row.length} values, grid[0] has ${grid[0].length}; every row needs one per learning rate`);
  });
  return grid[0].map((_, j) => Math.max(...grid.map((row) => (Number.isFinite(row[j]) ? row[j] : 0))));
}

// ---------------------------------------------------------------------------------------------
// Exercises 6.1 and 6.2: their checkers live with the others (src/exercises/checkers/steps-to-target.ts,
// bn-net.ts) and speak the collect/judge protocol; re-exported here for the lesson.

export type { StepsToTargetFn } from "../exercises/collect/steps-to-target";
export type { BnNetFn } from "../exercises/collect/bn-net";
export const checkStepsToTarget = exerciseCheckers.stepsToTarget;
export const checkBnNet = exerciseCheckers.bnNet;

/** The notebook-facing checkers of this lesson: print the report and the grader's line. */
export const check = { stepsToTarget: exerciseCheck.stepsToTarget, bnNet: exerciseCheck.bnNet };
