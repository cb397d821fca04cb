/**
 * Lesson 6 (capstone: with and without BN): the experiments behind the lesson's charts and claims.
 * The notebook and test/lesson-06-claims.test.ts call these same functions with the same seeds.
 *
 *   figure1Net          Ioffe & Szegedy's MNIST net: 784-100-100-100-10 sigmoid, small Gaussian init
 *   figure1Run          train it (with or without BN), recording a last-hidden-layer sigmoid's input
 *   stepsToTarget       the first evaluated step whose TEST accuracy reaches a target (or null)
 *   percentileDrift     how far a recorded sigmoid input's median and 15–85 band move in training
 *   pooledMnist         the same digits at 14×14 (2×2 average pooling): 4× cheaper, for the sweeps
 *   sweepRun            one short run of a smaller sigmoid MLP at a given init scale and learning rate
 *   initScaleSweep      final accuracy vs weight-initialization scale, with and without BN
 *   learningRateSweep   final accuracy for every (init scale, learning rate), with and without BN
 *   checkStepsToTarget, checkBnNet   the checkers of exercises 6.1 and 6.2
 */
import { Matrix } from "../tensor/matrix";
import { AnyModule, Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { Linear } from "../nn/linear";
import { BatchNorm1d } from "../nn/batchnorm";
import { Sigmoid, ReLU, Tanh } from "../nn/activations";
import { Rng } from "../random/rng";
import { normalInit } from "../random/init";
import { Dataset } from "../data/dataset";
import { loadMnist, MnistSplit } from "../data/mnist";
import { fit, History, StepInfo } from "../train/fit";
import { CheckResult, failed, passed } from "../exercises/check-result";
import { quietInNotebook, report } from "../exercises/report";
import { describeThrown, isStubError } from "../exercises/learner-code";

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

let mnistCache: MnistSplit | null = null;

/** The 10,000 digits of the mnist package, split 8,000 train / 2,000 test (seed 0), pixels in [0, 1]. */
export function mnist(): MnistSplit {
  if (!mnistCache) mnistCache = loadMnist({ seed: 0 });
  return mnistCache;
}

/**
 * The Figure-1 network. Without BN every hidden layer is Linear → Sigmoid; with BN it is
 * Linear (no bias: β replaces it) → BatchNorm1d → Sigmoid, so BN normalizes each sigmoid's input.
 * The output layer is a Linear with bias in both. Same seed, same initial weights in both.
 */
export function figure1Net(batchNorm: boolean, options: { initStd?: number; seed?: number; sizes?: number[] } = {}): Sequential {
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

/** The last Sigmoid of a Sequential: its input is what Figure 1(b) plots. */
export function lastSigmoid(model: Sequential): Sigmoid {
  for (let i = model.length - 1; i >= 0; i--) {
    const layer = model.at(i);
    if (layer instanceof Sigmoid) return layer;
  }
  throw new Error(`lastSigmoid: no Sigmoid in ${model}`);
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
  const seed = options.seed ?? FIGURE1.seed;
  const model = figure1Net(options.batchNorm, { seed });
  const history = fit(model, mnist(), {
    steps: options.steps ?? FIGURE1.steps,
    batchSize: FIGURE1.batchSize,
    lr: options.lr ?? FIGURE1.lr,
    seed,
    evalEvery: options.evalEvery ?? FIGURE1.evalEvery,
    record: { layer: lastSigmoid(model), unit: FIGURE1.unit, every: FIGURE1.recordEvery, percentiles: [15, 50, 85] },
    onStep: options.onStep,
  });
  return { model, history };
}

/** What stepsToTarget reads: the test evaluations of a History. */
export interface EvalHistory {
  steps?: number[];
  trainAccuracy?: number[];
  eval: { step: number[]; testAccuracy: number[] };
}

/**
 * The first evaluated step at which the TEST accuracy reaches `target` (≥), or null if it never
 * does. (Reference solution of exercise 6.1.)
 */
export function stepsToTarget(history: EvalHistory, target: number): number | null {
  const { step, testAccuracy } = history.eval;
  for (let i = 0; i < step.length; i++) {
    if (testAccuracy[i] >= target) return step[i];
  }
  return null;
}

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
  const a = history.activations;
  if (!a) throw new Error("percentileDrift: the history has no recorded percentiles (train with fit's record option)");
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

let pooledCache: MnistSplit | null = null;

/** 2×2 average pooling of 28×28 digits → 14×14 (196 pixels). */
export function poolDigits(dataset: Dataset): Dataset {
  const n = dataset.y.length;
  const out = new Matrix(n, 196);
  const src = dataset.x.data;
  const dst = out.data;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < 14; i++) {
      for (let j = 0; j < 14; j++) {
        const p = r * 784 + 2 * i * 28 + 2 * j;
        dst[r * 196 + i * 14 + j] = (src[p] + src[p + 1] + src[p + 28] + src[p + 29]) / 4;
      }
    }
  }
  return { ...dataset, x: out, name: `${dataset.name}, 14×14` };
}

