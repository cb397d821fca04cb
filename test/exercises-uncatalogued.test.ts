/**
 * Wrong answers that no catalogue names (misconceptions.ts and each checker's mistakes, as of
 * issue 22), written as learners write them: a loop that starts at 1, a forgotten `+ beta`, a
 * variance around the wrong mean. Each must be rejected with a sentence that says what is wrong
 * with the learner's result (a named mistake or an influence probe's finding): `finding` is what
 * the sentence must contain. Prints the share explained, the wrong accepted and the slowest check.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { Tensor } from "../src/tensor/tensor";
import { Rng } from "../src/random/rng";
import { Module } from "../src/nn/module";
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { checkers } from "../src/exercises";
import type { BnState, CheckResult, LabelledData, RunningStats } from "../src/exercises";
import type { EvalHistory } from "./helpers/solutions/steps-to-target";

type Id = keyof typeof checkers;
interface Row {
  exercise: Id;
  name: string;
  fn: unknown;
  /** What the learner's message must say (a pattern over result.message). */
  finding: RegExp;
  /** A false explanation the message must not give. */
  not?: RegExp;
}
const rows: Row[] = [];
const wrong = <F>(exercise: Id, name: string, finding: RegExp, fn: F, not?: RegExp) => rows.push({ exercise, name, fn, finding, not });

// helpers learners write
const sq = (v: number) => v * v;
const colMean = (x: Matrix) => x.meanRows();
const biasedVar = (x: Matrix) => x.sub(x.meanRows()).map(sq).meanRows();
/** Per-feature mean and variance with a hand loop over the examples from `from`, dividing by `n(x)`. */
function loopStats(x: Matrix, from: number, n: (x: Matrix) => number): { mu: Matrix; variance: Matrix } {
  const mu = new Matrix(1, x.cols);
  const variance = new Matrix(1, x.cols);
  for (let j = 0; j < x.cols; j++) {
    let s = 0;
    for (let i = from; i < x.rows; i++) s += x.get(i, j);
    const m = s / n(x);
    let v = 0;
    for (let i = from; i < x.rows; i++) v += (x.get(i, j) - m) ** 2;
    mu.set(0, j, m);
    variance.set(0, j, v / n(x));
  }
  return { mu, variance };
}
const allMean = (x: Matrix) => x.sum() / (x.rows * x.cols);
const wholeBatch = (x: Matrix) => {
  const m = allMean(x);
  const v = x.map((a) => (a - m) ** 2).sum() / (x.rows * x.cols);
  return { mu: Matrix.row(new Array<number>(x.cols).fill(m)), variance: Matrix.row(new Array<number>(x.cols).fill(v)) };
};
const normWith = (x: Matrix, s: { mu: Matrix; variance: Matrix }, eps: number) => x.sub(s.mu).div(s.variance.map((v) => Math.sqrt(v + eps)));

// ---------------------------------------------------------------------------------------------
// 1.1 batchStats
wrong("batchStats", "loop from i = 1", /does not change when example 0 changes/, (x: Matrix) => loopStats(x, 1, (m) => m.rows));
wrong("batchStats", "loop from i = 1, counting N − 1", /does not change when example 0 changes/, (x: Matrix) => loopStats(x, 1, (m) => m.rows - 1));
wrong("batchStats", "one number for the whole batch", /mix(es)? features|in every column/, wholeBatch);
wrong("batchStats", "variance of the first example", /does not change when example \d+ changes|swap places/, (x: Matrix) => {
  const mu = colMean(x);
  return { mu, variance: x.selectRows([0]).sub(mu).map(sq) };
});
wrong("batchStats", "Bessel on the mean", /N\/\(N−1\)/, (x: Matrix) => ({ mu: x.sumRows().scale(1 / (x.rows - 1)), variance: biasedVar(x) }));
wrong("batchStats", "divides by N + 1", /N\/\(N\+1\)/, (x: Matrix) => ({ mu: colMean(x), variance: x.sub(colMean(x)).map(sq).sumRows().scale(1 / (x.rows + 1)) }));
wrong("batchStats", "μ of the next feature in the variance", /mix(es)? features|in other columns|in every column/, (x: Matrix) => {
  const mu = colMean(x);
  const v = new Matrix(1, x.cols);
  for (let j = 0; j < x.cols; j++) {
    let s = 0;
    for (let i = 0; i < x.rows; i++) s += (x.get(i, j) - mu.get(0, Math.min(j + 1, x.cols - 1))) ** 2;
    v.set(0, j, s / x.rows);
  }
  return { mu, variance: v };
});

