/**
 * Lesson 7 (why does batch norm help?): the experiments behind the lesson's charts and claims.
 * The notebook and test/lesson-07-claims.test.ts call these same functions with the same seeds.
 *
 *   whyBnNet            the lesson's MLPs on 14×14 digits: sigmoid or ReLU; no norm, BN, noisy BN,
 *                       ghost BN; optional dropout
 *   whyBnRun            (internal) train one, optionally probing the landscape / ICS at checkpoints,
 *                       recording a sigmoid's input, or tracking ‖W‖ and the relative update size
 *   noisyBnStudy        §1: no BN vs BN vs noisy BN, 5 seeds: accuracy and how much the inputs shift
 *   landscapeStudy      §2–3: gradient ICS per layer, and the loss / gradient / β along the gradient
 *   learningRateStudy   §4: the largest learning rate that still trains, sigmoid and ReLU
 *   regularizationStudy §5: train/test gap on 1,000 digits: none, dropout, BN, both, ghost BN 4…64
 *   scaleStudy          §6: BN(aWx) = BN(Wx), ‖W‖ growth and the effective step, with weight decay
 *   meanAndError        mean ± standard error over seeds
 */
import * as path from "node:path";
import { Matrix } from "../tensor/matrix";
import { Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { Linear } from "../nn/linear";
import { BatchNorm1d } from "../nn/batchnorm";
import { GhostBatchNorm1d } from "../nn/ghost-batchnorm";
import { ShiftNoise } from "../nn/shift-noise";
import { Dropout } from "../nn/dropout";
import { ReLU, Sigmoid } from "../nn/activations";
import { Rng } from "../random/rng";
import { kaimingInit, normalInit } from "../random/init";
import { subset } from "../data/dataset";
import { MnistSplit } from "../data/mnist";
import { SGD } from "../optim/sgd";
import { fit, History } from "../train/fit";
import { evaluate } from "../train/evaluate";
import { GradientProbe, LayerIcs, ProbeBatch, gradientIcs, probeAlongGradient } from "../train/gradient-probe";
import { normAll } from "../train/parameter-vectors";
import { pooledMnist } from "./capstone";
import { parallelTask } from "./parallel";
import { once } from "./once";
import {
  checkArrayLike, checkInteger, checkModel, checkNonEmptyList, checkNumber, checkNumbers, checkOneOf,
  checkOptions, checkSeeds, describe,
} from "./args";

const ACTIVATIONS = ["sigmoid", "relu"] as const;
const NORMS = ["none", "bn", "noisy", "ghost"] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export type Norm = (typeof NORMS)[number];

/** The settings of the lesson's experiments. */
export const WHY = {
  /** 14×14 digits (lesson 6's pooled MNIST), three hidden layers of 64. */
  sizes: [196, 64, 64, 64, 10],
  batchSize: 60,
  /** The sigmoid nets' weights are drawn from N(0, 0.3²): the scale where lesson 6's baseline trains best. */
  sigmoidInitStd: 0.3,
  /** Five seeds for every effect that is small or noisy. */
  seeds: [0, 1, 2, 3, 4],
  /** §1–3: training length and rate of the probed runs (the same with and without BN). */
  steps: 200,
  lr: { sigmoid: 1, relu: 0.1 } as Record<Activation, number>,
  evalEvery: 25,
  /** §3: checkpoints and the step sizes of the probe along the gradient, as multiples of lr. */
  probeEvery: 50,
  probeSteps: [0.25, 0.5, 1, 2, 4],
  probeBatch: 120,
  /** §1: the noise of noisy BN: per step and feature, y = s·x + m, s ~ U(0.5, 2), m ~ U(−1, 1). */
  noise: { shift: 1, minScale: 0.5, maxScale: 2 },
  /** §4: the learning-rate grid, run length, seeds and what "trains" means. */
  lrGrid: [0.3, 1, 3, 10, 30],
  lrSteps: 100,
  lrSeeds: [0, 1, 2],
  trainsAbove: 0.5,
  /** §5: a small training set, trained to overfit. */
  regTrain: 1000,
  regSizes: [196, 64, 64, 10],
  regBatch: 64,
  regSteps: 200,
  regLr: 0.1,
  dropout: 0.3,
  ghostSizes: [4, 16, 64],
  /** §6: weight decay against no weight decay. */
  scaleSteps: 200,
  scaleLr: 1,
  weightDecay: 0.005,
};

export interface NetOptions {
  activation: Activation;
  norm: Norm;
  seed: number;
  sizes?: readonly number[];
  /** Dropout probability after every hidden activation (default 0: none). */
  dropout?: number;
  /** For norm "ghost": examples per ghost batch. */
  virtualBatchSize?: number;
}

/**
 * The lesson's MLP. Every hidden layer is Linear → [norm] → activation → [Dropout]:
 *   none   Linear with bias
 *   bn     Linear (no bias) → BatchNorm1d
 *   noisy  Linear (no bias) → BatchNorm1d → ShiftNoise (a new random scale and shift every step)
 *   ghost  Linear (no bias) → GhostBatchNorm1d(virtualBatchSize)
 * Weights: N(0, 0.3²) for sigmoid (the best baseline scale of lesson 6's sweep), Kaiming for ReLU, seeded; the same seed gives the same weights
 * with and without normalization.
 */
export function whyBnNet(o: NetOptions): Sequential {
  checkNetOptions("whyBn.whyBnNet", o);
  const sizes = o.sizes ?? WHY.sizes;
  const rng = new Rng(`why-bn/net/${o.seed}`);
  const init = o.activation === "relu" ? kaimingInit() : normalInit(WHY.sigmoidInitStd);
  const layers: Module[] = [];
  for (let i = 0; i + 2 < sizes.length; i++) {
    const n = sizes[i + 1];
    layers.push(new Linear(sizes[i], n, { bias: o.norm === "none", init, rng }));
    if (o.norm === "bn" || o.norm === "noisy") layers.push(new BatchNorm1d(n));
    if (o.norm === "noisy") layers.push(new ShiftNoise({ ...WHY.noise, rng: new Rng(`why-bn/noise/${o.seed}/${i}`) }));
    if (o.norm === "ghost") layers.push(new GhostBatchNorm1d(n, { virtualBatchSize: o.virtualBatchSize ?? 16 }));
    layers.push(o.activation === "relu" ? new ReLU() : new Sigmoid());
    if (o.dropout) layers.push(new Dropout(o.dropout, { rng: new Rng(`why-bn/dropout/${o.seed}/${i}`) }));
  }
  layers.push(new Linear(sizes[sizes.length - 2], sizes[sizes.length - 1], { init, rng }));
  return new Sequential(...layers);
}

/** The options of a net, checked before anything is built (`where` names the caller). */
function checkNetOptions(where: string, o: unknown): asserts o is NetOptions {
  const { activation, norm, seed, sizes, dropout, virtualBatchSize } = checkOptions(where, o as NetOptions);
  checkOneOf(where, "activation", activation, ACTIVATIONS);
  checkOneOf(where, "norm", norm, NORMS);
  checkInteger(where, "seed", seed);
  if (sizes !== undefined) {
    const list = checkArrayLike(where, "sizes", sizes);
    if (list.length < 2) throw new RangeError(`${where}: sizes must list at least 2 layer sizes (input … output), got ${describe(sizes)}`);
    for (let i = 0; i < list.length; i++) checkInteger(where, `sizes[${i}]`, list[i], { min: 1 });
  }
  if (dropout !== undefined) checkNumber(where, "dropout", dropout, { min: 0, max: 1, maxInclusive: false, hint: "the probability of dropping a unit" });
  if (virtualBatchSize !== undefined) checkInteger(where, "virtualBatchSize", virtualBatchSize, { min: 2, hint: "examples per ghost batch" });
}

/** The activation layers of a model, bottom to top. */
export function activations(model: Sequential): Module[] {
  checkModel("whyBn.activations", model, true);
  return model.layers.filter((l): l is Sigmoid | ReLU => l instanceof Sigmoid || l instanceof ReLU);
}

/** A fixed batch of 120 training digits (seeded) on which every probe is measured. */
const probeBatch = once((): ProbeBatch => {
  const { train } = pooledMnist();
  const rows = new Rng("why-bn/probe-batch").sample(train.y.length, WHY.probeBatch);
  return { x: train.x.selectRows(rows), y: rows.map((i) => train.y[i]) };
});

/** §5's data: the first 1,000 pooled training digits (the split is already shuffled), the same 2,000 test digits. */
const smallTrainingSet = once((): MnistSplit => {
  const { train, test } = pooledMnist();
  return { train: subset(train, Array.from({ length: WHY.regTrain }, (_, i) => i), `MNIST 14×14 train (${WHY.regTrain})`), test };
});

export interface RunOptions extends NetOptions {
  lr: number;
  steps: number;
  batchSize?: number;
  evalEvery?: number;
  weightDecay?: number;
  /** The data (default: the 8,000 / 2,000 pooled digits). */
  data?: "full" | "small";
  /** Probe the landscape and ICS before the first step and every this many steps. */
  probeEvery?: number;
  /** Record the 15/50/85th percentiles of the input of the last activation, unit 0, every `record` steps. */
  record?: number;
  /** Track ‖W‖ and ‖ΔW‖/‖W‖ of every hidden Linear at every step. */
  trackNorms?: boolean;
}

export interface Checkpoint {
  step: number;
  probe: GradientProbe;
  ics: LayerIcs[];
}

export interface RunResult {
  options: RunOptions;
  history: History;
  /** Final accuracy on the training set (only for the small set of §5, else NaN) and on the test set, in eval mode. */
  trainAccuracy: number;
  testAccuracy: number;
  /** True if the loss became infinite or NaN (training stopped there). */
  diverged: boolean;
  checkpoints: Checkpoint[];
  /** Per hidden Linear: ‖W‖ after each step, and ‖W_t − W_{t−1}‖/‖W_{t−1}‖. */
  weightNorms?: number[][];
  relativeUpdates?: number[][];
}

const runCache = new Map<string, RunResult>();

/** Train one network; deterministic for the same options. */
function whyBnRun(o: RunOptions): RunResult {
  const model = whyBnNet(o);
  const data = o.data === "small" ? smallTrainingSet() : pooledMnist();
  const optimizer = new SGD(model.parameters(), { lr: o.lr, weightDecay: o.weightDecay ?? 0 });
  const checkpoints: Checkpoint[] = [];
  const linears = model.layers.filter((l): l is Linear => l instanceof Linear).slice(0, -1); // the hidden ones
  const weightNorms: number[][] | undefined = o.trackNorms ? linears.map((l) => [normAll([l.weight.value])]) : undefined;
  const relativeUpdates: number[][] | undefined = o.trackNorms ? linears.map(() => []) : undefined;
  let previous = o.trackNorms ? linears.map((l) => l.weight.value.clone()) : [];
  let diverged = false;
  const probeAt = (step: number) => {
    const stepSizes = WHY.probeSteps.map((f) => f * o.lr);
    checkpoints.push({ step, probe: probeAlongGradient(model, probeBatch(), stepSizes), ics: gradientIcs(model, probeBatch(), o.lr) });
  };
  if (o.probeEvery) probeAt(0);
  const history = fit(model, data, {
    steps: o.steps,
    batchSize: o.batchSize ?? WHY.batchSize,
    optimizer,
    seed: o.seed,
    evalEvery: o.evalEvery ?? o.steps,
    record: o.record ? { layer: activations(model).at(-1)!, unit: 0, every: o.record, percentiles: [15, 50, 85] } : undefined,
    onStep: (info) => {
      if (!Number.isFinite(info.loss)) {
        diverged = true;
        return "stop";
      }
      if (o.trackNorms) {
        linears.forEach((l, k) => {
          const w = l.weight.value;
          relativeUpdates![k].push(normAll([w.sub(previous[k])]) / normAll([previous[k]]));
          weightNorms![k].push(normAll([w]));
        });
        previous = linears.map((l) => l.weight.value.clone());
      }
      if (o.probeEvery && info.step % o.probeEvery === 0) probeAt(info.step);
    },
  });
  return {
    options: o,
    history,
    trainAccuracy: diverged || o.data !== "small" ? NaN : evaluate(model, data.train).accuracy,
    testAccuracy: diverged ? NaN : (history.eval.testAccuracy.at(-1) ?? NaN),
    diverged,
    checkpoints,
    weightNorms,
    relativeUpdates,
  };
}
const trainOnEveryCore = parallelTask(path.join(__dirname, "why-bn"), whyBnRun);

/**
 * The results of groups of runs, grouped alike. Runs are deterministic, so results are cached per
 * process (§3 reuses §1's sigmoid runs); the uncached ones train on every core.
 */
function runGroups(groups: readonly (readonly RunOptions[])[]): RunResult[][] {
  const todo = new Map<string, RunOptions>();
  for (const o of groups.flat()) if (!runCache.has(JSON.stringify(o))) todo.set(JSON.stringify(o), o);
  const keys = [...todo.keys()];
  trainOnEveryCore([...todo.values()]).forEach((r, i) => runCache.set(keys[i], r));
  return groups.map((runs) => runs.map((o) => runCache.get(JSON.stringify(o))!));
}

// ---------------------------------------------------------------------------------------------
// Statistics over seeds

export interface MeanError {
  mean: number;
  /** The standard error of the mean: sd/√n (sample sd, n − 1). */
  error: number;
  /** The sample standard deviation. */
  sd: number;
  n: number;
}

/** Mean ± standard error of a few numbers (one per seed). */
export function meanAndError(values: readonly number[]): MeanError {
  checkNumbers("whyBn.meanAndError", "values", values);
  if (values.length === 0) throw new RangeError("whyBn.meanAndError: values must be a non-empty list of numbers, got an array of length 0");
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, error: sd / Math.sqrt(n), sd, n };
}

