/**
 * Lesson 2 (γ and β): the experiments behind the lesson's charts and claims.
 * The notebook and test/lesson-02-claims.test.ts call these same functions with the same seeds.
 *
 *   sigmoidRegions     which fraction of sigmoid inputs fall in its linear region, and in saturation
 *   sigmoidFigure      a slider over (γ, β): the sigmoid's inputs γ·x̂ + β on its curve, and its outputs
 *   trainBnSigmoid     a 784-100-100-100-10 sigmoid MLP with BN (no Linear biases), trained on MNIST
 *   bnLayers / sigmoidInputs   its BN layers' γ and β, and what reaches each sigmoid
 *   biasBeforeBn       Linear(with bias b) → BatchNorm1d: the output for several b, and ∂L/∂b
 */
import { checkArrayLike, checkCounts, checkInteger, checkModel, checkNumbers, checkOptions, checkMatrix } from "./args";
import { Matrix } from "../tensor/matrix";
import { Rng } from "../random/rng";
import { BatchNorm1d } from "../nn/batchnorm";
import { Linear } from "../nn/linear";
import { Sequential } from "../nn/sequential";
import { sigmoid } from "../nn/activations";
import { loadMnist } from "../data/mnist";
import { mlp } from "../train/mlp";
import { fit } from "../train/fit";
import { recordInputs } from "../train/record-inputs";
import { withStateRestored } from "./eval-mode";
import type { TrainedModel } from "./running-averages";
import type { Figure, Trace } from "../charts/figure";
import { density, makeBins } from "../charts/bins";
import { withFrames } from "../charts/slider";
import { baseLayout, axis, methodColor, NEUTRAL_COLOR, withAlpha } from "../charts/theme";

/** |u| < 1: the sigmoid's slope is at least 79% of its maximum 1/4 there (it is nearly a straight line). */
const LINEAR_LIMIT = 1;
/** |u| > ln 19 ≈ 2.944: the output is within 0.05 of 0 or 1 (the slope has fallen below 0.0475). */
const SATURATED_LIMIT = Math.log(19);

export interface Regions {
  /** Fraction of inputs with |u| < 1. */
  linear: number;
  /** Fraction of inputs with |u| > 2.944 (σ(u) < 0.05 or > 0.95). */
  saturated: number;
}

export function sigmoidRegions(u: ArrayLike<number>): Regions {
  checkNumbers("gammaBeta.sigmoidRegions", "u", u);
  if (u.length === 0) throw new RangeError("gammaBeta.sigmoidRegions: u must hold at least one value (the fractions of nothing are undefined)");
  let linear = 0;
  let saturated = 0;
  for (let i = 0; i < u.length; i++) {
    const a = Math.abs(u[i]);
    if (a < LINEAR_LIMIT) linear++;
    if (a > SATURATED_LIMIT) saturated++;
  }
  return { linear: linear / u.length, saturated: saturated / u.length };
}

export interface GammaBetaSetting {
  gamma: number;
  beta: number;
  /** Slider label; default "γ = …, β = …". */
  label?: string;
}

/** The settings the lesson's slider walks through, starting at BN's initial γ = 1, β = 0. */
export const SIGMOID_SETTINGS: readonly GammaBetaSetting[] = [
  { gamma: 1, beta: 0, label: "γ=1 β=0 (start)" },
  { gamma: 0.5, beta: 0 },
  { gamma: 2, beta: 0 },
  { gamma: 4, beta: 0 },
  { gamma: 8, beta: 0 },
  { gamma: 1, beta: 2 },
  { gamma: 1, beta: -2 },
  { gamma: 4, beta: 3 },
  { gamma: 4, beta: -3 },
];

const fmtPct = (f: number) => `${(100 * f).toFixed(f < 0.01 && f > 0 ? 1 : 0)}%`;

/**
 * Two panels with a slider over (γ, β) settings. Left: the histogram of the sigmoid's inputs
 * u = γ·x̂ + β drawn under the sigmoid curve, with its linear region (|u| < 1) and its saturated
 * regions (|u| > 2.94) shaded. Right: the histogram of the outputs σ(u). The title of every frame
 * gives the fractions in each region.
 */