// ---------------------------------------------------------------------------------------------
// 1.2 normalize
wrong("batchStats", "mean absolute deviation", /is multiplied by 3; the right σ² by 9 = 3²/, (x: Matrix) => ({ mu: colMean(x), variance: x.sub(colMean(x)).map(Math.abs).meanRows() }));
wrong("batchStats", "loops stop before the last example", /example 4 is never counted/, (x: Matrix) => {
  const mu = new Matrix(1, x.cols);
  const variance = new Matrix(1, x.cols);
  for (let j = 0; j < x.cols; j++) {
    let s = 0;
    for (let i = 0; i < x.rows - 1; i++) s += x.get(i, j);
    const m = s / x.rows;
    let v = 0;
    for (let i = 0; i < x.rows - 1; i++) v += (x.get(i, j) - m) ** 2;
    mu.set(0, j, m);
    variance.set(0, j, v / x.rows);
  }
  return { mu, variance };
}, /mix features/);
wrong("normalize", "ε squared", /ε²|ε\^2/, (x: Matrix, eps: number) => normWith(x, { mu: colMean(x), variance: biasedVar(x) }, eps * eps));
wrong("normalize", "NaN patched to 0", /does not change when ε changes/, (x: Matrix) =>
  normWith(x, { mu: colMean(x), variance: biasedVar(x) }, 0).map((v) => (Number.isNaN(v) ? 0 : v)),
);
wrong("normalize", "statistics of the whole batch", /mix(es)? features|in every column/, (x: Matrix, eps: number) => normWith(x, wholeBatch(x), eps));
wrong("normalize", "stats loop from i = 1", /example 0/, (x: Matrix, eps: number) => normWith(x, loopStats(x, 1, (m) => m.rows), eps));
wrong("normalize", "ε added to σ², then the root forgotten on ε… twice", /ε/, (x: Matrix, eps: number) => normWith(x, { mu: colMean(x), variance: biasedVar(x) }, 2 * eps));