/** Mean ± standard error of each position of equally long series (one series per seed). */
function meanSeries(series: readonly (readonly number[])[]): { mean: number[]; error: number[] } {
  const cols = series[0].map((_, i) => meanAndError(series.map((s) => s[i])));
  return { mean: cols.map((c) => c.mean), error: cols.map((c) => c.error) };
}

// ---------------------------------------------------------------------------------------------
// §1 noisy BN

/** How far a recorded median moves from one record to the next, on average (the step-to-step shift). */
function meanStepShift(history: History): number {
  const med = history.activations!.percentiles["50"];
  let s = 0;
  for (let i = 1; i < med.length; i++) s += Math.abs(med[i] - med[i - 1]);
  return s / (med.length - 1);
}

const NOISY_NORMS: readonly Norm[] = ["none", "bn", "noisy"];

export interface NoisyBnStudy {
  norms: Norm[];
  /** runs[norm][seed] */
  runs: Record<string, RunResult[]>;
  /** Final test accuracy and step-to-step shift of the last sigmoid's input, mean ± error over seeds. */
  accuracy: Record<string, MeanError>;
  shift: Record<string, MeanError>;
}

/**
 * §1–3's runs: 200 steps, recording the last sigmoid's input every step (sigmoid nets), probing the
 * landscape and ICS every WHY.probeEvery steps (not noisy BN). §3's sigmoid runs are §1's.
 */
