/**
 * The checkers against a table of learner answers, written as students write them: every wrong
 * one must be rejected and (the goal) name the mistake it makes; every correct one, however
 * unusual (other loop orders, in place, E[x²] − μ², Welford, two passes), must pass. Prints the
 * diagnosis rate: named / wrong.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { Module } from "../src/nn/module";
import { Sequential } from "../src/nn/sequential";
import { Linear } from "../src/nn/linear";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { ReLU, Sigmoid } from "../src/nn/activations";
import { Rng } from "../src/random/rng";
import { normalInit } from "../src/random/init";
import { accuracy } from "../src/train/accuracy";
import { checkers } from "../src/exercises";
import type { BnState, CheckResult, LabelledData, MisconceptionId, RunningStats } from "../src/exercises";
import { solutions as S } from "./helpers/solutions";
import type { EvalHistory } from "./helpers/solutions/steps-to-target";
import type { GradFn } from "../src/exercises/collect/layer-ics";
import type { LossAndGrad } from "../src/exercises/collect/loss-along-gradient";
import { Tensor } from "../src/tensor/tensor";
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";

type Id = keyof typeof checkers;
interface Row {
  exercise: Id;
  name: string;
  fn: unknown;
  /** The mistake the diagnosis must name, or "pass" for a correct answer. */
  want: MisconceptionId | "pass";
  /** Every mistake it names: `want`, and the others the answer also makes (nothing else). */
  all: MisconceptionId[];
}
const rows: Row[] = [];
/** A wrong answer: the mistake it makes, or all of them, the one the row is about first. */
const wrong = <F>(exercise: Id, name: string, want: MisconceptionId | MisconceptionId[], fn: F) =>
  rows.push({ exercise, name, fn, want: [want].flat()[0], all: [want].flat() });
const right = <F>(exercise: Id, name: string, fn: F) => rows.push({ exercise, name, fn, want: "pass", all: [] });

// ---------------------------------------------------------------------------------------------
// helpers students write
const colMean = (x: Matrix) => x.meanRows();
const sq = (v: number) => v * v;
const biasedVar = (x: Matrix) => x.sub(x.meanRows()).map(sq).meanRows();
const unbiasedVar = (x: Matrix) => x.sub(x.meanRows()).map(sq).sumRows().scale(1 / (x.rows - 1));

// ---------------------------------------------------------------------------------------------
// 1.1 batchStats
wrong("batchStats", "per example", "wrong-axis", (x: Matrix) => ({ mu: x.meanCols(), variance: x.sub(x.meanCols()).map(sq).meanCols() }));
wrong("batchStats", "N − 1", "unbiased-variance", (x: Matrix) => ({ mu: colMean(x), variance: unbiasedVar(x) }));
wrong("batchStats", "per example and N − 1", ["unbiased-variance", "wrong-axis"], (x: Matrix) => {
  const mu = x.meanCols();
  return { mu, variance: x.sub(mu).map(sq).sumCols().scale(1 / (x.cols - 1)) };
});
wrong("batchStats", "standard deviation", "variance-std-confusion", (x: Matrix) => ({ mu: colMean(x), variance: biasedVar(x).map(Math.sqrt) }));
wrong("batchStats", "E[x²]", "variance-not-centered", (x: Matrix) => ({ mu: colMean(x), variance: x.map(sq).meanRows() }));
wrong("batchStats", "sum of squares", "sum-not-mean", (x: Matrix) => ({ mu: colMean(x), variance: x.sub(colMean(x)).map(sq).sumRows() }));
wrong("batchStats", "swapped", "swapped-fields", (x: Matrix) => ({ mu: biasedVar(x), variance: colMean(x) }));
wrong("batchStats", "columns", "transposed-output", (x: Matrix) => ({ mu: colMean(x).transpose(), variance: biasedVar(x).transpose() }));
wrong("batchStats", "demo N = 4", "demo-values-hard-coded", (x: Matrix) => {
  const mu = x.sumRows().scale(1 / 4);
  return { mu, variance: x.sub(mu).map(sq).sumRows().scale(1 / 4) };
});
wrong("batchStats", "centers in place", "mutates-input", (x: Matrix) => {
  const mu = colMean(x);
  x.addInPlace(Matrix.zeros(x.rows, x.cols).add(mu), -1);
  return { mu, variance: x.map(sq).meanRows() };
});
wrong("batchStats", "hard-coded demo answer", "constant-output", () => ({ mu: Matrix.row([1, 2, 3]), variance: Matrix.row([0.5, 22.6875, 1]) }));
right("batchStats", "loops, column by column", (x: Matrix) => {
  const mu = new Matrix(1, x.cols);
  const variance = new Matrix(1, x.cols);
  for (let j = 0; j < x.cols; j++) {
    let s = 0;
    for (let i = 0; i < x.rows; i++) s += x.get(i, j);
    const m = s / x.rows;
    let v = 0;
    for (let i = 0; i < x.rows; i++) v += (x.get(i, j) - m) ** 2;
    mu.set(0, j, m);
    variance.set(0, j, v / x.rows);
  }
  return { mu, variance };
});
right("batchStats", "E[x²] − μ²", (x: Matrix) => {
  const mu = colMean(x);
  return { mu, variance: x.map(sq).meanRows().sub(mu.map(sq)) };
});
right("batchStats", "Welford, row by row", (x: Matrix) => {
  const mean = new Array<number>(x.cols).fill(0);
  const m2 = new Array<number>(x.cols).fill(0);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      const d = x.get(i, j) - mean[j];
      mean[j] += d / (i + 1);
      m2[j] += d * (x.get(i, j) - mean[j]);
    }
  }
  return { mu: Matrix.row(mean), variance: Matrix.row(m2.map((v) => v / x.rows)) };
});
right("batchStats", "transpose twice", (x: Matrix) => {
  const t = x.transpose();
  const mu = t.meanCols().transpose();
  return { mu, variance: t.sub(t.meanCols()).map(sq).meanCols().transpose() };
});

// ---------------------------------------------------------------------------------------------
// 1.2 normalize
const norm = (x: Matrix, eps: number) => x.sub(colMean(x)).div(biasedVar(x).map((v) => Math.sqrt(v + eps)));
wrong("normalize", "per example", "wrong-axis", (x: Matrix, eps: number) => {
  const mu = x.meanCols();
  return x.sub(mu).div(x.sub(mu).map(sq).meanCols().map((v) => Math.sqrt(v + eps)));
});
wrong("normalize", "N − 1", "unbiased-variance", (x: Matrix, eps: number) => x.sub(colMean(x)).div(unbiasedVar(x).map((v) => Math.sqrt(v + eps))));
wrong("normalize", "no ε", "eps-forgotten", (x: Matrix) => x.sub(colMean(x)).div(biasedVar(x).map(Math.sqrt)));
wrong("normalize", "σ + ε", "eps-outside-sqrt", (x: Matrix, eps: number) => x.sub(colMean(x)).div(biasedVar(x).map((v) => Math.sqrt(v) + eps)));
wrong("normalize", "ε = 1e-5 hard-coded", "ignores-argument", (x: Matrix) => norm(x, 1e-5));
wrong("normalize", "only centers", "centered-not-normalized", (x: Matrix) => x.sub(colMean(x)));
wrong("normalize", "divides by the variance", "variance-std-confusion", (x: Matrix, eps: number) => x.sub(colMean(x)).div(biasedVar(x).map((v) => v + eps)));
wrong("normalize", "μ − x", "sign-error", (x: Matrix, eps: number) => {
  const mu = colMean(x);
  const s = biasedVar(x).map((v) => Math.sqrt(v + eps));
  return x.map((v, _i, j) => (mu.get(0, j) - v) / s.get(0, j));
});
wrong("normalize", "returns x", "returns-input", (x: Matrix) => x.clone());
wrong("normalize", "in place", "mutates-input", (x: Matrix, eps: number) => {
  const y = norm(x, eps);
  x.copyFrom(y);
  return x;
});
wrong("normalize", "N − 1 and no ε", ["eps-forgotten", "unbiased-variance"], (x: Matrix) => x.sub(colMean(x)).div(unbiasedVar(x).map(Math.sqrt)));
right("normalize", "through batchStats, element by element", (x: Matrix, eps: number) => {
  const { mu, variance } = S.batchStats(x);
  return x.map((v, _i, j) => (v - mu.get(0, j)) / Math.sqrt(variance.get(0, j) + eps));
});
right("normalize", "multiply by 1/√", (x: Matrix, eps: number) => x.sub(colMean(x)).mul(biasedVar(x).map((v) => 1 / Math.sqrt(v + eps))));
right("normalize", "E[x²] − μ²", (x: Matrix, eps: number) => {
  const mu = colMean(x);
  const v = x.map(sq).meanRows().sub(mu.map(sq));
  return x.sub(mu).div(v.map((s) => Math.sqrt(Math.max(0, s) + eps)));
});