wrong("normalize", "the mean never subtracted", /a shift moves a feature's mean by as much/, (x: Matrix, eps: number) => x.div(biasedVar(x).map((v) => Math.sqrt(v + eps))), /mix features/);

// ---------------------------------------------------------------------------------------------
// 2.1 batchNormForward
const xhatOf = (x: Matrix, eps: number) => normWith(x, { mu: colMean(x), variance: biasedVar(x) }, eps);
wrong("batchNormForward", "β never added", /does not change when β changes/, (x: Matrix, g: Matrix, _b: Matrix, eps: number) => xhatOf(x, eps).mul(g));
wrong("batchNormForward", "γ never applied", /does not change when γ changes/, (x: Matrix, _g: Matrix, b: Matrix, eps: number) => xhatOf(x, eps).add(b));
wrong("batchNormForward", "β added before scaling", /β.*γ|γ.*β/, (x: Matrix, g: Matrix, b: Matrix, eps: number) => xhatOf(x, eps).add(b).mul(g));
wrong("batchNormForward", "first γ for every feature", /γ/, (x: Matrix, g: Matrix, b: Matrix, eps: number) => xhatOf(x, eps).scale(g.get(0, 0)).add(b));
wrong("batchNormForward", "statistics of the whole batch", /mix(es)? features|in every column/, (x: Matrix, g: Matrix, b: Matrix, eps: number) =>
  normWith(x, wholeBatch(x), eps).mul(g).add(b),
);
wrong("batchNormForward", "ε squared", /ε²/, (x: Matrix, g: Matrix, b: Matrix, eps: number) => xhatOf(x, eps * eps).mul(g).add(b));

// ---------------------------------------------------------------------------------------------
// 1.3 batchNormBackward
wrong("batchNormBackward", "σ² term from x − μ", /multiple of x̂/, (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => {
  const n = x.rows;
  const mu = colMean(x);
  const inv = biasedVar(x).map((v) => 1 / Math.sqrt(v + eps));
  const xhat = x.sub(mu).mul(inv);
  const dxhat = dy.mul(gamma);
  const dx = dxhat.scale(n).sub(dxhat.sumRows()).sub(x.sub(mu).mul(dxhat.mul(xhat).sumRows())).mul(inv.scale(1 / n));
  return { dx, dgamma: dy.mul(xhat).sumRows(), dbeta: dy.sumRows() };
});
wrong("batchNormBackward", "dβ scaled by γ", /dβ.*γ|γ.*dβ/, (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => {
  const n = x.rows;
  const inv = biasedVar(x).map((v) => 1 / Math.sqrt(v + eps));
  const xhat = x.sub(colMean(x)).mul(inv);
  const dxhat = dy.mul(gamma);
  const dx = dxhat.scale(n).sub(dxhat.sumRows()).sub(xhat.mul(dxhat.mul(xhat).sumRows())).mul(inv.scale(1 / n));
  return { dx, dgamma: dy.mul(xhat).sumRows(), dbeta: dxhat.sumRows() };
});

// ---------------------------------------------------------------------------------------------
// 2.2 recoverIdentity
wrong("recoverIdentity", "β from a loop that skips example 0", /example 0/, (x: Matrix, eps: number) => ({
  gamma: biasedVar(x).map((v) => Math.sqrt(v + eps)),
  beta: loopStats(x, 1, (m) => m.rows - 1).mu,
}));
wrong("recoverIdentity", "γ from the whole batch", /mix(es)? features|in every column/, (x: Matrix, eps: number) => ({
  gamma: wholeBatch(x).variance.map((v) => Math.sqrt(v + eps)),
  beta: colMean(x),
}));

// ---------------------------------------------------------------------------------------------
// 3.1 updateRunningStats
const unbiased = (x: Matrix) => biasedVar(x).scale(x.rows / (x.rows - 1));
const blend = (old: Matrix, batch: Matrix, m: number) => old.scale(1 - m).add(batch.scale(m));
wrong("updateRunningStats", "momentum step applied twice", /two momentum steps/, (r: RunningStats, x: Matrix, m: number) => {
  const once = { mean: blend(r.mean, colMean(x), m), var: blend(r.var, unbiased(x), m) };
  return { mean: blend(once.mean, colMean(x), m), var: blend(once.var, unbiased(x), m) };
});
wrong("updateRunningStats", "running var never updated", /does not change when x changes|does not change when example/, (r: RunningStats, x: Matrix, m: number) => ({
  mean: blend(r.mean, colMean(x), m),
  var: r.var.clone(),
}));
wrong("updateRunningStats", "Bessel on the mean", /N\/\(N−1\)/, (r: RunningStats, x: Matrix, m: number) => ({
  mean: blend(r.mean, x.sumRows().scale(1 / (x.rows - 1)), m),
  var: blend(r.var, unbiased(x), m),
}));
wrong("updateRunningStats", "variance around the running mean", /running mean/, (r: RunningStats, x: Matrix, m: number) => ({
  mean: blend(r.mean, colMean(x), m),
  var: blend(r.var, x.sub(r.mean).map(sq).sumRows().scale(1 / (x.rows - 1)), m),
}));
wrong("updateRunningStats", "old value kept whole (running + m·batch)", /running mean|running variance/, (r: RunningStats, x: Matrix, m: number) => ({
  mean: r.mean.add(colMean(x).scale(m)),
  var: r.var.add(unbiased(x).scale(m)),
}));

// ---------------------------------------------------------------------------------------------
// 4.2 forwardWithMode
function forwardMixed(o: { evalBatchVar?: boolean; trainRunningVar?: boolean }) {
  return (state: BnState, x: Matrix, training: boolean): Matrix => {
    const mu = training ? colMean(x) : state.runningMean;
    const variance = training ? (o.trainRunningVar ? state.runningVar : biasedVar(x)) : o.evalBatchVar ? biasedVar(x) : state.runningVar;
    if (training) {
      state.runningMean = blend(state.runningMean, colMean(x), state.momentum);
      state.runningVar = blend(state.runningVar, unbiased(x), state.momentum);
    }
    return x.sub(mu).div(variance.map((v) => Math.sqrt(v + state.eps))).mul(state.gamma).add(state.beta);
  };
}
wrong("forwardWithMode", "eval: running mean but the batch's variance", /each example's output depends on that example alone/, forwardMixed({ evalBatchVar: true }));
wrong("forwardWithMode", "training: batch mean but the running variance", /training normalizes with the batch's own statistics/, forwardMixed({ trainRunningVar: true }));

// ---------------------------------------------------------------------------------------------
// 5.1 batchMeanStd
wrong("batchMeanStd", "Monte-Carlo estimate (Math.random)", /two calls|same input/, (sigma: number, b: number) => {
  const means: number[] = [];
  for (let t = 0; t < 400; t++) {
    let s = 0;
    for (let i = 0; i < b; i++) s += sigma * Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
    means.push(s / b);
  }
  const mu = means.reduce((a, c) => a + c, 0) / means.length;
  return Math.sqrt(means.reduce((a, c) => a + (c - mu) ** 2, 0) / means.length);
});
wrong("batchMeanStd", "Monte-Carlo estimate (seeded)", /within .*%|not exact/, (sigma: number, b: number) => {
  const rng = new Rng(7);
  const means: number[] = [];
  for (let t = 0; t < 400; t++) {
    let s = 0;
    for (let i = 0; i < b; i++) s += rng.normal(0, sigma);
    means.push(s / b);
  }
  const mu = means.reduce((a, c) => a + c, 0) / means.length;
  return Math.sqrt(means.reduce((a, c) => a + (c - mu) ** 2, 0) / means.length);
});

// ---------------------------------------------------------------------------------------------
// 5.2 guardBatch
wrong("guardBatch", "counts the entries (x.data.length), not the examples", /feature.*(rows|examples)/, (x: Matrix, training: boolean) => {
  if (training && x.data.length < 2) throw new Error("BatchNorm needs more than one value per feature in training");
});
wrong("guardBatch", "refuses fewer examples than features", /feature.*(rows|examples)/, (x: Matrix, training: boolean) => {
  if (training && x.rows < x.cols) throw new Error("too few examples to normalize in training mode");
});

// ---------------------------------------------------------------------------------------------
// 4.1 evaluateAccuracy
const argmax = (r: number[]) => r.indexOf(Math.max(...r));
wrong("evaluateAccuracy", "example 0 never counted", /label 0/, (model: Module, data: LabelledData) => {
  model.eval();
  const out = model.forward(data.x);
  let right = 0;
  for (let i = 1; i < data.y.length; i++) if (argmax(out.rowArray(i)) === data.y[i]) right++;
  model.train();
  return right / data.y.length;
});
wrong("evaluateAccuracy", "argmax off by one", /label/, (model: Module, data: LabelledData) => {
  model.eval();
  const out = model.forward(data.x);
  let right = 0;
  for (let i = 0; i < data.y.length; i++) if (argmax(out.rowArray(i)) + 1 === data.y[i]) right++;
  model.train();
  return right / data.y.length;
});

// ---------------------------------------------------------------------------------------------
// 6.1 stepsToTarget
wrong("stepsToTarget", "the wrong array indexed (history.steps)", /eval\.step/, (h: EvalHistory, target: number) => {
  const i = h.eval.testAccuracy.findIndex((a) => a >= target);
  return i < 0 ? null : (h.steps ?? [])[i];
});
wrong("stepsToTarget", "the first step below the target", /test accuracy|eval\.testAccuracy/, (h: EvalHistory, target: number) => {
  const i = h.eval.testAccuracy.findIndex((a) => a < target);
  return i < 0 ? null : h.eval.step[i];
});

// ---------------------------------------------------------------------------------------------
// 7.3 ghostBatchNorm
function ghost(x: Matrix, v: number, eps: number, o: { drop?: boolean; merge?: boolean }): Matrix {
  const parts: Matrix[] = [];
  const starts: number[] = [];
  for (let s = 0; s < x.rows; s += v) starts.push(s);
  if (o.merge && starts.length > 1 && x.rows % v !== 0) starts.pop();
  for (let k = 0; k < starts.length; k++) {
    const end = k === starts.length - 1 ? x.rows : starts[k + 1];
    if (o.drop && end - starts[k] < v) {
      parts.push(x.selectRows(Array.from({ length: end - starts[k] }, (_, i) => starts[k] + i)).scale(0));
      continue;
    }
    const xg = x.selectRows(Array.from({ length: end - starts[k] }, (_, i) => starts[k] + i));
    parts.push(normWith(xg, { mu: colMean(xg), variance: biasedVar(xg) }, eps));
  }
  return Matrix.vstack(parts);
}
wrong("ghostBatchNorm", "remainder chunk dropped (zeros)", /remainder|last/, (x: Matrix, v: number, eps: number) => ghost(x, v, eps, { drop: true }));
wrong("ghostBatchNorm", "remainder merged into the previous chunk", /remainder|last/, (x: Matrix, v: number, eps: number) => ghost(x, v, eps, { merge: true }));

// ---------------------------------------------------------------------------------------------
// 8.1 spatialBatchNorm
function spatial(x: Tensor, g: Matrix, b: Matrix, eps: number, o: { unbiased?: boolean; noEps?: boolean; swap?: boolean } = {}): Tensor {
  const [N, C, H, W] = x.shape;
  const P = H * W;
  const out = new Tensor(x.shape);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) s += x.data[(n * C + c) * P + p];
    const m = s / (N * P);
    let v = 0;
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) v += (x.data[(n * C + c) * P + p] - m) ** 2;
    v /= o.unbiased ? N * P - 1 : N * P;
    const d = Math.sqrt(v + (o.noEps ? 0 : eps));
    const [gg, bb] = o.swap ? [b.data[c], g.data[c]] : [g.data[c], b.data[c]];
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) out.data[(n * C + c) * P + p] = ((x.data[(n * C + c) * P + p] - m) / d) * gg + bb;
  }
  return out;
}
wrong("spatialBatchNorm", "unbiased variance", /N·H·W−1|unbiased|N−1/, (x: Tensor, g: Matrix, b: Matrix, eps: number) => spatial(x, g, b, eps, { unbiased: true }));
wrong("spatialBatchNorm", "ε forgotten", /ε/, (x: Tensor, g: Matrix, b: Matrix, eps: number) => spatial(x, g, b, eps, { noEps: true }));
wrong("spatialBatchNorm", "γ and β swapped", /γ and β|swapped/, (x: Tensor, g: Matrix, b: Matrix, eps: number) => spatial(x, g, b, eps, { swap: true }));
wrong("spatialBatchNorm", "β never added", /β/, (x: Tensor, g: Matrix, _b: Matrix, eps: number) => spatial(x, g, Matrix.zeros(1, g.cols), eps));

// ---------------------------------------------------------------------------------------------
// 7.1 layerIcs
type Grads = (params: Matrix[]) => Matrix[];
const frob = (m: Matrix) => Math.sqrt(m.mul(m).sum());
function ics(gradFn: Grads, params: Matrix[], layer: number, lr: number, o: { lr?: number; layer?: number; squared?: boolean } = {}): { l2: number; cosine: number } {
  const l = o.layer ?? layer;
  const g = gradFn(params);
  const stepped = params.map((p, k) => (k < l ? p.sub(g[k].scale(o.lr ?? lr)) : p));
  const G = g[l];
  const G2 = gradFn(stepped)[l];
  const d = frob(G.sub(G2));
  return { l2: o.squared ? d * d : d, cosine: G.mul(G2).sum() / (frob(G) * frob(G2)) };
}
wrong("spatialBatchNorm", "γ indexed by the image, not the channel", /your y .*moves in rows? [\d, ]+ too, where the right y .*stays: channel c uses γ\[c\]/, (x: Tensor, gamma: Matrix, beta: Matrix, eps: number) => {
  const [N, C, H, W] = x.shape;
  const P = H * W;
  const out = new Tensor(x.shape);
  for (let c = 0; c < C; c++) {
    let m = 0;
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) m += x.data[(n * C + c) * P + p];
    m /= N * P;
    let v = 0;
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) v += (x.data[(n * C + c) * P + p] - m) ** 2;
    v /= N * P;
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) out.data[(n * C + c) * P + p] = ((x.data[(n * C + c) * P + p] - m) / Math.sqrt(v + eps)) * gamma.data[n % C] + beta.data[c];
  }
  return out;
});

