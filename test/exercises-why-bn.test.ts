/** Lesson 7's checkers: the probe along the gradient, gradient ICS, ghost batch norm. */
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { closeMatrices } from "../src/exercises/compare";
import { drawn, type ExerciseSpec, type Outputs } from "../src/exercises/engine";
import { check, checkers } from "../src/exercises";
import { lossAlongGradientSpec } from "../src/exercises/checkers/loss-along-gradient";
import type { LossAndGrad } from "../src/exercises/collect/loss-along-gradient";
import { layerIcsSpec } from "../src/exercises/checkers/layer-ics";
import type { GradFn } from "../src/exercises/collect/layer-ics";
import { ghostBatchNormSpec } from "../src/exercises/checkers/ghost-batch-norm";
import { solutions } from "./helpers/solutions";
const { lossAlongGradient, layerIcs, ghostBatchNorm } = solutions;
import { expectKind, expectMisconception, expectPass, stub } from "./exercises-helpers";

const norm = (m: Matrix) => Math.sqrt(m.mul(m).sum());

/** Every mistake's prediction differs from the right answer and from every other mistake on some case. */
function expectDistinguishable<I, F>(spec: ExerciseSpec<I, F>): void {
  const tol = { atol: 1e-9, rtol: 1e-6 };
  const same = (a: Outputs, b: Outputs) => Object.keys(b).every((k) => closeMatrices(a[k], b[k], tol, true));
  // predicates (constant output, swapped fields) are not predictions
  const predicted = spec.mistakes.filter((m) => m.outputs);
  const { cases } = drawn(spec);
  const predictions = predicted.map((m) => cases.map((c) => m.outputs!(c.input)));
  const reference = cases.map((c) => spec.reference(c.input));
  predictions.forEach((p, i) => {
    expect(p.every((o, k) => same(o, reference[k])), `${predicted[i].ids} equals the right answer`).toBe(false);
    predictions.forEach((q, j) => {
      if (j > i) expect(p.every((o, k) => same(o, q[k])), `${predicted[i].ids} vs ${predicted[j].ids}`).toBe(false);
    });
  });
}

describe("exercise 7.2: lossAlongGradient", () => {
  it("passes the solution, is registered, and recognises the stub", () => {
    expectPass(checkers.lossAlongGradient(lossAlongGradient));
    expect(checkers.lossAlongGradient).toBe(checkers.lossAlongGradient);
    expectKind(checkers.lossAlongGradient(stub("lossAlongGradient", "7.2")), "not-implemented");
  });

  it("every mistake it names is distinguishable from the right answer and from the others", () => expectDistinguishable(lossAlongGradientSpec));

  const probe = (opts: { ascent?: boolean; cumulative?: boolean; normDiff?: boolean; perStep?: boolean; mean?: boolean }) =>
    (f: LossAndGrad, theta: Matrix, stepSizes: number[]) => {
      const g = f(theta).grad;
      const losses: number[] = [], gradChanges: number[] = [], ratios: number[] = [];
      let p = theta;
      for (const eta of stepSizes) {
        p = (opts.cumulative ? p : theta).add(g.scale(opts.ascent ? eta : -eta));
        const t = f(p);
        const c = opts.normDiff ? Math.abs(norm(t.grad) - norm(g)) : norm(t.grad.sub(g));
        losses.push(t.loss);
        gradChanges.push(c);
        ratios.push(c / (opts.perStep ? eta : eta * norm(g)));
      }
      return { losses, gradChanges, beta: opts.mean ? ratios.reduce((a, b) => a + b) / ratios.length : Math.max(...ratios) };
    };

  it("names each mistake", () => {
    expectMisconception(checkers.lossAlongGradient(probe({ ascent: true })), "probe-ascent");
    expectMisconception(checkers.lossAlongGradient(probe({ cumulative: true })), "probe-cumulative-steps");
    expectMisconception(checkers.lossAlongGradient(probe({ normDiff: true })), "probe-norm-difference");
    expectMisconception(checkers.lossAlongGradient(probe({ perStep: true })), "beta-per-step-size");
    expectMisconception(checkers.lossAlongGradient(probe({ mean: true })), "beta-mean-not-max");
    expectMisconception(checkers.lossAlongGradient(probe({ perStep: true, mean: true })), "beta-per-step-size", "beta-mean-not-max");
  });

  it("reports a wrong type, a wrong length and a counterexample", () => {
    const asMatrix = (f: LossAndGrad, t: Matrix, s: number[]) => ({ ...lossAlongGradient(f, t, s), losses: Matrix.row(lossAlongGradient(f, t, s).losses) });
    expectKind(checkers.lossAlongGradient(asMatrix as never), "wrong-type");
    expectKind(checkers.lossAlongGradient((f, t, s) => ({ ...lossAlongGradient(f, t, s), gradChanges: [1] })), "wrong-shape");
    const r = checkers.lossAlongGradient((f, t, s) => ({ ...lossAlongGradient(f, t, s), beta: 42 }));
    expectKind(r, "counterexample");
    expect(r.details).toMatch(/expected β/);
  });
});

