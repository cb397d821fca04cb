/**
 * Lesson 1 (normalize): the data and measurements behind the lesson's demonstrations and claims.
 * The notebook and test/lesson-01-claims.test.ts call these same functions with the same seeds.
 *
 *   tinyBatch             four MNIST digits described by three features on very different scales
 *                         (ink, width, centre pixel): the lesson's 4×3 batch
 *   mnistBatch            a seeded batch of raw MNIST digits (pixels in [0, 1])
 *   hiddenPreactivations  what reaches the 2nd sigmoid of a freshly initialized 784-100-100-100-10 MLP
 *   columnStats           per-feature mean and standard deviation (axis 0), for printing and tests
 *   normalizeRows         the WRONG axis: every example normalized over its own features
 *   spreadUnits           a few units whose means span the range, for the histograms
 *   stagesFigure          the slider chart: raw → centred → normalized, and the wrong axis
 *   withGammaBeta         turns a normalizeBackward(dx̂, x, ε) into the layer's (dy, x, γ, ε) → {dx, dγ, dβ}
 */
import { checkArrayLike, checkFunction, checkInteger, checkNumber, checkMatrix } from "./args";
import { Matrix } from "../tensor/matrix";
import { loadMnist, MNIST_IMAGE_SIZE } from "../data/mnist";
import type { Dataset } from "../data/dataset";
import { mlp } from "../train/mlp";
import { recordInputs } from "../train/record-inputs";
import type { Sequential } from "../nn/sequential";
import type { Figure, Frame } from "../charts/figure";
import { jointRange } from "../charts/bins";
import { histogramFigure } from "../charts/histogram";
import { withFrames } from "../charts/slider";
import { baseLayout } from "../charts/theme";
import { roundSig } from "../charts/round";

/** The lesson's split: 4,000 training digits, seed 0. */
function mnistTrain(): Dataset {
  return loadMnist({ seed: 0, trainSize: 4000, testSize: 1000 }).train;
}

/** The first `n` digits of the lesson's training split (raw pixels in [0, 1]), N × 784. */
export function mnistBatch(n: number): Matrix {
  checkInteger("normalizing.mnistBatch", "n", n, { min: 1, max: 4000, hint: "the lesson's training split holds 4000 digits" });
  return mnistTrain().x.selectRows(Array.from({ length: n }, (_, i) => i));
}

/**
 * Three features of each digit, on very different scales:
 *   ink           the sum of its 784 pixel values (≈ 60 … 110)
 *   width (px)    columns between its leftmost and rightmost pixel brighter than 0.5 (≈ 10 … 20)
 *   centre pixel  the brightness of pixel (14, 14), in [0, 1]
 */
function digitFeatures(pixels: Matrix): Matrix {
  const out = new Matrix(pixels.rows, 3);
  for (let i = 0; i < pixels.rows; i++) {
    const row = pixels.rowArray(i);
    let ink = 0;
    let left = MNIST_IMAGE_SIZE;
    let right = -1;
    row.forEach((v, k) => {
      ink += v;
      if (v > 0.5) {
        left = Math.min(left, k % MNIST_IMAGE_SIZE);
        right = Math.max(right, k % MNIST_IMAGE_SIZE);
      }
    });
    out.set(i, 0, ink);
    out.set(i, 1, right >= left ? right - left + 1 : 0);
    out.set(i, 2, row[14 * MNIST_IMAGE_SIZE + 14]);
  }
  return out;
}

/** The lesson's tiny batch: the first four training digits as [ink, width, centre pixel] (4×3), and their labels. */
export function tinyBatch(): { x: Matrix; labels: number[] } {
  const train = mnistTrain();
  return { x: digitFeatures(train.x.selectRows([0, 1, 2, 3])), labels: train.y.slice(0, 4) };
}

/**
 * The pre-activations that reach the second sigmoid of a fresh 784-100-100-100-10 sigmoid MLP
 * (PyTorch's default initialization, seed 0), for the first `n` training digits: n × 100.
 * These are the numbers a BatchNorm1d placed before that sigmoid would normalize.
 */
export function hiddenPreactivations(n = 1000): { z: Matrix; model: Sequential } {
  checkInteger("normalizing.hiddenPreactivations", "n", n, { min: 2, max: 4000 });
  const model = mlp({ sizes: [784, 100, 100, 100, 10], activation: "sigmoid", seed: 0 });
  const recorder = recordInputs(model.at(3)); // Linear, Sigmoid, Linear, [Sigmoid] ← its input
  try {
    model.forward(mnistBatch(n));
    return { z: recorder.last as Matrix, model };
  } finally {
    recorder.stop();
  }
}

/** Per-feature (axis 0) mean and standard deviation (biased, divide by N), as plain arrays. */
export function columnStats(x: Matrix): { mean: number[]; std: number[] } {
  checkMatrix("normalizing.columnStats", "x", x);
  if (x.rows < 1) throw new RangeError(`normalizing.columnStats: x must have at least one row, got ${x.shapeString()}`);
  const mu = x.meanRows();
  const sd = x.sub(mu).map((d) => d * d).meanRows().map(Math.sqrt);
  return { mean: Array.from(mu.data), std: Array.from(sd.data) };
}

/** The wrong axis: every ROW (example) normalized with its own mean and variance over the features. */
export function normalizeRows(x: Matrix, eps: number): Matrix {
  checkMatrix("normalizing.normalizeRows", "x", x);
  checkNumber("normalizing.normalizeRows", "eps", eps, { min: 0 });
  if (x.cols < 1) throw new RangeError(`normalizing.normalizeRows: x must have at least one column, got ${x.shapeString()}`);
  const mu = x.meanCols(); //                                         N×1: one mean per example
  const variance = x.sub(mu).map((d) => d * d).meanCols(); //         N×1
  return x.sub(mu).div(variance.map((v) => Math.sqrt(v + eps)));
}

