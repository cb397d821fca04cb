/**
 * Lesson 8's experiments: batch norm in convolutional networks, on 14×14 MNIST
 * digits (lesson 5's data: 3,000 training and 1,000 test images, each 2×2 block
 * of pixels averaged). Everything is seeded; test/lesson-08-claims.test.ts calls
 * the same functions with the same seeds. Sizes are small because the plain
 * TypeScript convolution (im2col + Matrix products) is what runs them.
 */
import * as path from "node:path";
import { Tensor } from "../tensor/tensor";
import { Rng } from "../random/rng";
import { AnyModule } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { Conv2d } from "../nn/conv2d";
import { BatchNorm2d } from "../nn/batchnorm2d";
import { GroupNorm } from "../nn/groupnorm";
import { MaxPool2d } from "../nn/pooling";
import { Flatten, Unflatten } from "../nn/flatten";
import { Linear } from "../nn/linear";
import { ReLU } from "../nn/activations";
import { basicBlock } from "../nn/residual";
import { CrossEntropyLoss } from "../loss/cross-entropy";
import { fit, History } from "../train/fit";
import { evaluate } from "../train/evaluate";
import { recordInputs } from "../train/record-inputs";
import { stepsToTarget } from "../train/steps-to-target";
import { lessonData } from "./small-batches";
import { parallelTask } from "./parallel";
import { baseLayout } from "../charts/theme";
import { withFrames } from "../charts/slider";
import { checkHistory, checkInteger, checkLr, checkNonEmptyList, checkNumber, checkOneOf, checkOptions, describe } from "./args";

export { lessonData };

const CONV_NORMS = ["batch", "group", "none"] as const;
export type ConvNorm = (typeof CONV_NORMS)[number];

/** Image side after lesson 5's pooling. */
const SIDE = 14;
const SEED = 0;

/** The normalization layer after a convolution with c channels (GroupNorm: 2 groups). */
function normLayer(norm: ConvNorm, channels: number): AnyModule[] {
  if (norm === "batch") return [new BatchNorm2d(channels)];
  if (norm === "group") return [new GroupNorm(2, channels)];
  return [];
}

/**
 * A LeNet-style network for 14×14 digits:
 *   Unflatten → conv 6@5×5 (padding 2) → [norm] → ReLU → max-pool 2 (7×7)
 *   → conv 16@3×3 (5×5) → [norm] → ReLU → Flatten (400) → Linear 400→64 → ReLU → Linear 64→10.
 * Convolutions before a normalization have no bias (β does that job).
 */
export function lenet(norm: ConvNorm, seed = SEED): Sequential {
  checkOneOf("cnn.lenet", "norm", norm, CONV_NORMS);
  checkInteger("cnn.lenet", "seed", seed);
  const rng = new Rng(seed);
  const bias = norm === "none";
  return new Sequential(
    new Unflatten([1, SIDE, SIDE]),
    new Conv2d(1, 6, 5, { padding: 2, bias, rng }),
    ...normLayer(norm, 6),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 3, { bias, rng }),
    ...normLayer(norm, 16),
    new ReLU(),
    new Flatten(),
    new Linear(400, 64, { rng }),
    new ReLU(),
    new Linear(64, 10, { rng }),
  );
}

export interface CnnRun {
  norm: ConvNorm;
  lr: number;
  batchSize: number;
  steps: number;
  /** Test accuracy (eval mode) after training. */
  accuracy: number;
  history: History;
  model: Sequential;
}

interface CnnRunOptions {
  norm: ConvNorm;
  steps: number;
  lr: number;
  batchSize?: number;
  /** Evaluate on the test set every this many steps (default: at the end only). */
  evalEvery?: number;
  /** Evaluate on this many test images during training (default 500). */
  evalSize?: number;
  /** A model to train instead of lenet(norm). */
  model?: Sequential;
  /** Called after every step with the step number (e.g. to measure the activations). */
  onStep?: (step: number) => void;
}

/** Train a CNN with plain SGD (batch 32 by default), seeded; test accuracy on all 1,000 test digits at the end. */
function trainCnn(options: CnnRunOptions): CnnRun {
  const { train, test } = lessonData();
  const batchSize = options.batchSize ?? 32;
  const model = options.model ?? lenet(options.norm);
  const history = fit(model, options.evalEvery ? { train, test } : { train }, {
    steps: options.steps,
    batchSize,
    lr: options.lr,
    seed: SEED,
    evalEvery: options.evalEvery,
    evalSize: options.evalSize ?? 500,
    onStep: options.onStep ? (info) => options.onStep!(info.step) : undefined,
  });
  return { norm: options.norm, lr: options.lr, batchSize, steps: options.steps, accuracy: evaluate(model, test, { batchSize: 500 }).accuracy, history, model };
}