describe("exercise 7.1: layerIcs", () => {
  it("passes the solution, is registered, and recognises the stub", () => {
    expectPass(checkers.layerIcs(layerIcs));
    expect(checkers.layerIcs).toBe(checkers.layerIcs);
    expectKind(checkers.layerIcs(stub("layerIcs", "7.1")), "not-implemented");
  });

  it("every mistake it names is distinguishable", () => expectDistinguishable(layerIcsSpec));

  const ics = (which: (k: number, layer: number) => boolean, opts: { dot?: boolean; normDiff?: boolean; sign?: number } = {}) =>
    (gradFn: GradFn, params: Matrix[], layer: number, lr: number) => {
      const g = gradFn(params);
      const G = g[layer];
      const G2 = gradFn(params.map((p, k) => (which(k, layer) ? p.add(g[k].scale((opts.sign ?? -1) * lr)) : p)))[layer];
      const dot = G.mul(G2).sum();
      return { l2: opts.normDiff ? Math.abs(norm(G) - norm(G2)) : norm(G.sub(G2)), cosine: opts.dot ? dot : dot / (norm(G) * norm(G2)) };
    };

  it("names each mistake", () => {
    expectMisconception(checkers.layerIcs(ics((k, l) => k <= l)), "ics-own-layer-updated");
    expectMisconception(checkers.layerIcs(ics((k, l) => k > l)), "ics-layers-above");
    expectMisconception(checkers.layerIcs(ics(() => true)), "ics-all-layers-updated");
    expectMisconception(checkers.layerIcs(ics((k, l) => k < l, { dot: true })), "ics-dot-not-cosine");
    expectMisconception(checkers.layerIcs(ics((k, l) => k < l, { normDiff: true })), "probe-norm-difference");
    expectMisconception(checkers.layerIcs(ics((k, l) => k < l, { sign: 1 })), "probe-ascent");
  });

  it("reports a function that updates the weights in place", () => {
    const inPlace = (gradFn: GradFn, params: Matrix[], layer: number, lr: number) => {
      const g = gradFn(params);
      const G = g[layer].clone();
      for (let k = 0; k < layer; k++) params[k].addInPlace(g[k], -lr);
      const G2 = gradFn(params)[layer];
      return { l2: norm(G.sub(G2)), cosine: G.mul(G2).sum() / (norm(G) * norm(G2)) };
    };
    const r = checkers.layerIcs(inPlace);
    expect(r.ok).toBe(false);
    expect(r.misconceptions ?? [r.misconception]).toContain("mutates-input");
    expect(r.message).toMatch(/params\[0\]/);
  });
});

describe("exercise 7.3: ghostBatchNorm", () => {
  it("passes the solution, is registered, and recognises the stub", () => {
    expectPass(checkers.ghostBatchNorm(ghostBatchNorm));
    expect(checkers.ghostBatchNorm).toBe(checkers.ghostBatchNorm);
    expectKind(checkers.ghostBatchNorm(stub("ghostBatchNorm", "7.3")), "not-implemented");
  });

  it("every mistake it names is distinguishable", () => expectDistinguishable(ghostBatchNormSpec));

  const normalizeRows = (xg: Matrix, eps: number, unbiased = false, noEps = false) => {
    const mu = xg.meanRows();
    const v = xg.sub(mu).map((d) => d * d).sumRows().scale(1 / (unbiased ? xg.rows - 1 : xg.rows));
    return xg.sub(mu).div(v.map((s) => Math.sqrt(s + (noEps ? 0 : eps))));
  };
  const chunked = (opts: { unbiased?: boolean; noEps?: boolean; skip?: boolean }) => (x: Matrix, v: number, eps: number) => {
    const out = new Matrix(x.rows, x.cols);
    for (let s = 0; s < x.rows; s += v) {
      if (opts.skip && s + v > x.rows) break;
      const rows = Array.from({ length: Math.min(v, x.rows - s) }, (_, i) => s + i);
      out.data.set(normalizeRows(x.selectRows(rows), eps, opts.unbiased, opts.noEps).data, s * x.cols);
    }
    return out;
  };

  it("names each mistake", () => {
    expectMisconception(checkers.ghostBatchNorm((x, _v, eps) => normalizeRows(x, eps)), "ghost-whole-batch");
    expectMisconception(checkers.ghostBatchNorm(chunked({ skip: true })), "ghost-remainder-skipped");
    expectMisconception(checkers.ghostBatchNorm(chunked({ unbiased: true })), "unbiased-variance");
    expectMisconception(checkers.ghostBatchNorm(chunked({ noEps: true })), "eps-forgotten");
    const strided = (x: Matrix, v: number, eps: number) => {
      const count = Math.ceil(x.rows / v);
      const out = new Matrix(x.rows, x.cols);
      for (let g = 0; g < count; g++) {
        const rows = Array.from({ length: x.rows }, (_, i) => i).filter((i) => i % count === g);
        const xhat = normalizeRows(x.selectRows(rows), eps);
        rows.forEach((r, k) => out.data.set(xhat.data.subarray(k * x.cols, (k + 1) * x.cols), r * x.cols));
      }
      return out;
    };
    expectMisconception(checkers.ghostBatchNorm(strided), "ghost-strided");
  });

  it("notebook-facing check prints the verdict and the grader line", () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      check.ghostBatchNorm(ghostBatchNorm);
    } finally {
      console.log = log;
    }
    expect(lines.join("\n")).toMatch(/✓ Ghost batch normalization/);
    expect(lines.join("\n")).not.toMatch(/BNLAB_CHECK/); // the learner sees only the verdict; the grader collects data itself
  });
});