/** The same split as mnist(), pooled to 14×14. */
export function pooledMnist(): MnistSplit {
  if (!pooledCache) {
    const { train, test } = mnist();
    pooledCache = { train: poolDigits(train), test: poolDigits(test) };
  }
  return pooledCache;
}

export interface SweepRunOptions {
  batchNorm: boolean;
  initStd: number;
  lr: number;
  steps?: number;
  seed?: number;
}

const sweepCache = new Map<string, number>();

/**
 * Final test accuracy of one short run of the sweep network (sigmoid MLP on 14×14 digits),
 * or NaN if the training loss became infinite or NaN (diverged). Runs are deterministic, so
 * results are remembered: the heatmap reuses the runs of the init-scale sweep at the same rate.
 */
export function sweepRun(options: SweepRunOptions): number {
  const steps = options.steps ?? SWEEP.steps;
  const seed = options.seed ?? SWEEP.seed;
  const key = JSON.stringify([options.batchNorm, options.initStd, options.lr, steps, seed]);
  const known = sweepCache.get(key);
  if (known !== undefined) return known;
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
  const accuracy = diverged ? NaN : history.eval.testAccuracy[history.eval.testAccuracy.length - 1];
  sweepCache.set(key, accuracy);
  return accuracy;
}

export interface InitScaleSweep {
  scales: number[];
  lr: number;
  withBN: number[];
  withoutBN: number[];
}

/** Final accuracy against the init scale, at one learning rate, with and without BN. */
export function initScaleSweep(options: { scales?: number[]; lr?: number; steps?: number } = {}): InitScaleSweep {
  const scales = options.scales ?? SWEEP.scales;
  const lr = options.lr ?? SWEEP.lr;
  const run = (batchNorm: boolean) => scales.map((initStd) => sweepRun({ batchNorm, initStd, lr, steps: options.steps }));
  return { scales, lr, withBN: run(true), withoutBN: run(false) };
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
  const lrs = options.lrs ?? SWEEP.lrs;
  const scales = options.scales ?? SWEEP.heatmapScales;
  const grid = (batchNorm: boolean) =>
    scales.map((initStd) => lrs.map((lr) => sweepRun({ batchNorm, initStd, lr, steps: options.steps })));
  return { lrs, scales, withBN: grid(true), withoutBN: grid(false) };
}

/** The best accuracy of each learning rate (column), over init scales. */
export function bestPerRate(grid: number[][]): number[] {
  return grid[0].map((_, j) => Math.max(...grid.map((row) => (Number.isFinite(row[j]) ? row[j] : 0))));
}

// ---------------------------------------------------------------------------------------------
// Exercise 6.1: steps to a target accuracy

export type StepsToTargetFn = (history: EvalHistory, target: number) => number | null;

const STEPS_INFO = { exercise: "stepsToTarget", title: "Steps to reach a target test accuracy" };

interface StepsCase {
  label: string;
  history: EvalHistory;
  target: number;
}

/** Hand-made histories where each mistake gives a different answer from the right one. */
function stepsCases(): StepsCase[] {
  const steps = Array.from({ length: 400 }, (_, i) => i + 1);
  // the training batches reach 90% long before the test set does (at step 48)
  const trainAccuracy = steps.map((s) => Math.min(0.99, 0.5 + s / 120));
  const history = (testAccuracy: number[]): EvalHistory => ({
    steps,
    trainAccuracy,
    eval: { step: [0, 100, 200, 300, 400], testAccuracy },
  });
  return [
    { label: "test accuracy 10%, 85%, 91%, 95%, 96% at steps 0, 100, 200, 300, 400; target 90%", history: history([0.1, 0.85, 0.91, 0.95, 0.96]), target: 0.9 },
    { label: "test accuracy exactly 90% at step 300 (10%, 80%, 88%, 90%, 93%); target 90%", history: history([0.1, 0.8, 0.88, 0.9, 0.93]), target: 0.9 },
    { label: "test accuracy never reaches the target (10%, 50%, 70%, 80%, 85%); target 90%", history: history([0.1, 0.5, 0.7, 0.8, 0.85]), target: 0.9 },
  ];
}