wrong("layerIcs", "lr fixed at 0.1 (from the lesson's example)", /does not change when lr changes/, (f: Grads, p: Matrix[], l: number, lr: number) => ics(f, p, l, lr, { lr: 0.1 }));
wrong("layerIcs", "layer fixed at 1 (from the lesson's example)", /does not change when layer changes/, (f: Grads, p: Matrix[], l: number, lr: number) => ics(f, p, l, lr, { layer: 1 }));

// ---------------------------------------------------------------------------------------------
// 7.2 lossAlongGradient
type LossGrad = (theta: Matrix) => { loss: number; grad: Matrix };
function alongGradient(f: LossGrad, theta: Matrix, etas: number[], o: { firstEta?: boolean; firstRatio?: boolean } = {}): { losses: number[]; gradChanges: number[]; beta: number } {
  const { grad: g } = f(theta);
  const losses: number[] = [];
  const gradChanges: number[] = [];
  const ratios: number[] = [];
  for (const eta of etas) {
    const step = o.firstEta ? etas[0] : eta;
    const there = f(theta.sub(g.scale(step)));
    losses.push(there.loss);
    gradChanges.push(frob(there.grad.sub(g)));
    ratios.push(frob(there.grad.sub(g)) / (step * frob(g)));
  }
  return { losses, gradChanges, beta: o.firstRatio ? ratios[0] : Math.max(...ratios) };
}
wrong("lossAlongGradient", "every step with stepSizes[0]", /losses do not change when stepSizes\[\d\] changes/, (f: LossGrad, t: Matrix, e: number[]) => alongGradient(f, t, e, { firstEta: true }));
wrong("lossAlongGradient", "β from the first step size only", /β does not change when stepSizes\[\d\] changes/, (f: LossGrad, t: Matrix, e: number[]) => alongGradient(f, t, e, { firstRatio: true }));