/** trainCnn's test accuracy alone (a plain number, which a worker can send back), for every options, on every core. */
const accuracies = parallelTask(path.join(__dirname, "cnn"), function cnnAccuracy(options: Omit<CnnRunOptions, "model" | "onStep">): number {
  return trainCnn(options).accuracy;
});

/** The first step at which the recorded test accuracy reached `target`, or null (lesson 6's stepsToTarget, named for this lesson). */
export function stepsTo(history: History, target: number): number | null {
  checkHistory("cnn.stepsTo", history);
  checkNumber("cnn.stepsTo", "target", target, { min: 0, max: 1, hint: "an accuracy, e.g. 0.9" });
  return stepsToTarget(history, target);
}

/**
 * A deep plain CNN: conv 1→8 then `depth − 1` convolutions 8→8 (3×3, padding 1, all at 7×7
 * after one max-pool), each followed by [norm] and ReLU, then Flatten → Linear 392→10.
 * Initialized like PyTorch (U(±1/√fanIn)), which shrinks the signal by about √3 per ReLU layer:
 * without normalization the gradient that reaches the first layers vanishes.
 * `residual: true` wraps each pair of 8→8 convolutions in a Residual connection instead.
 */
function deepCnn(depth: number, options: { norm: ConvNorm; residual?: boolean }): Sequential {
  const rng = new Rng(SEED);
  const bias = options.norm === "none";
  const C = 8;
  const layers: AnyModule[] = [new Unflatten([1, SIDE, SIDE]), new Conv2d(1, C, 3, { padding: 1, bias, rng }), ...normLayer(options.norm, C), new ReLU(), new MaxPool2d(2)];
  const conv = (): AnyModule[] => [new Conv2d(C, C, 3, { padding: 1, bias, rng }), ...normLayer(options.norm, C)];
  let remaining = depth - 1;
  while (remaining > 0) {
    if (options.residual && remaining >= 2) {
      layers.push(...basicBlock(C, { norm: options.norm, rng }).layers); // Residual(conv, [norm], ReLU, conv, [norm]), ReLU
      remaining -= 2;
    } else {
      layers.push(...conv(), new ReLU());
      remaining -= 1;
    }
  }
  layers.push(new Flatten(), new Linear(C * 7 * 7, 10, { rng }));
  return new Sequential(...layers);
}

/** Every Conv2d of a model, in order (inside Residual blocks too). */
function convLayers(model: AnyModule): Conv2d[] {
  return model.modules().filter((m): m is Conv2d => m instanceof Conv2d);
}

/** Per-channel mean and standard deviation over N, H, W of an image batch [N, C, H, W]. */
function channelStats(x: Tensor): { mean: number[]; std: number[] } {
  const [N, C, H, W] = x.shape;
  const P = H * W;
  const mean: number[] = [], std: number[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0, s2 = 0;
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) s += x.data[(n * C + c) * P + p];
    const mu = s / (N * P);
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) s2 += (x.data[(n * C + c) * P + p] - mu) ** 2;
    mean.push(mu);
    std.push(Math.sqrt(s2 / (N * P)));
  }
  return { mean, std };
}

/** Per-channel mean and std of the second convolution's output (16 maps of 5×5, before any normalization) on 200 fixed training digits, in eval mode. */
function conv2Stats(model: Sequential): { mean: number[]; std: number[] } {
  const { train } = lessonData();
  const probe = train.x.selectRows(Array.from({ length: 200 }, (_, i) => i));
  const conv2 = convLayers(model)[1];
  const rec = recordInputs(model.at(model.layers.indexOf(conv2) + 1)); // what conv2 outputs is the next layer's input
  const was = model.training;
  model.eval();
  try {
    model.forward(probe);
  } finally {
    model.train(was);
    rec.stop();
  }
  return channelStats(new Tensor([200, 16, 5, 5], rec.last!.data));
}

export interface BnComparison {
  runs: Record<"none" | "batch", CnnRun>;
  /** conv2's per-channel statistics every 25 steps, per run. */
  stats: Record<"none" | "batch", { steps: number[]; mean: number[][]; std: number[][] }>;
}