/** `count` units whose batch means are spread from the lowest to the highest (sorted by mean). */
export function spreadUnits(z: Matrix, count = 5): number[] {
  checkMatrix("normalizing.spreadUnits", "z", z);
  checkInteger("normalizing.spreadUnits", "count", count, { min: 2, max: Math.max(2, z.cols), hint: `between 2 and the ${z.cols} units of z` });
  if (z.rows < 1) throw new RangeError(`normalizing.spreadUnits: z must have at least one row, got ${z.shapeString()}`);
  const { mean } = columnStats(z);
  const order = mean.map((m, j) => [m, j]).sort((a, b) => a[0] - b[0]).map(([, j]) => j);
  return Array.from({ length: count }, (_, k) => order[Math.round((k * (order.length - 1)) / (count - 1))]);
}

const UNIT_COLORS = ["#8c564b", "#e377c2", "#17becf", "#bcbd22", "#1f77b4", "#9467bd"];

/**
 * Histograms of a few units at each stage of normalization, with a slider:
 *   1 raw z,  2 z − μ,  3 (z − μ)/√(σ² + ε),  and for comparison  ✗ the same, per example (axis 1).
 * Each stage has its own axes (the values shrink to ±0.1 when centred, and grow to ±3 when divided).
 */
export function stagesFigure(z: Matrix, units: readonly number[], eps = 1e-5): Figure {
  checkMatrix("normalizing.stagesFigure", "z", z);
  checkArrayLike("normalizing.stagesFigure", "units", units);
  units.forEach((u, i) => checkInteger("normalizing.stagesFigure", `units[${i}]`, u, { max: z.cols - 1 }));
  checkNumber("normalizing.stagesFigure", "eps", eps, { min: 0 });
  if (z.rows < 2) throw new RangeError(`normalizing.stagesFigure: z must have at least 2 rows (a batch), got ${z.shapeString()}`);
  const mu = z.meanRows();
  const centred = z.sub(mu);
  const variance = centred.map((d) => d * d).meanRows();
  const xhat = centred.div(variance.map((v) => Math.sqrt(v + eps)));
  const stages = [
    { label: "1 · raw z", m: z, xTitle: "pre-activation z (as the sigmoid would receive it)" },
    { label: "2 · z − μ", m: centred, xTitle: "z − μ   (each unit minus its batch mean)" },
    { label: "3 · x̂ = (z − μ)/√(σ² + ε)", m: xhat, xTitle: "x̂   (each unit in units of its own batch standard deviation)" },
    { label: "✗ per example (axis 1)", m: normalizeRows(z, eps), xTitle: "each digit normalized over its 100 units (the wrong axis)" },
  ];
  const frames = stages.map((s) => {
    const groups = units.map((u, k) => ({ name: `unit ${u}`, values: s.m.columnArray(u), color: UNIT_COLORS[k % UNIT_COLORS.length] }));
    const [lo, hi] = jointRange(groups.map((g) => g.values));
    const pad = 0.05 * (hi - lo);
    const range: [number, number] = [roundSig(lo - pad, 3) as number, roundSig(hi + pad, 3) as number];
    const fig = histogramFigure(groups, { bins: 80, range });
    const yMax = Math.max(...fig.data.map((t) => Math.max(...(t.y as number[]))));
    const layout = {
      xaxis: { ...baseLayout().xaxis, title: { text: s.xTitle }, range },
      yaxis: { ...baseLayout().yaxis, title: { text: "probability density" }, range: [0, roundSig(yMax * 1.08, 3) as number] },
    };
    return { label: s.label, data: fig.data, layout };
  });
  const base = baseLayout({ title: `${units.length} hidden units of an MNIST MLP, ${z.rows} digits: normalizing step by step`, height: 420 });
  base.barmode = "overlay";
  base.bargap = 0;
  const fig = withFrames({ layout: { ...base, ...frames[0].layout } }, frames.map(({ label, data }) => ({ label, data })), { prefix: "stage: " });
  (fig.frames as Frame[]).forEach((f, i) => (f.layout = frames[i].layout));
  return fig;
}

/** The learner's backward of x̂ = normalize(x, ε): given dx̂ = ∂L/∂x̂, return dx = ∂L/∂x. */
export type NormalizeBackwardFn = (dxhat: Matrix, x: Matrix, eps: number) => Matrix;

/**
 * The whole layer's backward, y = γ·x̂ + β, built around the learner's normalizeBackward (so that
 * the batchNormBackward checker can test it): dx̂ = dy·γ goes in, dγ = Σᵢ dyᵢ·x̂ᵢ and dβ = Σᵢ dyᵢ are added.
 */
export function withGammaBeta(normalizeBackward: NormalizeBackwardFn) {
  checkFunction("normalizing.withGammaBeta", "normalizeBackward", normalizeBackward);
  return (dy: Matrix, x: Matrix, gamma: Matrix, eps: number): { dx: Matrix; dgamma: Matrix; dbeta: Matrix } => {
    const dx = normalizeBackward(dy.mul(gamma), x, eps);
    const mu = x.meanRows();
    const xhat = x.sub(mu).div(x.sub(mu).map((d) => d * d).meanRows().map((v) => Math.sqrt(v + eps)));
    return { dx, dgamma: dy.mul(xhat).sumRows(), dbeta: dy.sumRows() };
  };
}