// ---------------------------------------------------------------------------------------------
// 8.2 foldBatchNorm
interface FoldSlips {
  plusMean?: boolean;
  noRunning?: boolean;
  noBeta?: boolean;
  noConvBias?: boolean;
  weightUnscaled?: boolean;
  meanUnscaled?: boolean;
}
function fold(conv: Conv2d, bn: BatchNorm2d, o: FoldSlips): { weight: Matrix; bias: Matrix } {
  const O = conv.outChannels;
  const K = conv.weight.value.cols;
  const weight = new Matrix(O, K);
  const bias = new Matrix(1, O);
  for (let c = 0; c < O; c++) {
    const rv = o.noRunning ? 1 : bn.runningVar.data[c];
    const rm = o.noRunning ? 0 : bn.runningMean.data[c];
    const s = bn.gamma.data[c] / Math.sqrt(rv + bn.eps);
    for (let j = 0; j < K; j++) weight.data[c * K + j] = (o.weightUnscaled ? 1 : s) * conv.weight.value.data[c * K + j];
    const b = conv.bias && !o.noConvBias ? conv.bias.value.data[c] : 0;
    const beta = o.noBeta ? 0 : bn.beta.data[c];
    bias.data[c] = o.meanUnscaled ? s * b - rm + beta : s * (o.plusMean ? b + rm : b - rm) + beta;
  }
  return { weight, bias };
}
wrong("foldBatchNorm", "shift with the wrong sign (b + μ)", /sign|adds the running mean/, (conv: Conv2d, bn: BatchNorm2d) => fold(conv, bn, { plusMean: true }));
wrong("foldBatchNorm", "running statistics ignored (μ = 0, σ² = 1)", /running/, (conv: Conv2d, bn: BatchNorm2d) => fold(conv, bn, { noRunning: true }));
wrong("foldBatchNorm", "β never added to the bias", /bias does not change when β changes/, (conv: Conv2d, bn: BatchNorm2d) => fold(conv, bn, { noBeta: true }));
wrong("foldBatchNorm", "conv bias dropped", /bias does not change when the conv bias changes/, (conv: Conv2d, bn: BatchNorm2d) => fold(conv, bn, { noConvBias: true }));
wrong("foldBatchNorm", "weight left unscaled", /weight does not change when (γ|running_var) changes/, (conv: Conv2d, bn: BatchNorm2d) => fold(conv, bn, { weightUnscaled: true }));
wrong("foldBatchNorm", "running mean subtracted after scaling (s·b − μ + β)", /running_mean changes, your bias moves √\(running_var \+ ε\)\/γ times as far/, (conv: Conv2d, bn: BatchNorm2d) =>
  fold(conv, bn, { meanUnscaled: true }),
);

