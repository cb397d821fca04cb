/**
 * Lesson 8's experiments: batch norm in convolutional networks, on 14×14 MNIST
 * digits (lesson 5's data: 3,000 training and 1,000 test images, each 2×2 block
 * of pixels averaged). Everything is seeded; test/lesson-08-claims.test.ts calls
 * the same functions with the same seeds. Sizes are small because the plain
 * TypeScript convolution (im2col + Matrix products) is what runs them.
 */
import { Matrix } from "../tensor/matrix";
import { Tensor } from "../tensor/tensor";
import { Rng } from "../random/rng";
import { AnyModule, Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { Conv2d } from "../nn/conv2d";
import { BatchNorm2d } from "../nn/batchnorm2d";
import { GroupNorm } from "../nn/groupnorm";
import { MaxPool2d } from "../nn/pooling";
import { Flatten, Unflatten } from "../nn/flatten";
import { Linear } from "../nn/linear";
import { ReLU } from "../nn/activations";
import { Residual } from "../nn/residual";
import { fit, History } from "../train/fit";
import { evaluate } from "../train/evaluate";
import { recordInputs } from "../train/record-inputs";
import { lessonData } from "./small-batches";

export { lessonData };

export type ConvNorm = "batch" | "group" | "none";

/** Image side after lesson 5's pooling. */
export const SIDE = 14;
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

export interface CnnRunOptions {
  norm: ConvNorm;
  steps: number;
  lr: number;
  batchSize?: number;
  seed?: number;
  /** Evaluate on the test set every this many steps (default: at the end only). */
  evalEvery?: number;
  /** Evaluate on this many test images during training (default 500). */
  evalSize?: number;
  /** A model to train instead of lenet(norm). */
  model?: Sequential;
}

/** Train a CNN with plain SGD (batch 32 by default), seeded; test accuracy on all 1,000 test digits at the end. */
export function trainCnn(options: CnnRunOptions): CnnRun {
  const { train, test } = lessonData();
  const batchSize = options.batchSize ?? 32;
  const model = options.model ?? lenet(options.norm, options.seed ?? SEED);
  const history = fit(model, options.evalEvery ? { train, test } : { train }, {
    steps: options.steps,
    batchSize,
    lr: options.lr,
    seed: options.seed ?? SEED,
    evalEvery: options.evalEvery,
    evalSize: options.evalSize ?? 500,
  });
  return { norm: options.norm, lr: options.lr, batchSize, steps: options.steps, accuracy: evaluate(model, test, { batchSize: 500 }).accuracy, history, model };
}

/** The first step at which the recorded test accuracy reached `target`, or null. */
export function stepsTo(history: History, target: number): number | null {
  const i = history.eval.testAccuracy.findIndex((a) => a >= target);
  return i < 0 ? null : history.eval.step[i];
}

/**
 * A deep plain CNN: conv 1→8 then `depth − 1` convolutions 8→8 (3×3, padding 1, all at 7×7
 * after one max-pool), each followed by [norm] and ReLU, then Flatten → Linear 392→10.
 * Initialized like PyTorch (U(±1/√fanIn)), which shrinks the signal by about √3 per ReLU layer:
 * without normalization the gradient that reaches the first layers vanishes.
 * `residual: true` wraps each pair of 8→8 convolutions in a Residual connection instead.
 */
export function deepCnn(depth: number, options: { norm: ConvNorm; residual?: boolean; seed?: number } = { norm: "none" }): Sequential {
  const rng = new Rng(options.seed ?? SEED);
  const bias = options.norm === "none";
  const C = 8;
  const layers: AnyModule[] = [new Unflatten([1, SIDE, SIDE]), new Conv2d(1, C, 3, { padding: 1, bias, rng }), ...normLayer(options.norm, C), new ReLU(), new MaxPool2d(2)];
  const conv = (): AnyModule[] => [new Conv2d(C, C, 3, { padding: 1, bias, rng }), ...normLayer(options.norm, C)];
  let remaining = depth - 1;
  while (remaining > 0) {
    if (options.residual && remaining >= 2) {
      layers.push(new Residual(new Sequential<Tensor>(...conv(), new ReLU(), ...conv())), new ReLU());
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
export function convLayers(model: AnyModule): Conv2d[] {
  const out: Conv2d[] = [];
  const visit = (m: AnyModule) => {
    if (m instanceof Conv2d) out.push(m);
    m.children().forEach(visit);
  };
  visit(model);
  return out;
}

/** Per-channel mean and standard deviation over N, H, W of an image batch [N, C, H, W]. */
export function channelStats(x: Tensor): { mean: number[]; std: number[] } {
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

/**
 * Train a LeNet and record, every `every` steps, the per-channel mean and std of what
 * the second convolution outputs (its 16 feature maps, before any normalization) on a
 * fixed batch of 200 training digits.
 */
export function channelStatsOverTraining(norm: ConvNorm, options: { steps?: number; lr?: number; every?: number } = {}): { steps: number[]; mean: number[][]; std: number[][]; accuracy: number } {
  const { train } = lessonData();
  const model = lenet(norm);
  const conv2 = convLayers(model)[1];
  const probe = train.x.selectRows(Array.from({ length: 200 }, (_, i) => i));
  const every = options.every ?? 25;
  const out = { steps: [] as number[], mean: [] as number[][], std: [] as number[][], accuracy: 0 };
  const measure = (step: number) => {
    const layerIndex = model.layers.indexOf(conv2);
    const next = model.at(layerIndex + 1); // what conv2 outputs is the input of the next layer
    const rec = recordInputs(next);
    const was = model.training;
    model.eval();
    model.forward(probe);
    model.train(was);
    rec.stop();
    const t = new Tensor([200, 16, 5, 5], rec.last!.data);
    const s = channelStats(t);
    out.steps.push(step);
    out.mean.push(s.mean);
    out.std.push(s.std);
  };
  measure(0);
  const run = trainCnn({ norm, steps: options.steps ?? 200, lr: options.lr ?? 0.05, model });
  void run;
  return out;
}

/** Mean |∂L/∂W| of every convolution after one backward pass at initialization (where the gradient vanishes). */
export function gradientPerLayer(model: Sequential, batchSize = 32): number[] {
  const { train } = lessonData();
  const x = train.x.selectRows(Array.from({ length: batchSize }, (_, i) => i));
  const y = Array.from(train.y).slice(0, batchSize);
  model.zeroGrad();
  const logits = model.forward(x);
  // softmax cross-entropy gradient, averaged over the batch
  const dlogits = new Matrix(logits.rows, logits.cols);
  for (let i = 0; i < logits.rows; i++) {
    const row = logits.rowArray(i);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const z = e.reduce((a, b) => a + b, 0);
    for (let j = 0; j < row.length; j++) dlogits.data[i * row.length + j] = (e[j] / z - (j === y[i] ? 1 : 0)) / logits.rows;
  }
  model.backward(dlogits);
  return convLayers(model).map((c) => c.weight.grad.data.reduce((s, v) => s + Math.abs(v), 0) / c.weight.grad.size);
}

export type { Module };