export function sigmoidFigure(xhat: readonly number[], settings: readonly GammaBetaSetting[] = SIGMOID_SETTINGS): Figure {
  checkNumbers("gammaBeta.sigmoidFigure", "xhat", xhat);
  checkArrayLike("gammaBeta.sigmoidFigure", "settings", settings);
  if (settings.length === 0) throw new RangeError("gammaBeta.sigmoidFigure: settings must list at least one { gamma, beta }");
  const U = 9; //                                          the input axis shows u in [−9, 9]
  const inBins = makeBins(72, [-U, U]);
  const outBins = makeBins(40, [0, 1]);
  const blue = methodColor("BatchNorm");
  const curveX = Array.from({ length: 181 }, (_, i) => -U + (i * 2 * U) / 180);
  const curve: Trace = {
    type: "scatter",
    mode: "lines",
    name: "σ(u) (the curve, right-hand scale 0 … 1)",
    x: curveX,
    y: curveX.map(sigmoid),
    yaxis: "y3",
    line: { color: "#222222", width: 2 },
    hoverinfo: "skip",
  };
  const frames = settings.map((s) => {
    const u = xhat.map((v) => s.gamma * v + s.beta);
    const out = u.map(sigmoid);
    const r = sigmoidRegions(u);
    const inputs: Trace = {
      type: "bar",
      name: "inputs u = γ·x̂ + β",
      x: inBins.edges.slice(),
      y: density(u, inBins),
      width: inBins.width,
      offset: 0,
      marker: { color: withAlpha(blue, 0.55), line: { color: blue, width: 1 } },
    };
    const outputs: Trace = {
      type: "bar",
      name: "outputs σ(u)",
      x: outBins.edges.slice(),
      y: density(out, outBins),
      width: outBins.width,
      offset: 0,
      xaxis: "x2",
      yaxis: "y2",
      marker: { color: withAlpha(NEUTRAL_COLOR, 0.55), line: { color: NEUTRAL_COLOR, width: 1 } },
    };
    const label = s.label ?? `γ=${s.gamma} β=${s.beta}`;
    const title = `γ = ${s.gamma}, β = ${s.beta}:  ${fmtPct(r.linear)} of inputs in the linear region, ${fmtPct(r.saturated)} saturated`;
    return { label, data: [inputs, curve, outputs], title };
  });
  const layout = baseLayout({ height: 430 });
  layout.title = { text: frames[0].title, x: 0.02, xanchor: "left" };
  layout.xaxis = { ...axis({ title: "sigmoid input u", range: [-U, U] }), domain: [0, 0.56] };
  layout.yaxis = { ...axis({ title: "probability density" }), range: [0, 0.85] };
  layout.yaxis3 = { ...axis({ range: [0, 1] }), overlaying: "y", side: "right", showgrid: false, tickvals: [0, 0.5, 1], zeroline: false };
  layout.xaxis2 = { ...axis({ title: "sigmoid output σ(u)", range: [0, 1] }), domain: [0.7, 1], anchor: "y2" };
  layout.yaxis2 = { ...axis({ title: "probability density", log: true }), anchor: "x2", range: [-2, 1.7] };
  layout.barmode = "overlay";
  layout.bargap = 0;
  layout.showlegend = false;
  const band = (x0: number, x1: number, color: string) => ({
    type: "rect", xref: "x", yref: "paper", x0, x1, y0: 0, y1: 1, fillcolor: color, line: { width: 0 }, layer: "below",
  });
  layout.shapes = [
    band(-LINEAR_LIMIT, LINEAR_LIMIT, "rgba(44,160,44,0.12)"),
    band(-U, -SATURATED_LIMIT, "rgba(214,39,40,0.08)"),
    band(SATURATED_LIMIT, U, "rgba(214,39,40,0.08)"),
  ];
  layout.annotations = [
    { text: "linear", x: 0, y: 1.0, xref: "x", yref: "paper", showarrow: false, font: { color: "#2ca02c" }, yanchor: "bottom" },
    { text: "saturated", x: -6, y: 1.0, xref: "x", yref: "paper", showarrow: false, font: { color: "#d62728" }, yanchor: "bottom" },
    { text: "saturated", x: 6, y: 1.0, xref: "x", yref: "paper", showarrow: false, font: { color: "#d62728" }, yanchor: "bottom" },
  ];
  layout.margin = { l: 64, r: 24, t: 80, b: 56 };
  const fig = withFrames({ layout }, frames.map(({ label, data }) => ({ label, data })), { prefix: "" });
  fig.frames?.forEach((f, i) => (f.layout = { title: { text: frames[i].title, x: 0.02, xanchor: "left" } }));
  return fig;
}