function probedRun(activation: Activation, norm: Norm, seed: number): RunOptions {
  return {
    activation, norm, seed, lr: WHY.lr[activation], steps: WHY.steps, evalEvery: WHY.evalEvery, record: activation === "sigmoid" ? 1 : undefined,
    probeEvery: norm === "noisy" ? undefined : WHY.probeEvery,
  };
}

/** No BN, BN and noisy BN, sigmoid MLP, 5 seeds, recording the last sigmoid's input every step. */
export function noisyBnStudy(seeds: readonly number[] = WHY.seeds): NoisyBnStudy {
  checkSeeds("whyBn.noisyBnStudy", seeds);
  const grouped = runGroups(NOISY_NORMS.map((norm) => seeds.map((seed) => probedRun("sigmoid", norm, seed))));
  const runs: Record<string, RunResult[]> = {};
  const accuracy: Record<string, MeanError> = {};
  const shift: Record<string, MeanError> = {};
  NOISY_NORMS.forEach((norm, k) => {
    runs[norm] = grouped[k];
    accuracy[norm] = meanAndError(runs[norm].map((r) => r.testAccuracy));
    shift[norm] = meanAndError(runs[norm].map((r) => meanStepShift(r.history)));
  });
  return { norms: NOISY_NORMS.slice(), runs, accuracy, shift };
}