// ---------------------------------------------------------------------------------------------
// 2.1 batchNormForward
const fwd = (x: Matrix, g: Matrix, b: Matrix, eps: number) => norm(x, eps).mul(g).add(b);
wrong("batchNormForward", "β·x̂ + γ", "gamma-beta-swapped", (x: Matrix, g: Matrix, b: Matrix, eps: number) => norm(x, eps).mul(b).add(g));
wrong("batchNormForward", "affine first", "affine-before-normalize", (x: Matrix, g: Matrix, b: Matrix, eps: number) => norm(x.mul(g).add(b), eps));
wrong("batchNormForward", "x̂ only", "affine-missing", (x: Matrix, _g: Matrix, _b: Matrix, eps: number) => norm(x, eps));
wrong("batchNormForward", "N − 1", "unbiased-variance", (x: Matrix, g: Matrix, b: Matrix, eps: number) =>
  x.sub(colMean(x)).div(unbiasedVar(x).map((v) => Math.sqrt(v + eps))).mul(g).add(b));
wrong("batchNormForward", "no ε", "eps-forgotten", (x: Matrix, g: Matrix, b: Matrix) => fwd(x, g, b, 0));
wrong("batchNormForward", "ε hard-coded", "ignores-argument", (x: Matrix, g: Matrix, b: Matrix) => fwd(x, g, b, 1e-5));
wrong("batchNormForward", "γ·x̂ − β", "sign-error", (x: Matrix, g: Matrix, b: Matrix, eps: number) => norm(x, eps).mul(g).sub(b));
wrong("batchNormForward", "γ(x − μ) + β", "centered-not-normalized", (x: Matrix, g: Matrix, b: Matrix) => x.sub(colMean(x)).mul(g).add(b));
wrong("batchNormForward", "per example", "wrong-axis", (x: Matrix, g: Matrix, b: Matrix, eps: number) => {
  const mu = x.meanCols();
  return x.sub(mu).div(x.sub(mu).map(sq).meanCols().map((v) => Math.sqrt(v + eps))).mul(g).add(b);
});
wrong("batchNormForward", "swapped and N − 1", ["gamma-beta-swapped", "unbiased-variance"], (x: Matrix, g: Matrix, b: Matrix, eps: number) =>
  x.sub(colMean(x)).div(unbiasedVar(x).map((v) => Math.sqrt(v + eps))).mul(b).add(g));
right("batchNormForward", "one element at a time", (x: Matrix, g: Matrix, b: Matrix, eps: number) => {
  const y = new Matrix(x.rows, x.cols);
  for (let j = 0; j < x.cols; j++) {
    let m = 0;
    for (let i = 0; i < x.rows; i++) m += x.get(i, j) / x.rows;
    let v = 0;
    for (let i = 0; i < x.rows; i++) v += (x.get(i, j) - m) ** 2 / x.rows;
    for (let i = 0; i < x.rows; i++) y.set(i, j, (g.get(0, j) * (x.get(i, j) - m)) / Math.sqrt(v + eps) + b.get(0, j));
  }
  return y;
});
right("batchNormForward", "the library layer", (x: Matrix, g: Matrix, b: Matrix, eps: number) => {
  const bn = new BatchNorm1d(x.cols, { eps });
  bn.gamma.copyFrom(g);
  bn.beta.copyFrom(b);
  return bn.forward(x);
});