/** Experiment 1: the LeNet with and without BatchNorm2d, the same seed, lr and steps; accuracy every 15 steps on 300 test digits. */
export function withAndWithoutBn(options: { steps?: number; lr?: number; norms?: Array<"none" | "batch"> } = {}): BnComparison {
  const where = "cnn.withAndWithoutBn";
  checkOptions(where, options);
  const steps = checkInteger(where, "steps", options.steps ?? 150, { min: 1 });
  const lr = checkLr(where, options.lr ?? 0.05);
  const norms = checkNorms(where, options.norms, ["none", "batch"] as const);
  const runs = {} as BnComparison["runs"];
  const stats = {} as BnComparison["stats"];
  for (const norm of norms) {
    const model = lenet(norm);
    const rec = { steps: [] as number[], mean: [] as number[][], std: [] as number[][] };
    const measure = (step: number) => {
      const s = conv2Stats(model);
      rec.steps.push(step);
      rec.mean.push(s.mean);
      rec.std.push(s.std);
    };
    measure(0);
    runs[norm] = trainCnn({ norm, steps, lr, model, evalEvery: 15, evalSize: 300, onStep: (step) => (step % 25 === 0 ? measure(step) : undefined) });
    stats[norm] = rec;
  }
  return { runs, stats };
}

/** Experiment 2: final test accuracy for each learning rate, with and without BN (`steps` each). */
export function lrSweep(options: { lrs?: number[]; steps?: number; norms?: Array<"none" | "batch"> } = {}): { lrs: number[]; accuracy: Record<"none" | "batch", number[]> } {
  const where = "cnn.lrSweep";
  checkOptions(where, options);
  const lrs = checkNonEmptyList(where, "lrs", options.lrs ?? [0.01, 0.05, 0.25, 1], "learning rates > 0", (w, what, lr) => checkLr(w, lr, what));
  const steps = checkInteger(where, "steps", options.steps ?? 60, { min: 1 });
  const norms = checkNorms(where, options.norms, ["none", "batch"] as const);
  const all = accuracies(norms.flatMap((norm) => lrs.map((lr) => ({ norm, steps, lr }))));
  const accuracy = { none: [] as number[], batch: [] as number[] };
  norms.forEach((norm, k) => (accuracy[norm] = all.slice(k * lrs.length, (k + 1) * lrs.length)));
  return { lrs, accuracy };
}

export type DeepKind = "plain" | "batch" | "residual";

/** Experiment 3: a 10-convolution CNN, plain, with BatchNorm2d, or plain with residual connections: gradient per layer at init, and accuracy after `steps`. */
export function deepComparison(options: { depth?: number; steps?: number; lr?: number; kinds?: DeepKind[] } = {}): Array<{ kind: DeepKind; gradients: number[]; run: CnnRun }> {
  const where = "cnn.deepComparison";
  checkOptions(where, options);
  const depth = checkInteger(where, "depth", options.depth ?? 10, { min: 1 });
  const steps = checkInteger(where, "steps", options.steps ?? 60, { min: 1 });
  const lr = checkLr(where, options.lr ?? 0.05);
  const kinds = checkNorms(where, options.kinds, ["plain", "batch", "residual"] as const, "kinds");
  const make = (kind: DeepKind) => deepCnn(depth, { norm: kind === "batch" ? "batch" : "none", residual: kind === "residual" });
  return kinds.map((kind) => {
    const gradients = gradientPerLayer(make(kind));
    const run = trainCnn({ norm: kind === "batch" ? "batch" : "none", steps, lr, model: make(kind), evalEvery: 20, evalSize: 300 });
    return { kind, gradients, run };
  });
}

/** Experiment 4: BatchNorm2d vs GroupNorm(2, C) in the LeNet at small batch sizes, the same number of examples each (lr ∝ √B). */
export function batchSizeComparison(options: { batchSizes?: number[]; examples?: number; norms?: Array<"batch" | "group"> } = {}): { batchSizes: number[]; accuracy: Record<"batch" | "group", number[]> } {
  const where = "cnn.batchSizeComparison";
  checkOptions(where, options);
  const batchSizes = checkNonEmptyList(where, "batchSizes", options.batchSizes ?? [2, 4, 16, 64], "batch sizes", (w, what, b) => checkInteger(w, what, b, { min: 1 }));
  const examples = checkInteger(where, "examples", options.examples ?? 1280, { min: 1 });
  const largest = Math.max(...batchSizes);
  if (examples < largest) throw new RangeError(`${where}: examples (${examples}) must be at least the largest batch size (${largest})`);
  const norms = checkNorms(where, options.norms, ["batch", "group"] as const);
  const all = accuracies(norms.flatMap((norm) => batchSizes.map((B) => ({ norm, batchSize: B, steps: Math.round(examples / B), lr: 0.02 * Math.sqrt(B) }))));
  const accuracy = { batch: [] as number[], group: [] as number[] };
  norms.forEach((norm, k) => (accuracy[norm] = all.slice(k * batchSizes.length, (k + 1) * batchSizes.length)));
  return { batchSizes, accuracy };
}