// ---------------------------------------------------------------------------------------------
// §2–3 ICS and the landscape along the gradient

export interface LandscapeStudy {
  activation: Activation;
  steps: number[];
  /** step sizes (absolute) of the probe */
  stepSizes: number[];
  /** per norm ("none", "bn"): mean over seeds, at each checkpoint */
  lossRange: Record<string, { min: number[]; max: number[] }>;
  gradChange: Record<string, { min: number[]; max: number[] }>;
  beta: Record<string, MeanError[]>;
  /** gradChange[norm][stepSizeIndex][checkpoint], mean over seeds (for the slider) */
  gradChangeByStep: Record<string, number[][]>;
  lossByStep: Record<string, number[][]>;
  /** ICS per hidden layer above the first, at each checkpoint: mean ± error over seeds */
  icsL2: Record<string, MeanError[][]>;
  icsCosine: Record<string, MeanError[][]>;
  icsRelative: Record<string, MeanError[][]>;
  layers: string[][];
}

/** §2–3 for one activation: probes at checkpoints of 5 seeded runs, without and with BN. */
export function landscapeStudy(activation: Activation, seeds: readonly number[] = WHY.seeds): LandscapeStudy {
  checkOneOf("whyBn.landscapeStudy", "activation", activation, ACTIVATIONS);
  checkSeeds("whyBn.landscapeStudy", seeds);
  const grouped = runGroups((["none", "bn"] as const).map((norm) => seeds.map((seed) => probedRun(activation, norm, seed))));
  const lr = WHY.lr[activation];
  const out: LandscapeStudy = {
    activation, steps: [], stepSizes: WHY.probeSteps.map((f) => f * lr),
    lossRange: {}, gradChange: {}, beta: {}, gradChangeByStep: {}, lossByStep: {}, icsL2: {}, icsCosine: {}, icsRelative: {}, layers: [],
  };
  for (const [g, norm] of (["none", "bn"] as const).entries()) {
    const cps = grouped[g].map((r) => r.checkpoints);
    out.steps = cps[0].map((c) => c.step);
    const avg = (f: (c: Checkpoint) => number) => out.steps.map((_, t) => cps.reduce((a, c) => a + f(c[t]), 0) / cps.length);
    out.lossRange[norm] = { min: avg((c) => Math.min(...c.probe.losses)), max: avg((c) => Math.max(...c.probe.losses)) };
    out.gradChange[norm] = { min: avg((c) => Math.min(...c.probe.gradChanges)), max: avg((c) => Math.max(...c.probe.gradChanges)) };
    out.beta[norm] = out.steps.map((_, t) => meanAndError(cps.map((c) => c[t].probe.beta)));
    out.gradChangeByStep[norm] = out.stepSizes.map((_, k) => avg((c) => c.probe.gradChanges[k]));
    out.lossByStep[norm] = out.stepSizes.map((_, k) => avg((c) => c.probe.losses[k]));
    const nLayers = cps[0][0].ics.length;
    out.layers.push(cps[0][0].ics.map((l) => l.layer));
    const icsStat = (f: (l: LayerIcs) => number) =>
      Array.from({ length: nLayers }, (_, j) => out.steps.map((_, t) => meanAndError(cps.map((c) => f(c[t].ics[j])))));
    out.icsL2[norm] = icsStat((l) => l.l2);
    out.icsCosine[norm] = icsStat((l) => l.cosine);
    out.icsRelative[norm] = icsStat((l) => l.relative);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// §4 the largest learning rate that trains

export interface LearningRateStudy {
  lrs: number[];
  /** accuracy[`${activation}/${norm}`][lr index] = mean ± error over the seeds (diverged = 0) */
  accuracy: Record<string, MeanError[]>;
  /** the largest lr of the grid at which EVERY seed reaches WHY.trainsAbove test accuracy */
  largest: Record<string, number | null>;
  /** runs[`${activation}/${norm}`][lr index][seed index] */
  runs: Record<string, RunResult[][]>;
}

/** Final test accuracy after WHY.lrSteps steps for every rate of WHY.lrGrid, sigmoid and ReLU, with and without BN. */
export function learningRateStudy(seeds: readonly number[] = WHY.lrSeeds): LearningRateStudy {
  checkSeeds("whyBn.learningRateStudy", seeds);
  const nets = ACTIVATIONS.flatMap((activation) => (["none", "bn"] as const).map((norm) => ({ activation, norm })));
  const grouped = runGroups(nets.flatMap((net) => WHY.lrGrid.map((lr) => seeds.map((seed) => ({ ...net, seed, lr, steps: WHY.lrSteps })))));
  const out: LearningRateStudy = { lrs: WHY.lrGrid.slice(), accuracy: {}, largest: {}, runs: {} };
  nets.forEach(({ activation, norm }, k) => {
    const key = `${activation}/${norm}`;
    out.runs[key] = grouped.slice(k * WHY.lrGrid.length, (k + 1) * WHY.lrGrid.length);
    const acc = out.runs[key].map((runs) => runs.map((r) => (r.diverged ? 0 : r.testAccuracy)));
    out.accuracy[key] = acc.map(meanAndError);
    const ok = WHY.lrGrid.filter((_, i) => acc[i].every((a) => a >= WHY.trainsAbove));
    out.largest[key] = ok.length ? Math.max(...ok) : null;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// §5 regularization

export interface RegConfig {
  name: string;
  norm: Norm;
  dropout?: number;
  virtualBatchSize?: number;
}

const REG_CONFIGS: RegConfig[] = [
  { name: "no BN", norm: "none" },
  { name: "dropout", norm: "none", dropout: WHY.dropout },
  { name: "BN", norm: "bn" },
  { name: "BN + dropout", norm: "bn", dropout: WHY.dropout },
];

export interface RegResult {
  name: string;
  train: MeanError;
  test: MeanError;
  gap: MeanError;
}

function regOptions(c: RegConfig, seed: number): RunOptions {
  return {
    activation: "relu", norm: c.norm, dropout: c.dropout, virtualBatchSize: c.virtualBatchSize, seed, sizes: WHY.regSizes,
    lr: WHY.regLr, steps: WHY.regSteps, batchSize: WHY.regBatch, data: "small",
  };
}

/** The ghost configuration of size v: a ghost batch as large as the batch is plain BN (GhostBatchNorm1d computes exactly BatchNorm1d then). */
function ghostConfig(v: number): RegConfig {
  return v >= WHY.regBatch ? { name: `ghost ${v}`, norm: "bn" } : { name: `ghost ${v}`, norm: "ghost", virtualBatchSize: v };
}

function summarize(name: string, runs: RunResult[]): RegResult {
  return {
    name,
    train: meanAndError(runs.map((r) => r.trainAccuracy)),
    test: meanAndError(runs.map((r) => r.testAccuracy)),
    gap: meanAndError(runs.map((r) => r.trainAccuracy - r.testAccuracy)),
  };
}

export interface RegularizationStudy {
  configs: RegResult[];
  /** The gap against the ghost batch size (64 = the whole batch: plain BN statistics). */
  ghostSizes: number[];
  ghost: RegResult[];
}

/** §5: ReLU 196-64-64-10 on 1,000 digits, 200 steps of 64 (13 epochs), 5 seeds. */
export function regularizationStudy(seeds: readonly number[] = WHY.seeds): RegularizationStudy {
  checkSeeds("whyBn.regularizationStudy", seeds);
  const all = [...REG_CONFIGS, ...WHY.ghostSizes.map(ghostConfig)];
  const results = runGroups(all.map((c) => seeds.map((seed) => regOptions(c, seed)))).map((runs, k) => summarize(all[k].name, runs));
  return { configs: results.slice(0, REG_CONFIGS.length), ghostSizes: WHY.ghostSizes.slice(), ghost: results.slice(REG_CONFIGS.length) };
}

// ---------------------------------------------------------------------------------------------
// §6 scale invariance and the effective learning rate

export interface ScaleInvariance {
  scales: number[];
  /** max |BN(aWx) − BN(Wx)| for each a */
  outputChange: number[];
  /** ‖∂L/∂W‖ at W·a, times a (constant if the gradient scales as 1/a) */
  gradTimesScale: number[];
}

/** BN(aWx) = BN(Wx), and ∂L/∂(aW) = (1/a)·∂L/∂W, on a Linear → BatchNorm1d with a fixed loss. */
export function scaleInvariance(scales: readonly number[] = [0.1, 1, 10, 100]): ScaleInvariance {
  checkNonEmptyList("whyBn.scaleInvariance", "scales", scales, "numbers > 0", (w, what, a) => checkNumber(w, what, a, { min: 0, minInclusive: false }));
  const rng = new Rng("why-bn/scale");
  const x = new Matrix(32, 20, rng.normalArray(32 * 20));
  const R = new Matrix(32, 8, rng.normalArray(32 * 8)); //  L = Σ BN(Wx) ⊙ R
  const lin = new Linear(20, 8, { bias: false, rng });
  const w0 = lin.weight.value.clone();
  const bn = new BatchNorm1d(8, { eps: 0 });
  const net = new Sequential(lin, bn);
  const base = net.forward(x);
  const outputChange: number[] = [];
  const gradTimesScale: number[] = [];
  for (const a of scales) {
    lin.weight.value = w0.scale(a);
    const y = net.forward(x);
    outputChange.push(y.sub(base).maxAbs());
    net.zeroGrad();
    net.backward(R);
    gradTimesScale.push(normAll([lin.weight.grad]) * a);
  }
  lin.weight.value = w0;
  return { scales: scales.slice(), outputChange, gradTimesScale };
}

export interface ScaleStudy {
  weightDecays: number[];
  /** per weight decay: ‖W‖ of hidden layer 2 after each step, mean over seeds, and its ± error */
  norm: Array<{ mean: number[]; error: number[] }>;
  relativeUpdate: Array<{ mean: number[]; error: number[] }>;
  /** ‖W‖ at the end divided by ‖W‖ at the start, mean ± error */
  growth: MeanError[];
  /** mean relative update over the first and the last 50 steps */
  earlyUpdate: MeanError[];
  lateUpdate: MeanError[];
}

const SCALE_DECAYS = [0, WHY.weightDecay];

/** §6: BN ReLU MLP, lr 1, with and without weight decay, 5 seeds; layer 2 (the middle hidden Linear). */
export function scaleStudy(seeds: readonly number[] = WHY.seeds): ScaleStudy {
  checkSeeds("whyBn.scaleStudy", seeds);
  const layer = 1;
  const runs = runGroups(SCALE_DECAYS.map((weightDecay) => seeds.map((seed): RunOptions => (
    { activation: "relu", norm: "bn", seed, lr: WHY.scaleLr, steps: WHY.scaleSteps, weightDecay, trackNorms: true }
  ))));
  const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    weightDecays: SCALE_DECAYS,
    norm: runs.map((rs) => meanSeries(rs.map((r) => r.weightNorms![layer]))),
    relativeUpdate: runs.map((rs) => meanSeries(rs.map((r) => r.relativeUpdates![layer]))),
    growth: runs.map((rs) => meanAndError(rs.map((r) => r.weightNorms![layer].at(-1)! / r.weightNorms![layer][0]))),
    earlyUpdate: runs.map((rs) => meanAndError(rs.map((r) => avg(r.relativeUpdates![layer].slice(0, 50))))),
    lateUpdate: runs.map((rs) => meanAndError(rs.map((r) => avg(r.relativeUpdates![layer].slice(-50))))),
  };
}