/** What each named mistake answers, to recognise it. */
const STEPS_MISTAKES: { name: string; explanation: string; answer: (c: StepsCase) => unknown }[] = [
  {
    name: "train accuracy instead of test accuracy",
    explanation:
      "Your answer is the first step where the accuracy on the TRAINING batch reached the target. A training batch is what the " +
      "network is fitting right now (and only 60 examples): it runs ahead of, and is noisier than, the test accuracy. Read history.eval.testAccuracy.",
    answer: (c) => {
      const i = (c.history.trainAccuracy ?? []).findIndex((a) => a >= c.target);
      return i < 0 ? null : (c.history.steps ?? [])[i];
    },
  },
  {
    name: "the index of the evaluation, not its step",
    explanation:
      "Your answer is the position of the evaluation in history.eval.testAccuracy. Evaluations happen every few steps: return history.eval.step[i], the step at which it was measured.",
    answer: (c) => {
      const i = c.history.eval.testAccuracy.findIndex((a) => a >= c.target);
      return i < 0 ? null : i;
    },
  },
  {
    name: "off by one evaluation (the one before)",
    explanation: "Your answer is the evaluation BEFORE the one that reached the target: return the step of the first evaluation with accuracy ≥ target itself.",
    answer: (c) => {
      const i = c.history.eval.testAccuracy.findIndex((a) => a >= c.target);
      return i < 0 ? null : c.history.eval.step[i - 1] ?? null;
    },
  },
  {
    name: "off by one evaluation (the one after)",
    explanation: "Your answer is the evaluation AFTER the one that reached the target: return the step of the first evaluation with accuracy ≥ target itself.",
    answer: (c) => {
      const i = c.history.eval.testAccuracy.findIndex((a) => a >= c.target);
      return i < 0 ? null : c.history.eval.step[i + 1] ?? null;
    },
  },
  {
    name: "> instead of ≥",
    explanation: "An accuracy exactly equal to the target reaches it: compare with ≥, not >.",
    answer: (c) => {
      const i = c.history.eval.testAccuracy.findIndex((a) => a > c.target);
      return i < 0 ? null : c.history.eval.step[i];
    },
  },
  {
    name: "no null when the target is never reached",
    explanation:
      "When no evaluation reaches the target, return null (not -1, 0, undefined or the last step): a run that never gets there must not look like a fast one.",
    answer: (c) => (stepsToTarget(c.history, c.target) === null ? "not null" : stepsToTarget(c.history, c.target)),
  },
];

function sameAnswer(got: unknown, expected: unknown): boolean {
  if (expected === "not null") return got !== null;
  return Object.is(got, expected);
}

function copyHistory(h: EvalHistory): EvalHistory {
  return {
    steps: h.steps?.slice(),
    trainAccuracy: h.trainAccuracy?.slice(),
    eval: { step: h.eval.step.slice(), testAccuracy: h.eval.testAccuracy.slice() },
  };
}

/** Checker of exercise 6.1: names the mistake (train accuracy, index vs step, off by one, >, no null). */
export function checkStepsToTarget(fn: StepsToTargetFn): CheckResult {
  const cases = stepsCases();
  const answers: unknown[] = [];
  for (const c of cases) {
    try {
      answers.push(fn(copyHistory(c.history), c.target));
    } catch (e) {
      if (isStubError(e)) return failed(STEPS_INFO, "not-implemented", "Not implemented yet: replace the line that throws \"TODO: implement …\" with your code.");
      return failed(STEPS_INFO, "error", `your function threw ${describeThrown(e)}`, { details: `on: ${c.label}` });
    }
  }
  const wrong = cases.findIndex((c, i) => !Object.is(answers[i], stepsToTarget(c.history, c.target)));
  if (wrong < 0) {
    return passed(STEPS_INFO, "the first evaluated step with test accuracy ≥ target (an exact hit counts), and null when it is never reached.");
  }
  for (const m of STEPS_MISTAKES) {
    // a mistake is named only if it predicts the learner's answer on every history
    if (cases.every((c, i) => sameAnswer(answers[i], m.answer(c)))) {
      return failed(STEPS_INFO, "misconception", `${m.name}. ${m.explanation}`, { details: evidence(cases[wrong], answers[wrong]) });
    }
  }
  return failed(STEPS_INFO, "counterexample", "a wrong answer on a small history.", { details: evidence(cases[wrong], answers[wrong]) });
}