// ---------------------------------------------------------------------------------------------
// 8.3 convOutputSize
wrong("convOutputSize", "Math.round", /round/, (size: number, k: number, stride: number, pad: number) => Math.round((size + 2 * pad - k) / stride) + 1);
wrong("convOutputSize", "valid only (padding ignored)", /ignores the padding|does not change when padding changes/, (size: number, k: number, stride: number) => Math.floor((size - k) / stride) + 1);
wrong("convOutputSize", "same padding assumed", /kernel|does not change when/, (size: number, _k: number, stride: number) => Math.ceil(size / stride));
wrong("convOutputSize", "stride ignored", /ignores the stride|does not change when stride changes/, (size: number, k: number, _s: number, pad: number) => size + 2 * pad - k + 1);

// ---------------------------------------------------------------------------------------------

const results: Array<{ row: Row; result: CheckResult; ms: number }> = [];

describe("wrong answers no catalogue lists", () => {
  it.each(rows.map((r) => [r.exercise, r.name, r] as const))(
    "%s: %s",
    (_e, _n, row) => {
      const t0 = performance.now();
      const result = (checkers[row.exercise] as (fn: unknown) => CheckResult)(row.fn);
      results.push({ row, result, ms: performance.now() - t0 });
      expect(result.ok, "a wrong answer was accepted").toBe(false);
      expect(result.kind, result.message).not.toBe("timeout");
      if (row.not) expect(result.message, "a false explanation").not.toMatch(row.not);
    },
    60_000,
  );

  it("names what a guardBatch answer does with the features (influence probes)", () => {
    const guards = results.filter((r) => r.row.exercise === "guardBatch");
    expect(guards.length).toBeGreaterThan(0);
    for (const r of guards) expect(r.result.message, r.row.name).toMatch(r.row.finding);
  });

  it("writes its findings' verbs to agree with a plural output (losses) as with a singular one (β)", () => {
    const lossAlong = results.filter((r) => r.row.exercise === "lossAlongGradient" && /^(every step|β from)/.test(r.row.name));
    expect(lossAlong.map((r) => r.result.message.match(/Your (losses|β) do(es)? not change/)?.[0])).toEqual(["Your losses do not change", "Your β does not change"]);
  });

  it("explains at least 95% of them with the finding each must contain", () => {
    const explained = results.filter((r) => r.row.finding.test(r.result.message));
    const missed = results.filter((r) => !r.row.finding.test(r.result.message)).map((r) => `${r.row.exercise} / ${r.row.name}: [${r.result.kind}] ${r.result.message}`);
    expect(explained.length / results.length, missed.join("\n")).toBeGreaterThanOrEqual(0.95);
  });
});

afterAll(() => {
  const explained = results.filter((r) => r.row.finding.test(r.result.message)).length;
  const slowest = results.reduce((a, r) => (r.ms > a.ms ? r : a), results[0]);
  console.log(
    `uncatalogued: ${explained}/${results.length} explained (${((100 * explained) / Math.max(1, results.length)).toFixed(1)}%), ` +
      `${results.filter((r) => r.result.ok).length} wrong accepted; ` +
      `${results.filter((r) => r.result.kind === "misconception").length} by a named mistake, ${results.filter((r) => r.result.kind === "counterexample").length} by the probes; ` +
      `slowest check ${slowest ? `${slowest.row.exercise} ${slowest.ms.toFixed(0)} ms` : "-"}`,
  );
  for (const r of results) console.log(`  ${r.row.finding.test(r.result.message) ? "explained" : "missed"} ${r.row.exercise} / ${r.row.name}: [${r.result.kind}] ${r.result.message}`);
});