/** Mean |∂L/∂W| of every convolution after one backward pass on 32 digits at initialization (where the gradient vanishes). */
function gradientPerLayer(model: Sequential): number[] {
  const batchSize = 32;
  const { train } = lessonData();
  const x = train.x.selectRows(Array.from({ length: batchSize }, (_, i) => i));
  const y = Array.from(train.y).slice(0, batchSize);
  model.zeroGrad();
  const loss = new CrossEntropyLoss();
  loss.forward(model.forward(x), y);
  model.backward(loss.backward());
  return convLayers(model).map((c) => c.weight.grad.data.reduce((s, v) => s + Math.abs(v), 0) / c.weight.grad.size);
}

/** Which numbers of an [N, C, H·W] batch share one μ and σ², for each normalization. */
type AxesMethod = "BatchNorm2d" | "LayerNorm" | "InstanceNorm2d" | "GroupNorm (2 groups)";
const AXES_METHODS: AxesMethod[] = ["BatchNorm2d", "LayerNorm", "InstanceNorm2d", "GroupNorm (2 groups)"];

/** The group (one μ, σ²) that entry (n, c, p) belongs to under each method. */
function statisticsGroup(method: AxesMethod, n: number, c: number, C: number): number {
  switch (method) {
    case "BatchNorm2d":
      return c; //                      one per channel, over N, H, W
    case "LayerNorm":
      return n; //                      one per example, over C, H, W
    case "InstanceNorm2d":
      return n * C + c; //              one per example and channel, over H, W
    case "GroupNorm (2 groups)":
      return n * 2 + Math.floor((2 * c) / C); // one per example and group of C/2 channels
  }
}

/**
 * The interactive picture of the four normalizations' axes: a batch of N examples (rows) ×
 * C channels × H·W positions (columns, grouped by channel); cells of one colour share one μ and σ².
 * The slider switches the method.
 */
export function axesFigure(N = 4, C = 6, P = 9) {
  checkInteger("cnn.axesFigure", "N", N, { min: 1 });
  if (!Number.isInteger(C) || C < 2 || C % 2 !== 0) throw new RangeError(`cnn.axesFigure: C must be an even integer ≥ 2 (GroupNorm's 2 groups), got ${describe(C)}`);
  checkInteger("cnn.axesFigure", "P", P, { min: 1 });
  const x: string[] = [];
  for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) x.push(`c${c} · p${p}`);
  const y = Array.from({ length: N }, (_, n) => `example ${n}`);
  const frames = AXES_METHODS.map((method) => {
    const z = y.map((_, n) => x.map((__, j) => statisticsGroup(method, n, Math.floor(j / P), C)));
    const groups = new Set(z.flat()).size;
    const text = z.map((row) => row.map((g) => `statistics #${g}`));
    return {
      label: method,
      data: [{ type: "heatmap" as const, x, y, z, text, hovertemplate: "%{y}, %{x}: %{text}<extra></extra>", colorscale: "Turbo", showscale: false, xgap: 1, ygap: 1, name: `${method}: ${groups} groups` }],
    };
  });
  const layout = baseLayout({ title: "Which numbers share one μ and σ² (N examples × C channels × H·W positions)", x: { title: "channel c, position p (H·W positions per channel)" }, y: { title: "example n" }, height: 360 });
  layout.xaxis = { ...layout.xaxis, showticklabels: false };
  return withFrames({ layout }, frames, { prefix: "method: ", active: 0 });
}

/** A list of choices given as an option (default: all of them), each checked. */
function checkNorms<T extends string>(where: string, given: readonly T[] | undefined, all: readonly T[], what = "norms"): readonly T[] {
  if (given === undefined) return all;
  return checkNonEmptyList(where, what, given, `of ${all.map((c) => JSON.stringify(c)).join(", ")}`, (w, name, v) => checkOneOf(w, name, v, all));
}