function evidence(c: StepsCase, got: unknown): string {
  return [`history: ${c.label}`, `expected ${JSON.stringify(stepsToTarget(c.history, c.target))}`, `got      ${got === undefined ? "undefined" : JSON.stringify(got)}`].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Exercise 6.2: the BN network, in the right order

export type BnNetFn = (seed: number) => Sequential;

const NET_INFO = { exercise: "bnNet", title: "The Figure-1 network with batch norm" };

function kindOf(layer: AnyModule): string {
  if (layer instanceof Linear) return "Linear";
  if (layer instanceof BatchNorm1d) return "BatchNorm1d";
  if (layer instanceof Sigmoid) return "Sigmoid";
  if (layer instanceof ReLU) return "ReLU";
  if (layer instanceof Tanh) return "Tanh";
  return layer.constructor?.name ?? "?";
}

/**
 * Checker of exercise 6.2: 784-100-100-100-10 with every hidden layer Linear(bias false) →
 * BatchNorm1d → Sigmoid, and a final Linear. Names: BN after the activation, BN on the logits,
 * a redundant Linear bias before BN, a missing BN layer, the wrong activation; then runs a batch.
 */
export function checkBnNet(fn: BnNetFn): CheckResult {
  let model: unknown;
  try {
    model = fn(0);
  } catch (e) {
    if (isStubError(e)) return failed(NET_INFO, "not-implemented", "Not implemented yet: replace the line that throws \"TODO: implement …\" with your code.");
    return failed(NET_INFO, "error", `your function threw ${describeThrown(e)}`);
  }
  if (!(model instanceof Sequential)) return failed(NET_INFO, "wrong-type", "return a Sequential(...) of layers.");
  const kinds = model.layers.map(kindOf);
  const got = `got:      ${model.toString()}`;
  const want = "expected: Sequential(Linear(784→100, bias=false), BatchNorm1d(100, …), Sigmoid, ×3 …, Linear(100→10))";
  const details = `${want}\n${got}`;
  const fail = (name: string, explanation: string) => failed(NET_INFO, "misconception", `${name}. ${explanation}`, { details });
  if (!kinds.includes("BatchNorm1d")) return fail("no batch norm", "This is the baseline: put a BatchNorm1d between every hidden Linear and its Sigmoid.");
  if (kinds.some((k) => k === "ReLU" || k === "Tanh")) return fail("wrong activation", "Figure 1's network uses Sigmoid after every hidden layer.");
  if (kinds[kinds.length - 1] === "BatchNorm1d" || (kinds[kinds.length - 1] !== "Linear" && kinds[kinds.length - 2] === "BatchNorm1d")) {
    return fail("batch norm on the logits", "The last layer is a plain Linear that outputs the 10 logits; BN goes inside the hidden layers only.");
  }
  for (let i = 1; i < kinds.length; i++) {
    if (kinds[i] === "BatchNorm1d" && kinds[i - 1] === "Sigmoid") {
      return fail(
        "batch norm after the activation",
        "Ioffe & Szegedy normalize x = Wu, the sigmoid's INPUT, so that it stays in the sigmoid's sensitive range: Linear → BatchNorm1d → Sigmoid.",
      );
    }
  }
  const expected = ["Linear", "BatchNorm1d", "Sigmoid", "Linear", "BatchNorm1d", "Sigmoid", "Linear", "BatchNorm1d", "Sigmoid", "Linear"];
  if (kinds.join() !== expected.join()) {
    return failed(NET_INFO, "counterexample", `expected the layers ${expected.join(" → ")}, got ${kinds.join(" → ")}.`, { details });
  }
  const sizes = [784, 100, 100, 100, 10];
  for (let h = 0; h < 4; h++) {
    const lin = model.layers[3 * h] as Linear;
    if (lin.inFeatures !== sizes[h] || lin.outFeatures !== sizes[h + 1]) {
      return failed(NET_INFO, "wrong-shape", `layer ${3 * h} should be Linear(${sizes[h]}→${sizes[h + 1]}), got ${lin}.`, { details });
    }
    if (h < 3) {
      const bn = model.layers[3 * h + 1] as BatchNorm1d;
      if (bn.numFeatures !== sizes[h + 1]) return failed(NET_INFO, "wrong-shape", `layer ${3 * h + 1} should be BatchNorm1d(${sizes[h + 1]}), got ${bn}.`, { details });
      if (lin.bias) {
        return fail(
          "a Linear bias right before batch norm",
          "BN subtracts the batch mean, which cancels any bias b exactly (its gradient is always 0), and β already shifts: use new Linear(in, out, { bias: false, … }).",
        );
      }
    }
  }
  try {
    const x = new Matrix(4, 784).map((_, i, j) => ((i * 784 + j) % 7) / 7);
    const y = model.forward(x);
    if (y.rows !== 4 || y.cols !== 10) return failed(NET_INFO, "wrong-shape", `a batch of 4 digits gave ${y.shapeString()}, expected 4×10.`);
  } catch (e) {
    return failed(NET_INFO, "error", `a forward pass of 4 digits threw ${describeThrown(e)}`, { details });
  }
  return passed(NET_INFO, "Linear(bias=false) → BatchNorm1d → Sigmoid three times, then Linear(100→10); a batch of 4 digits gives 4×10 logits.");
}

function shown(result: CheckResult): CheckResult {
  report(result);
  return quietInNotebook(result);
}

/** The notebook-facing checkers of this lesson: print the report and the grader's line. */
export const check = {
  stepsToTarget: (fn: StepsToTargetFn): CheckResult => shown(checkStepsToTarget(fn)),
  bnNet: (fn: BnNetFn): CheckResult => shown(checkBnNet(fn)),
};