// ---------------------------------------------------------------------------------------------
// 1.3 batchNormBackward (as the lesson's withGammaBeta(normalizeBackward) and as a whole layer)
type NB = (dxhat: Matrix, x: Matrix, eps: number) => Matrix;
const layer = (nb: NB) => (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => {
  const xhat = norm(x, eps);
  return { dx: nb(dy.mul(gamma), x, eps), dgamma: dy.mul(xhat).sumRows(), dbeta: dy.sumRows() };
};
const nbParts = (x: Matrix, eps: number, o: { unbiased?: boolean; eps?: "none" | "outside" } = {}) => {
  const mu = colMean(x);
  const v = o.unbiased ? unbiasedVar(x) : biasedVar(x);
  const s = v.map((a) => (o.eps === "none" ? Math.sqrt(a) : o.eps === "outside" ? Math.sqrt(a) + eps : Math.sqrt(a + eps)));
  return { mu, s, xhat: x.sub(mu).div(s), n: x.rows };
};
const nbWith = (o: Parameters<typeof nbParts>[2], f: (d: Matrix, p: ReturnType<typeof nbParts>) => Matrix): NB => (d, x, eps) => f(d, nbParts(x, eps, o));
const full = (d: Matrix, p: ReturnType<typeof nbParts>) => d.sub(d.meanRows()).sub(p.xhat.mul(d.mul(p.xhat).meanRows())).div(p.s);
wrong("batchNormBackward", "constants", "backward-constant-stats", layer(nbWith({}, (d, p) => d.div(p.s))));
wrong("batchNormBackward", "no μ term", "backward-missing-mean-term", layer(nbWith({}, (d, p) => d.sub(p.xhat.mul(d.mul(p.xhat).meanRows())).div(p.s))));
wrong("batchNormBackward", "no σ² term", "backward-missing-variance-term", layer(nbWith({}, (d, p) => d.sub(d.meanRows()).div(p.s))));
wrong("batchNormBackward", "N − 1", "unbiased-variance", layer(nbWith({ unbiased: true }, full)));
wrong("batchNormBackward", "no ε", "eps-forgotten", layer(nbWith({ eps: "none" }, full)));
wrong("batchNormBackward", "σ + ε", "eps-outside-sqrt", layer(nbWith({ eps: "outside" }, full)));
wrong("batchNormBackward", "sums", "backward-sum-not-mean", layer(nbWith({}, (d, p) => d.sub(d.sumRows()).sub(p.xhat.mul(d.mul(p.xhat).sumRows())).div(p.s))));
wrong("batchNormBackward", "× σ", "backward-times-std", layer(nbWith({}, (d, p) => d.sub(d.meanRows()).sub(p.xhat.mul(d.mul(p.xhat).meanRows())).mul(p.s))));
wrong("batchNormBackward", "x − μ for x̂", "backward-centered-not-normalized", layer((d, x, eps) => {
  const p = nbParts(x, eps);
  const c = x.sub(p.mu);
  return d.sub(d.meanRows()).sub(c.mul(d.mul(c).meanRows())).div(p.s);
}));
wrong("batchNormBackward", "+ μ term", "backward-sign-error", layer(nbWith({}, (d, p) => d.add(d.meanRows()).sub(p.xhat.mul(d.mul(p.xhat).meanRows())).div(p.s))));
wrong("batchNormBackward", "+ σ² term", "backward-sign-error", layer(nbWith({}, (d, p) => d.sub(d.meanRows()).add(p.xhat.mul(d.mul(p.xhat).meanRows())).div(p.s))));
wrong("batchNormBackward", "forgot ÷ s", "backward-no-std", layer(nbWith({}, (d, p) => d.sub(d.meanRows()).sub(p.xhat.mul(d.mul(p.xhat).meanRows())))));
wrong("batchNormBackward", "sums and × σ", ["backward-times-std", "backward-sum-not-mean"], layer(nbWith({}, (d, p) => d.sub(d.sumRows()).sub(p.xhat.mul(d.mul(p.xhat).sumRows())).mul(p.s))));
wrong("batchNormBackward", "no γ", "backward-missing-gamma", (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => ({
  ...layer(nbWith({}, full))(dy, x, gamma, eps),
  dx: nbWith({}, full)(dy, x, eps),
}));
wrong("batchNormBackward", "dγ dβ per example", "wrong-axis", (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => ({
  dx: nbWith({}, full)(dy.mul(gamma), x, eps),
  dgamma: dy.mul(norm(x, eps)).sumCols(),
  dbeta: dy.sumCols(),
}));
wrong("batchNormBackward", "dγ dβ swapped", "swapped-fields", (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => ({
  dx: nbWith({}, full)(dy.mul(gamma), x, eps),
  dgamma: dy.sumRows(),
  dbeta: dy.mul(norm(x, eps)).sumRows(),
}));
wrong("batchNormBackward", "dγ from x", "backward-centered-not-normalized", (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => ({
  dx: nbWith({}, full)(dy.mul(gamma), x, eps),
  dgamma: dy.mul(x).sumRows(),
  dbeta: dy.sumRows(),
}));
wrong("batchNormBackward", "means for dγ dβ", "mean-not-sum", (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => ({
  dx: nbWith({}, full)(dy.mul(gamma), x, eps),
  dgamma: dy.mul(norm(x, eps)).meanRows(),
  dbeta: dy.meanRows(),
}));
right("batchNormBackward", "the lesson's normalizeBackward", layer(nbWith({}, full)));
right("batchNormBackward", "the long chain rule (dvar, dmu)", (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => {
  const n = x.rows;
  const mu = colMean(x);
  const xc = x.sub(mu);
  const v = xc.map(sq).meanRows();
  const inv = v.map((a) => 1 / Math.sqrt(a + eps));
  const xhat = xc.mul(inv);
  const dxhat = dy.mul(gamma);
  const dvar = dxhat.mul(xc).sumRows().mul(inv.map((a) => -0.5 * a * a * a));
  const dmu = dxhat.mul(inv).sumRows().scale(-1).add(dvar.mul(xc.sumRows()).scale(-2 / n));
  const dx = dxhat.mul(inv).add(xc.mul(dvar).scale(2 / n)).add(dmu.scale(1 / n));
  return { dx, dgamma: dy.mul(xhat).sumRows(), dbeta: dy.sumRows() };
});
right("batchNormBackward", "the library layer", (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => {
  const bn = new BatchNorm1d(x.cols, { eps });
  bn.gamma.copyFrom(gamma);
  bn.forward(x);
  const dx = bn.backward(dy);
  return { dx, dgamma: bn.weight.grad.clone(), dbeta: bn.bias.grad.clone() };
});

// ---------------------------------------------------------------------------------------------
// 2.2 recoverIdentity
const rec = (x: Matrix, f: (v: number) => number, beta?: (mu: Matrix) => Matrix) => {
  const mu = colMean(x);
  return { gamma: biasedVar(x).map(f), beta: beta ? beta(mu) : mu };
};
wrong("recoverIdentity", "γ = σ", "eps-forgotten", (x: Matrix) => rec(x, Math.sqrt));
wrong("recoverIdentity", "γ = σ + ε", "eps-outside-sqrt", (x: Matrix, eps: number) => rec(x, (v) => Math.sqrt(v) + eps));
wrong("recoverIdentity", "γ = σ²", "variance-std-confusion", (x: Matrix) => rec(x, (v) => v));
wrong("recoverIdentity", "γ = σ² + ε", "variance-std-confusion", (x: Matrix, eps: number) => rec(x, (v) => v + eps));
wrong("recoverIdentity", "swapped", "gamma-beta-swapped", (x: Matrix, eps: number) => {
  const r = rec(x, (v) => Math.sqrt(v + eps));
  return { gamma: r.beta, beta: r.gamma };
});
wrong("recoverIdentity", "N − 1", "unbiased-variance", (x: Matrix, eps: number) => ({ gamma: unbiasedVar(x).map((v) => Math.sqrt(v + eps)), beta: colMean(x) }));
wrong("recoverIdentity", "1/√", "inverse-scale", (x: Matrix, eps: number) => rec(x, (v) => 1 / Math.sqrt(v + eps)));
wrong("recoverIdentity", "β = −μ", "sign-error", (x: Matrix, eps: number) => rec(x, (v) => Math.sqrt(v + eps), (mu) => mu.scale(-1)));
wrong("recoverIdentity", "ε hard-coded", "ignores-argument", (x: Matrix) => rec(x, (v) => Math.sqrt(v + 1e-5)));
wrong("recoverIdentity", "γ = 1, β = 0", "constant-output", (x: Matrix) => ({ gamma: Matrix.ones(1, x.cols), beta: Matrix.zeros(1, x.cols) }));
wrong("recoverIdentity", "per example", "wrong-axis", (x: Matrix, eps: number) => {
  const mu = x.meanCols();
  return { gamma: x.sub(mu).map(sq).meanCols().map((v) => Math.sqrt(v + eps)), beta: mu };
});
right("recoverIdentity", "through batchStats", (x: Matrix, eps: number) => {
  const { mu, variance } = S.batchStats(x);
  return { gamma: variance.map((v) => Math.sqrt(v + eps)), beta: mu.clone() };
});
right("recoverIdentity", "E[x²] − μ²", (x: Matrix, eps: number) => {
  const mu = colMean(x);
  return { gamma: x.map(sq).meanRows().sub(mu.map(sq)).map((v) => Math.sqrt(Math.max(v, 0) + eps)), beta: mu };
});

// ---------------------------------------------------------------------------------------------
// 3.1 updateRunningStats
const upd = (r: RunningStats, x: Matrix, m: number, v = unbiasedVar(x)) => ({
  mean: r.mean.scale(1 - m).add(colMean(x).scale(m)),
  var: r.var.scale(1 - m).add(v.scale(m)),
});
wrong("updateRunningStats", "Keras convention", "momentum-reversed", (r: RunningStats, x: Matrix, m: number) => upd(r, x, 1 - m));
wrong("updateRunningStats", "biased stored", "biased-running-variance", (r: RunningStats, x: Matrix, m: number) => upd(r, x, m, biasedVar(x)));
wrong("updateRunningStats", "both", ["momentum-reversed", "biased-running-variance"], (r: RunningStats, x: Matrix, m: number) => upd(r, x, 1 - m, biasedVar(x)));
wrong("updateRunningStats", "0.1 hard-coded", "ignores-argument", (r: RunningStats, x: Matrix) => upd(r, x, 0.1));
wrong("updateRunningStats", "replaced", "running-replaced-by-batch", (_r: RunningStats, x: Matrix) => ({ mean: colMean(x), var: unbiasedVar(x) }));
wrong("updateRunningStats", "returns the old ones", "running-not-updated", (r: RunningStats) => r);
wrong("updateRunningStats", "σ stored", "variance-std-confusion", (r: RunningStats, x: Matrix, m: number) => upd(r, x, m, unbiasedVar(x).map(Math.sqrt)));
wrong("updateRunningStats", "swapped", "swapped-fields", (r: RunningStats, x: Matrix, m: number) => {
  const u = upd(r, x, m);
  return { mean: u.var, var: u.mean };
});
wrong("updateRunningStats", "per example", "wrong-axis", (r: RunningStats, x: Matrix, m: number) => ({
  mean: r.mean.scale(1 - m).add(x.meanCols().scale(m)),
  var: r.var,
}));
wrong("updateRunningStats", "modifies x", "mutates-input", (r: RunningStats, x: Matrix, m: number) => {
  const mu = colMean(x);
  const u = upd(r, x, m);
  x.addInPlace(Matrix.zeros(x.rows, x.cols).add(mu), -1);
  return u;
});
right("updateRunningStats", "in place", (r: RunningStats, x: Matrix, m: number) => {
  const u = upd(r, x, m);
  r.mean.copyFrom(u.mean);
  r.var.copyFrom(u.var);
  return r;
});
right("updateRunningStats", "old + m·(new − old)", (r: RunningStats, x: Matrix, m: number) => ({
  mean: r.mean.add(colMean(x).sub(r.mean).scale(m)),
  var: r.var.add(biasedVar(x).scale(x.rows / (x.rows - 1)).sub(r.var).scale(m)),
}));

// ---------------------------------------------------------------------------------------------
// 3.2 newBatchWeight
wrong("newBatchWeight", "1 − m", "momentum-reversed", (m: number | null, k: number) => (m === null ? 1 / k : 1 - m));
wrong("newBatchWeight", "1/(k+1)", "cumulative-off-by-one", (m: number | null, k: number) => (m === null ? 1 / (k + 1) : m));
wrong("newBatchWeight", "1/(k−1)", "cumulative-off-by-one", (m: number | null, k: number) => (m === null ? 1 / (k - 1) : m));
wrong("newBatchWeight", "|| for ??", "momentum-zero-as-null", (m: number | null, k: number) => m || 1 / k);
wrong("newBatchWeight", "!m", "momentum-zero-as-null", (m: number | null, k: number) => (!m ? 1 / k : m));
wrong("newBatchWeight", "always 1/k", "ignores-argument", (_m: number | null, k: number) => 1 / k);
wrong("newBatchWeight", "null → 0.1", "ignores-argument", (m: number | null) => m ?? 0.1);
wrong("newBatchWeight", "1 − 1/k", "momentum-reversed", (m: number | null, k: number) => (m === null ? 1 - 1 / k : m));
wrong("newBatchWeight", "constant", "constant-output", () => 0.1);
right("newBatchWeight", "if/else", (m: number | null, k: number) => {
  if (m !== null) return m;
  return 1 / k;
});
right("newBatchWeight", "typeof", (m: number | null, k: number) => (typeof m === "number" ? m : 1 / k));

// ---------------------------------------------------------------------------------------------
// 4.2 forwardWithMode
interface ModeSlips {
  runningInTraining?: boolean;
  batchInEval?: boolean;
  reversed?: boolean;
  biased?: boolean;
  noUpdate?: boolean;
  updateInEval?: boolean;
  noAffine?: boolean;
  momentum?: number;
  varInEval?: boolean;
}
const mode = (o: ModeSlips) => (s: BnState, x: Matrix, training: boolean): Matrix => {
  const mu = colMean(x);
  const v = biasedVar(x);
  if ((training && !o.noUpdate) || (!training && o.updateInEval)) {
    const m = o.momentum ?? s.momentum;
    const w = o.reversed ? 1 - m : m;
    s.runningMean = s.runningMean.scale(1 - w).add(mu.scale(w));
    s.runningVar = s.runningVar.scale(1 - w).add((o.biased ? v : unbiasedVar(x)).scale(w));
  }
  const useBatch = training ? !o.runningInTraining : !!o.batchInEval;
  const mean = useBatch ? mu : s.runningMean;
  const variance = useBatch ? v : s.runningVar;
  const scale = variance.map((a) => (!training && o.varInEval ? a + s.eps : Math.sqrt(a + s.eps)));
  const xhat = x.sub(mean).div(scale);
  return o.noAffine ? xhat : xhat.mul(s.gamma).add(s.beta);
};
wrong("forwardWithMode", "running in training", "running-stats-in-training", mode({ runningInTraining: true }));
wrong("forwardWithMode", "batch in eval", "batch-stats-in-eval", mode({ batchInEval: true }));
wrong("forwardWithMode", "branches swapped", ["batch-stats-in-eval", "running-stats-in-training"], mode({ runningInTraining: true, batchInEval: true }));
wrong("forwardWithMode", "reversed momentum", "momentum-reversed", mode({ reversed: true }));
wrong("forwardWithMode", "biased running var", "biased-running-variance", mode({ biased: true }));
wrong("forwardWithMode", "no update", "running-not-updated", mode({ noUpdate: true }));
wrong("forwardWithMode", "updates in eval", "running-updated-in-eval", mode({ updateInEval: true }));
wrong("forwardWithMode", "no γ β", "affine-missing", mode({ noAffine: true }));
wrong("forwardWithMode", "momentum 0.1 hard-coded", "ignores-argument", mode({ momentum: 0.1 }));
wrong("forwardWithMode", "variance in eval", "variance-std-confusion", mode({ varInEval: true }));
wrong("forwardWithMode", "refuses one in eval", "batch-stats-in-eval", (s: BnState, x: Matrix, t: boolean) => {
  if (x.rows < 2) throw new Error("need 2 examples");
  return S.forwardWithMode(s, x, t);
});
right("forwardWithMode", "in place with copyFrom", (s: BnState, x: Matrix, training: boolean) => {
  if (training) {
    const mu = colMean(x);
    s.runningMean.copyFrom(s.runningMean.scale(1 - s.momentum).add(mu.scale(s.momentum)));
    s.runningVar.copyFrom(s.runningVar.scale(1 - s.momentum).add(unbiasedVar(x).scale(s.momentum)));
    return norm(x, s.eps).mul(s.gamma).add(s.beta);
  }
  return x.sub(s.runningMean).div(s.runningVar.map((v) => Math.sqrt(v + s.eps))).mul(s.gamma).add(s.beta);
});
right("forwardWithMode", "update after normalizing", mode({}));

// ---------------------------------------------------------------------------------------------
// 4.1 / 6.3 evaluateAccuracy
const argmaxAcc = (logits: Matrix, y: readonly number[]) => accuracy(logits, y);
wrong("evaluateAccuracy", "no eval()", "forgot-eval", (model: Module, d: LabelledData) => argmaxAcc(model.forward(d.x), d.y));
wrong("evaluateAccuracy", "eval() but no train()", "mode-not-restored", (model: Module, d: LabelledData) => {
  model.eval();
  return argmaxAcc(model.forward(d.x), d.y);
});
wrong("evaluateAccuracy", "count", "accuracy-not-fraction", (model: Module, d: LabelledData) => {
  model.eval();
  const p = model.forward(d.x).argmaxRows();
  model.train();
  return p.filter((c, i) => c === d.y[i]).length;
});
wrong("evaluateAccuracy", "percent", "accuracy-not-fraction", (model: Module, d: LabelledData) => {
  model.eval();
  const a = argmaxAcc(model.forward(d.x), d.y);
  model.train();
  return a * 100;
});
wrong("evaluateAccuracy", "argmin", "prediction-not-argmax", (model: Module, d: LabelledData) => {
  model.eval();
  const logits = model.forward(d.x);
  model.train();
  let correct = 0;
  for (let i = 0; i < logits.rows; i++) {
    const r = logits.rowArray(i);
    if (r.indexOf(Math.min(...r)) === d.y[i]) correct++;
  }
  return correct / d.y.length;
});
wrong("evaluateAccuracy", "batches of 4 without eval", "forgot-eval", (model: Module, d: LabelledData) => {
  let correct = 0;
  for (let s = 0; s < d.y.length; s += 4) {
    const idx = Array.from({ length: Math.min(4, d.y.length - s) }, (_, k) => s + k);
    const p = model.forward(d.x.selectRows(idx)).argmaxRows();
    correct += p.filter((c, k) => c === d.y[idx[k]]).length;
  }
  return correct / d.y.length;
});
wrong("evaluateAccuracy", "one at a time without eval", "forgot-eval", (model: Module, d: LabelledData) => {
  let correct = 0;
  for (let i = 0; i < d.y.length; i++) if (model.forward(d.x.selectRows([i])).argmaxRows()[0] === d.y[i]) correct++;
  return correct / d.y.length;
});
wrong("evaluateAccuracy", "error rate", "accuracy-not-fraction", (model: Module, d: LabelledData) => {
  model.eval();
  const a = argmaxAcc(model.forward(d.x), d.y);
  model.train();
  return 1 - a;
});
wrong("evaluateAccuracy", "the demo's number", "constant-output", () => 0.75);
wrong("evaluateAccuracy", "no eval and percent", ["forgot-eval", "accuracy-not-fraction"], (model: Module, d: LabelledData) => 100 * argmaxAcc(model.forward(d.x), d.y));
right("evaluateAccuracy", "save and restore training", (model: Module, d: LabelledData) => {
  const was = model.training;
  model.eval();
  const a = argmaxAcc(model.forward(d.x), d.y);
  model.train(was);
  return a;
});
right("evaluateAccuracy", "one example at a time in eval", (model: Module, d: LabelledData) => {
  model.eval();
  let correct = 0;
  for (let i = 0; i < d.y.length; i++) if (model.forward(d.x.selectRows([i])).argmaxRows()[0] === d.y[i]) correct++;
  model.train();
  return correct / d.y.length;
});

// ---------------------------------------------------------------------------------------------
// 5.2 guardBatch
wrong("guardBatch", "never throws", "batch-of-one", () => undefined);
wrong("guardBatch", "cols", "wrong-axis", (x: Matrix, t: boolean) => {
  if (t && x.cols < 2) throw new Error("batch of one");
});
wrong("guardBatch", "both modes", "batch-stats-in-eval", (x: Matrix) => {
  if (x.rows < 2) throw new Error("batch of one");
});
wrong("guardBatch", "<= 2", "guard-off-by-one", (x: Matrix, t: boolean) => {
  if (t && x.rows <= 2) throw new Error("batch too small");
});
wrong("guardBatch", "returns false", ["guard-returns-instead-of-throwing", "batch-of-one"], (x: Matrix, t: boolean) => !(t && x.rows < 2));
wrong("guardBatch", "returns an Error", ["guard-returns-instead-of-throwing", "batch-of-one"], (x: Matrix, t: boolean) => (t && x.rows < 2 ? new Error("one") : undefined));
wrong("guardBatch", "modes backwards", ["batch-of-one", "batch-stats-in-eval"], (x: Matrix, t: boolean) => {
  if (!t && x.rows < 2) throw new Error("one example");
});
wrong("guardBatch", "always in training", "guard-always-throws", (_x: Matrix, t: boolean) => {
  if (t) throw new Error("no");
});
wrong("guardBatch", "throws a string", "guard-unhelpful-message", (x: Matrix, t: boolean) => {
  if (t && x.rows < 2) throw "no";
});
wrong("guardBatch", "empty message", "guard-unhelpful-message", (x: Matrix, t: boolean) => {
  if (t && x.rows < 2) throw new Error();
});
right("guardBatch", "=== 1", (x: Matrix, training: boolean) => {
  if (training && x.rows === 1) throw new Error("BatchNorm: expected more than 1 value per feature when training, got a batch of 1");
});
right("guardBatch", "returns true when fine", (x: Matrix, training: boolean) => {
  if (training && x.shape[0] < 2) throw new RangeError("a batch of one cannot be normalized in training mode");
  return true;
});

// ---------------------------------------------------------------------------------------------
// 5.1 batchMeanStd
wrong("batchMeanStd", "σ/B", "mean-spread-one-over-b", (s: number, b: number) => s / b);
wrong("batchMeanStd", "σ", "mean-spread-constant", (s: number) => s);
wrong("batchMeanStd", "σ²/B", "variance-std-confusion", (s: number, b: number) => (s * s) / b);
wrong("batchMeanStd", "√(σ/B)", "variance-std-confusion", (s: number, b: number) => Math.sqrt(s / b));
wrong("batchMeanStd", "σ√B", "mean-spread-grows", (s: number, b: number) => s * Math.sqrt(b));
wrong("batchMeanStd", "σ/√(B−1)", "mean-spread-unbiased", (s: number, b: number) => s / Math.sqrt(b - 1));
wrong("batchMeanStd", "1/√B", "ignores-argument", (_s: number, b: number) => 1 / Math.sqrt(b));
wrong("batchMeanStd", "infinite loop", "infinite-loop", (s: number, b: number) => {
  let r = s;
  for (let i = 0; i < b; i--) r /= 1.0000001;
  return r;
});
right("batchMeanStd", "√(σ²/B)", (s: number, b: number) => Math.sqrt((s * s) / b));
right("batchMeanStd", "σ·B^−½", (s: number, b: number) => s * b ** -0.5);

// ---------------------------------------------------------------------------------------------
// 6.1 stepsToTarget
type H = EvalHistory;
wrong("stepsToTarget", "train accuracy", "steps-train-accuracy", (h: H, t: number) => {
  const i = h.trainAccuracy!.findIndex((a) => a >= t);
  return i < 0 ? null : h.steps![i];
});
wrong("stepsToTarget", "index", "steps-index-not-step", (h: H, t: number) => {
  const i = h.eval.testAccuracy.findIndex((a) => a >= t);
  return i < 0 ? null : i;
});
wrong("stepsToTarget", ">", "steps-strict-inequality", (h: H, t: number) => {
  const i = h.eval.testAccuracy.findIndex((a) => a > t);
  return i < 0 ? null : h.eval.step[i];
});
wrong("stepsToTarget", "-1", "steps-no-null", (h: H, t: number) => {
  const i = h.eval.testAccuracy.findIndex((a) => a >= t);
  return i < 0 ? -1 : h.eval.step[i];
});
wrong("stepsToTarget", "last step when never", "steps-no-null", (h: H, t: number) => {
  for (let i = 0; i < h.eval.step.length; i++) if (h.eval.testAccuracy[i] >= t) return h.eval.step[i];
  return h.eval.step[h.eval.step.length - 1];
});
wrong("stepsToTarget", "one before", "steps-off-by-one", (h: H, t: number) => {
  for (let i = 1; i < h.eval.step.length; i++) if (h.eval.testAccuracy[i] >= t) return h.eval.step[i - 1];
  return h.eval.testAccuracy[0] >= t ? h.eval.step[0] : null;
});
wrong("stepsToTarget", "last below + 1", "steps-assumes-rising", (h: H, t: number) => {
  let last = -1;
  h.eval.testAccuracy.forEach((a, i) => {
    if (a < t) last = i;
  });
  return last + 1 < h.eval.step.length ? h.eval.step[last + 1] : null;
});
wrong("stepsToTarget", "best evaluation", "steps-assumes-rising", (h: H, t: number) => {
  const acc = h.eval.testAccuracy;
  const best = Math.max(...acc);
  return best >= t ? h.eval.step[acc.indexOf(best)] : null;
});
wrong("stepsToTarget", "90% hard-coded", "ignores-argument", (h: H) => {
  const i = h.eval.testAccuracy.findIndex((a) => a >= 0.9);
  return i < 0 ? null : h.eval.step[i];
});
wrong("stepsToTarget", "returns the accuracy", "steps-index-not-step", (h: H, t: number) => h.eval.testAccuracy.find((a) => a >= t) ?? null);
right("stepsToTarget", "while loop", (h: H, t: number) => {
  let i = 0;
  while (i < h.eval.step.length && !(h.eval.testAccuracy[i] >= t)) i++;
  return i < h.eval.step.length ? h.eval.step[i] : null;
});
right("stepsToTarget", "zip and find", (h: H, t: number) => h.eval.step.map((s, i) => ({ s, a: h.eval.testAccuracy[i] })).find((e) => e.a >= t)?.s ?? null);

// ---------------------------------------------------------------------------------------------
// 6.2 bnNet
interface NetSlips {
  bias?: boolean;
  after?: boolean;
  none?: boolean;
  logits?: boolean;
  relu?: boolean;
  shared?: boolean;
  bnOptions?: ConstructorParameters<typeof BatchNorm1d>[1];
  fixedSeed?: boolean;
  init?: number;
  nested?: boolean;
  hidden?: number;
}
const net = (o: NetSlips) => (seed: number): Sequential => {
  const rng = new Rng(o.fixedSeed ? 0 : seed);
  const init = normalInit(o.init ?? 0.05);
  const sizes = [784, 100, 100, 100];
  const shared = new BatchNorm1d(100, o.bnOptions);
  const blocks: Module[][] = [];
  for (let i = 0; i < (o.hidden ?? 3); i++) {
    const lin = new Linear(sizes[i], sizes[i + 1], { bias: !!o.bias || !!o.none, init, rng });
    const bn = o.shared ? shared : new BatchNorm1d(100, o.bnOptions);
    const act = o.relu ? new ReLU() : new Sigmoid();
    blocks.push(o.none ? [lin, act] : o.after ? [lin, act, bn] : [lin, bn, act]);
  }
  const last: Module[] = [new Linear(100, 10, { init, rng })];
  if (o.logits) last.push(new BatchNorm1d(10));
  if (o.nested) return new Sequential(...blocks.map((b) => new Sequential(...b)), new Sequential(...last));
  return new Sequential(...blocks.flat(), ...last);
};
wrong("bnNet", "BN after sigmoid", "bn-after-activation", net({ after: true }));
wrong("bnNet", "bias kept", "linear-bias-before-bn", net({ bias: true }));
wrong("bnNet", "no BN", "bn-missing", net({ none: true }));
wrong("bnNet", "BN on logits", ["bn-on-logits", "linear-bias-before-bn"], net({ logits: true }));
wrong("bnNet", "ReLU", "wrong-activation", net({ relu: true }));
wrong("bnNet", "one shared BN", "bn-shared-instance", net({ shared: true }));
wrong("bnNet", "Keras momentum 0.99", "momentum-reversed", net({ bnOptions: { momentum: 0.99 } }));
wrong("bnNet", "no running stats", "tracking-disabled", net({ bnOptions: { trackRunningStats: false } }));
wrong("bnNet", "affine false", "affine-missing", net({ bnOptions: { affine: false } }));
wrong("bnNet", "seed ignored", "seed-ignored", net({ fixedSeed: true }));
wrong("bnNet", "default init", "wrong-init-scale", net({ init: 0.5 }));
wrong("bnNet", "two hidden layers", "wrong-layer-sizes", net({ hidden: 2 }));
wrong("bnNet", "nested, BN after sigmoid", "bn-after-activation", net({ nested: true, after: true }));
right("bnNet", "nested Sequential blocks", net({ nested: true }));
right("bnNet", "a loop", net({}));
right("bnNet", "explicit options", (seed: number) => {
  const rng = new Rng(seed);
  const init = normalInit(0.05);
  const hidden = (i: number, o: number) => [new Linear(i, o, { bias: false, init, rng }), new BatchNorm1d(o, { eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true }), new Sigmoid()];
  return new Sequential(...hidden(784, 100), ...hidden(100, 100), ...hidden(100, 100), new Linear(100, 10, { init, rng }));
});


// ---------------------------------------------------------------------------------------------
// 7.1 layerIcs
const l2norm = (m: Matrix) => Math.sqrt(m.mul(m).sum());
interface IcsSlips {
  steps?: (k: number, layer: number) => boolean;
  dot?: boolean;
  normDiff?: boolean;
  ascent?: boolean;
  inPlace?: boolean;
  swap?: boolean;
}
const ics = (o: IcsSlips) => (gradFn: GradFn, params: Matrix[], layer: number, lr: number) => {
  const g = gradFn(params);
  const moves = o.steps ?? ((k: number, l: number) => k < l);
  const stepped = params.map((p, k) => {
    if (!moves(k, layer)) return p;
    const q = p.sub(g[k].scale(o.ascent ? -lr : lr));
    if (o.inPlace) p.data.set(q.data);
    return o.inPlace ? p : q;
  });
  const G = g[layer].clone();
  const G2 = gradFn(stepped)[layer];
  const dot = G.mul(G2).sum();
  const l2 = o.normDiff ? Math.abs(l2norm(G) - l2norm(G2)) : l2norm(G.sub(G2));
  const cosine = o.dot ? dot : dot / (l2norm(G) * l2norm(G2));
  return o.swap ? { l2: cosine, cosine: l2 } : { l2, cosine };
};
wrong("layerIcs", "own layer stepped too", "ics-own-layer-updated", ics({ steps: (k, l) => k <= l }));
wrong("layerIcs", "layers above stepped", "ics-layers-above", ics({ steps: (k, l) => k > l }));
wrong("layerIcs", "every layer stepped", "ics-all-layers-updated", ics({ steps: () => true }));
wrong("layerIcs", "dot product for the cosine", "ics-dot-not-cosine", ics({ dot: true }));
wrong("layerIcs", "difference of the norms", "probe-norm-difference", ics({ normDiff: true }));
wrong("layerIcs", "p + lr·g", "probe-ascent", ics({ ascent: true }));
wrong("layerIcs", "steps params in place", "mutates-input", ics({ inPlace: true }));
wrong("layerIcs", "l2 and cosine swapped", "swapped-fields", ics({ swap: true }));
wrong("layerIcs", "the lesson's numbers", "constant-output", () => ({ l2: 0.12, cosine: 0.98 }));
right("layerIcs", "the reference", S.layerIcs);
right("layerIcs", "a loop over the layers", ics({}));

// ---------------------------------------------------------------------------------------------
// 7.2 lossAlongGradient
interface ProbeSlips {
  ascent?: boolean;
  cumulative?: boolean;
  normDiff?: boolean;
  perStep?: boolean;
  mean?: boolean;
  lossDiff?: boolean;
  inPlace?: boolean;
}
const probe = (o: ProbeSlips) => (f: LossAndGrad, theta: Matrix, stepSizes: number[]) => {
  const start = f(theta);
  const g = start.grad;
  const losses: number[] = [];
  const gradChanges: number[] = [];
  const ratios: number[] = [];
  let point = theta.clone();
  for (const eta of stepSizes) {
    const from = o.cumulative ? point : theta;
    point = from.sub(g.scale(o.ascent ? -eta : eta));
    if (o.inPlace) theta.data.set(point.data);
    const there = f(point);
    const change = o.normDiff ? Math.abs(l2norm(there.grad) - l2norm(g)) : l2norm(there.grad.sub(g));
    losses.push(o.lossDiff ? there.loss - start.loss : there.loss);
    gradChanges.push(change);
    ratios.push(change / (o.perStep ? eta : eta * l2norm(g)));
  }
  const beta = o.mean ? ratios.reduce((a, b) => a + b, 0) / ratios.length : Math.max(...ratios);
  return { losses, gradChanges, beta };
};
wrong("lossAlongGradient", "θ + η·g", "probe-ascent", probe({ ascent: true }));
wrong("lossAlongGradient", "keeps walking", "probe-cumulative-steps", probe({ cumulative: true }));
wrong("lossAlongGradient", "difference of the norms", "probe-norm-difference", probe({ normDiff: true }));
wrong("lossAlongGradient", "β ÷ η only", "beta-per-step-size", probe({ perStep: true }));
wrong("lossAlongGradient", "mean of the ratios", "beta-mean-not-max", probe({ mean: true }));
wrong("lossAlongGradient", "÷ η only and the mean", ["beta-mean-not-max", "beta-per-step-size"], probe({ perStep: true, mean: true }));
wrong("lossAlongGradient", "L(θ') − L(θ)", "probe-loss-difference", probe({ lossDiff: true }));
wrong("lossAlongGradient", "moves θ in place", ["mutates-input", "probe-cumulative-steps"], probe({ inPlace: true }));
right("lossAlongGradient", "the reference", S.lossAlongGradient);
right("lossAlongGradient", "a loop with its own norm", probe({}));

// ---------------------------------------------------------------------------------------------
// 7.3 ghostBatchNorm
interface GhostSlips {
  whole?: boolean;
  strided?: boolean;
  zerosForRemainder?: boolean;
  merge?: boolean;
  unbiased?: boolean;
  eps?: "none" | "outside";
  perRow?: boolean;
  inPlace?: boolean;
}
const ghostNorm = (o: GhostSlips) => (x: Matrix, v: number, eps: number) => {
  const n = x.rows;
  const count = Math.ceil(n / v);
  let groups: number[][] = [];
  if (o.whole) groups = [Array.from({ length: n }, (_, i) => i)];
  else if (o.strided) groups = Array.from({ length: count }, (_, g) => Array.from({ length: n }, (_, i) => i).filter((i) => i % count === g));
  else for (let s0 = 0; s0 < n; s0 += v) groups.push(Array.from({ length: Math.min(v, n - s0) }, (_, i) => s0 + i));
  if (o.merge && groups.length > 1 && n % v !== 0) groups[groups.length - 2].push(...(groups.pop() ?? []));
  const out = o.inPlace ? x : new Matrix(x.rows, x.cols);
  for (const rows of groups) {
    if (o.zerosForRemainder && rows.length < v) {
      for (const r of rows) for (let j = 0; j < x.cols; j++) out.set(r, j, 0);
      continue;
    }
    const xg = x.selectRows(rows);
    const mu = o.perRow ? xg.meanCols() : xg.meanRows();
    const m = o.perRow ? xg.cols : xg.rows;
    const ss = o.perRow ? xg.sub(mu).map(sq).sumCols() : xg.sub(mu).map(sq).sumRows();
    const variance = ss.scale(1 / (o.unbiased ? m - 1 : m));
    const d = variance.map((s) => (o.eps === "outside" ? Math.sqrt(s) + eps : Math.sqrt(s + (o.eps === "none" ? 0 : eps))));
    const xhat = xg.sub(mu).div(d);
    rows.forEach((r, k) => {
      for (let j = 0; j < x.cols; j++) out.set(r, j, xhat.get(k, j));
    });
  }
  return out;
};
wrong("ghostBatchNorm", "the whole batch", "ghost-whole-batch", ghostNorm({ whole: true }));
wrong("ghostBatchNorm", "every k-th row", "ghost-strided", ghostNorm({ strided: true }));
wrong("ghostBatchNorm", "remainder left at 0", "ghost-remainder-skipped", ghostNorm({ zerosForRemainder: true }));
wrong("ghostBatchNorm", "remainder merged", "ghost-remainder-merged", ghostNorm({ merge: true }));
wrong("ghostBatchNorm", "N − 1", "unbiased-variance", ghostNorm({ unbiased: true }));
wrong("ghostBatchNorm", "no ε", "eps-forgotten", ghostNorm({ eps: "none" }));
wrong("ghostBatchNorm", "σ + ε", "eps-outside-sqrt", ghostNorm({ eps: "outside" }));
wrong("ghostBatchNorm", "per row", "wrong-axis", ghostNorm({ perRow: true }));
wrong("ghostBatchNorm", "writes into x", "mutates-input", ghostNorm({ inPlace: true }));
right("ghostBatchNorm", "the reference", S.ghostBatchNorm);
right("ghostBatchNorm", "row by row into a new matrix", ghostNorm({}));

// ---------------------------------------------------------------------------------------------
// 8.1 spatialBatchNorm
interface SpatialSlips {
  key?: (n: number, c: number, p: number) => string;
  noTranspose?: boolean;
  unbiased?: boolean;
  eps?: "none" | "outside";
  swap?: boolean;
  noBeta?: boolean;
  inPlace?: boolean;
}
const spatialNorm = (o: SpatialSlips) => (x: Tensor, g: Matrix, b: Matrix, eps: number): Tensor => {
  const [N, C, H, W] = x.shape;
  const P = H * W;
  const idx = (n: number, c: number, p: number) => (n * C + c) * P + p;
  // without moving C last, the k-th number of memory is read as channel k % C
  const channel = (n: number, c: number, p: number) => (o.noTranspose ? idx(n, c, p) % C : c);
  const key = o.key ?? ((n: number, c: number, p: number) => String(channel(n, c, p)));
  const stats = new Map<string, number[]>();
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) stats.set(key(n, c, p), [...(stats.get(key(n, c, p)) ?? []), x.data[idx(n, c, p)]]);
  const out = o.inPlace ? x : new Tensor(x.shape);
  const values = Float64Array.from(x.data);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let p = 0; p < P; p++) {
        const vs = stats.get(key(n, c, p)) ?? [];
        const m = vs.reduce((a, v) => a + v, 0) / vs.length;
        const variance = vs.reduce((a, v) => a + (v - m) ** 2, 0) / (o.unbiased ? vs.length - 1 : vs.length);
        const d = o.eps === "outside" ? Math.sqrt(variance) + eps : Math.sqrt(variance + (o.eps === "none" ? 0 : eps));
        const cc = channel(n, c, p);
        const [scale, shift] = o.swap ? [b.data[cc], g.data[cc]] : [g.data[cc], b.data[cc]];
        out.data[idx(n, c, p)] = scale * ((values[idx(n, c, p)] - m) / d) + (o.noBeta ? 0 : shift);
      }
  return out;
};
wrong("spatialBatchNorm", "per position", "per-position-statistics", spatialNorm({ key: (_n, c, p) => `${c},${p}` }));
wrong("spatialBatchNorm", "per example", "per-example-statistics", spatialNorm({ key: (n) => `${n}` }));
wrong("spatialBatchNorm", "per example and channel", "per-instance-statistics", spatialNorm({ key: (n, c) => `${n},${c}` }));
wrong("spatialBatchNorm", "reshape without moving C", "reshape-without-transpose", spatialNorm({ noTranspose: true }));
wrong("spatialBatchNorm", "N·H·W − 1", "unbiased-variance", spatialNorm({ unbiased: true }));
wrong("spatialBatchNorm", "no ε", "eps-forgotten", spatialNorm({ eps: "none" }));
wrong("spatialBatchNorm", "σ + ε", "eps-outside-sqrt", spatialNorm({ eps: "outside" }));
wrong("spatialBatchNorm", "γ and β swapped", "gamma-beta-swapped", spatialNorm({ swap: true }));
wrong("spatialBatchNorm", "β left out", "affine-missing", spatialNorm({ noBeta: true }));
wrong("spatialBatchNorm", "overwrites x", "mutates-input", spatialNorm({ inPlace: true }));
right("spatialBatchNorm", "the reference (reshape, lesson 1, reshape back)", S.spatialBatchNorm);
right("spatialBatchNorm", "loops over channels", spatialNorm({}));

// ---------------------------------------------------------------------------------------------
// 8.2 foldBatchNorm
interface FoldSlips {
  noMean?: boolean;
  biasUnscaled?: boolean;
  noEps?: boolean;
  variance?: boolean;
  plusMean?: boolean;
  fresh?: boolean;
  swap?: boolean;
  inPlace?: boolean;
}
const foldWith = (o: FoldSlips) => (conv: Conv2d, bn: BatchNorm2d): { weight: Matrix; bias: Matrix } => {
  const O = conv.outChannels;
  const K = conv.weight.value.cols;
  const weight = o.inPlace ? conv.weight.value : new Matrix(O, K);
  const bias = new Matrix(1, O);
  for (let c = 0; c < O; c++) {
    const rv = o.fresh ? 1 : bn.runningVar.data[c];
    const rm = o.fresh ? 0 : bn.runningMean.data[c];
    const [gamma, beta] = o.swap ? [bn.beta.data[c], bn.gamma.data[c]] : [bn.gamma.data[c], bn.beta.data[c]];
    const v = rv + (o.noEps ? 0 : bn.eps);
    const s = gamma / (o.variance ? v : Math.sqrt(v));
    for (let j = 0; j < K; j++) weight.data[c * K + j] = s * conv.weight.value.data[c * K + j];
    const b = conv.bias ? conv.bias.value.data[c] : 0;
    const centred = o.noMean ? b : o.plusMean ? b + rm : b - rm;
    bias.data[c] = (o.biasUnscaled ? centred : s * centred) + beta;
  }
  return { weight, bias };
};
wrong("foldBatchNorm", "running mean left out", "fold-mean-forgotten", foldWith({ noMean: true }));
wrong("foldBatchNorm", "bias not scaled", "fold-bias-unscaled", foldWith({ biasUnscaled: true }));
wrong("foldBatchNorm", "no ε", "eps-forgotten", foldWith({ noEps: true }));
wrong("foldBatchNorm", "÷ the variance", "variance-std-confusion", foldWith({ variance: true }));
wrong("foldBatchNorm", "b + running mean", "sign-error", foldWith({ plusMean: true }));
wrong("foldBatchNorm", "μ = 0, σ² = 1", "fold-running-stats-ignored", foldWith({ fresh: true }));
wrong("foldBatchNorm", "γ and β swapped", "gamma-beta-swapped", foldWith({ swap: true }));
wrong("foldBatchNorm", "scales conv.weight in place", "mutates-input", foldWith({ inPlace: true }));
right("foldBatchNorm", "the reference", S.foldBatchNorm);
right("foldBatchNorm", "channel by channel", foldWith({}));

// ---------------------------------------------------------------------------------------------
// 8.3 convOutputSize
wrong("convOutputSize", "padding once", "output-size-padding-once", (n: number, k: number, s: number, p: number) => Math.floor((n + p - k) / s) + 1);
wrong("convOutputSize", "no + 1", "output-size-off-by-one", (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s));
wrong("convOutputSize", "Math.ceil", "output-size-rounding", (n: number, k: number, s: number, p: number) => Math.ceil((n + 2 * p - k) / s) + 1);
wrong("convOutputSize", "no rounding", "output-size-rounding", (n: number, k: number, s: number, p: number) => (n + 2 * p - k) / s + 1);
wrong("convOutputSize", "Math.round", "output-size-rounding", (n: number, k: number, s: number, p: number) => Math.round((n + 2 * p - k) / s) + 1);
wrong("convOutputSize", "same padding", "output-size-same-padding", (n: number, _k: number, s: number) => Math.ceil(n / s));
wrong("convOutputSize", "valid only", "ignores-argument", (n: number, k: number, s: number) => Math.floor((n - k) / s) + 1);
wrong("convOutputSize", "stride ignored", "ignores-argument", (n: number, k: number, _s: number, p: number) => n + 2 * p - k + 1);
wrong("convOutputSize", "LeNet's 24", "constant-output", () => 24);
right("convOutputSize", "the reference", S.convOutputSize);
right("convOutputSize", "integer division by a loop", (n: number, k: number, s: number, p: number) => {
  let count = 0;
  for (let start = 0; start + k <= n + 2 * p; start += s) count++;
  return count;
});
// ---------------------------------------------------------------------------------------------

const results: Array<{ row: Row; result: CheckResult }> = [];
const namedIds = (r: CheckResult): MisconceptionId[] => r.misconceptions ?? (r.misconception ? [r.misconception] : []);

describe("the diagnosis table", () => {
  it.each(rows.map((r) => [r.exercise, r.want === "pass" ? `passes: ${r.name}` : `${r.name} → ${r.want}`, r] as const))(
    "%s: %s",
    (_e, _n, row) => {
      const result = (checkers[row.exercise] as (fn: unknown) => CheckResult)(row.fn);
      results.push({ row, result });
      if (row.want === "pass") {
        expect(result.ok, `${result.message}\n${result.details ?? ""}`).toBe(true);
      } else {
        expect(result.ok, "a wrong answer was accepted").toBe(false);
        expect([...namedIds(result)].sort(), `${result.kind}: ${result.message}\n${result.details ?? ""}`).toEqual([...row.all].sort());
      }
    },
    60_000,
  );

  it("has at least 8 wrong variants for every exercise", () => {
    for (const id of Object.keys(checkers)) expect(rows.filter((r) => r.exercise === id && r.want !== "pass").length, id).toBeGreaterThanOrEqual(8);
  });
});

afterAll(() => {
  const wrongOnes = results.filter((r) => r.row.want !== "pass");
  const named = wrongOnes.filter((r) => !r.result.ok && namedIds(r.result).length > 0);
  const exact = wrongOnes.filter((r) => namedIds(r.result).includes(r.row.want as MisconceptionId));
  const accepted = wrongOnes.filter((r) => r.result.ok);
  const rejectedRight = results.filter((r) => r.row.want === "pass" && !r.result.ok);
  console.log(
    `diagnosis rate: ${named.length}/${wrongOnes.length} wrong answers named (${((100 * named.length) / Math.max(1, wrongOnes.length)).toFixed(1)}%), ` +
      `${exact.length} with the expected mistake; ${accepted.length} wrong accepted; ` +
      `${results.length - wrongOnes.length - rejectedRight.length}/${results.length - wrongOnes.length} correct-but-unusual passed`,
  );
});