// ---------------------------------------------------------------------------------------------
// A trained BN sigmoid network: what does it do with γ and β?

/** 784-100-100-100-10 sigmoid MLP, BatchNorm1d before every sigmoid, Linear layers without bias; SGD lr 1, batch 60. */
export function trainBnSigmoid(options: { steps?: number; seed?: number } = {}): TrainedModel {
  options = checkOptions("gammaBeta.trainBnSigmoid", options);
  checkCounts("gammaBeta.trainBnSigmoid", options as Record<string, unknown>, ["steps"]);
  const seed = options.seed ?? 0;
  const { train, test } = loadMnist({ seed, trainSize: 4000, testSize: 1000 });
  const model = mlp({ sizes: [784, 100, 100, 100, 10], activation: "sigmoid", batchNorm: true, bias: false, seed });
  const history = fit(model, { train, test }, { steps: options.steps ?? 500, batchSize: 60, lr: 1, seed, evalEvery: options.steps ?? 500 });
  return { model, train, test, history };
}

/** The BatchNorm1d layers of a Sequential, in order. */
export function bnLayers(model: Sequential): BatchNorm1d[] {
  checkModel("gammaBeta.bnLayers", model, true);
  return model.layers.filter((l): l is BatchNorm1d => l instanceof BatchNorm1d);
}

/** What reaches the sigmoid after each BN layer, for the first `n` digits of `data` (training mode, as in training). */
export function sigmoidInputs(model: Sequential, data: Matrix, n = 600): Matrix[] {
  checkModel("gammaBeta.sigmoidInputs", model, true);
  checkMatrix("gammaBeta.sigmoidInputs", "data", data);
  checkInteger("gammaBeta.sigmoidInputs", "n", n, { min: 2, max: data.rows });
  const recorders = bnLayers(model).map((bn) => recordInputs(model.at(model.layers.indexOf(bn) + 1)));
  try {
    // looking must not move the running statistics
    withStateRestored(model, () => model.forward(data.selectRows(Array.from({ length: Math.min(n, data.rows) }, (_, i) => i))));
    return recorders.map((r) => r.last as Matrix);
  } finally {
    recorders.forEach((r) => r.stop());
  }
}

// ---------------------------------------------------------------------------------------------
// The redundant bias

export interface BiasBeforeBn {
  /** max |y(b) − y(0)| over the outputs, for each bias scale tried. */
  outputDifference: number[];
  /** After one backward of L = Σ y ⊙ R: the largest |∂L/∂b| and the largest |∂L/∂W|. */
  biasGradMax: number;
  weightGradMax: number;
}

/**
 * Linear(in → out, with bias) followed by BatchNorm1d(out), on a batch x. The bias is set to
 * b·scale for a random b, for every scale; the BN output is compared with the one for bias 0.
 * Then one backward of L = Σ y ⊙ R (R random, seeded) gives the gradients of W and b.
 */
export function biasBeforeBn(x: Matrix, out: number, scales: readonly number[], seed = 0): BiasBeforeBn {
  checkMatrix("gammaBeta.biasBeforeBn", "x", x);
  checkInteger("gammaBeta.biasBeforeBn", "out", out, { min: 1 });
  checkNumbers("gammaBeta.biasBeforeBn", "scales", scales, true);
  if (x.rows < 2) throw new RangeError(`gammaBeta.biasBeforeBn: x must be a batch of at least 2 rows, got ${x.shapeString()}`);
  const rng = new Rng(`lesson2/bias/${seed}`);
  const linear = new Linear(x.cols, out, { rng });
  const bn = new BatchNorm1d(out);
  const net = new Sequential(linear, bn);
  const b = linear.bias!.value;
  const direction = new Matrix(1, out, rng.normalArray(out));
  b.fill(0);
  const y0 = net.forward(x);
  const outputDifference = scales.map((s) => {
    b.copyFrom(direction.scale(s));
    return net.forward(x).sub(y0).maxAbs();
  });
  const R = new Matrix(y0.rows, y0.cols, rng.normalArray(y0.size));
  net.zeroGrad();
  net.forward(x);
  net.backward(R);
  return { outputDifference, biasGradMax: linear.bias!.grad.maxAbs(), weightGradMax: linear.weight.grad.maxAbs() };
}
