import { describe, expect, it } from "vitest";
import { randn } from "./helpers/matrices";
import {
  formatGradcheck,
  gradcheck,
  gradcheckModule,
  GradcheckResult,
  numericalGradient,
  relativeError,
} from "../src/check/gradcheck";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { Module } from "../src/nn/module";
import { Linear } from "../src/nn/linear";
import { ReLU, Sigmoid, Tanh } from "../src/nn/activations";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { LayerNorm } from "../src/nn/layernorm";
import { GroupNorm } from "../src/nn/groupnorm";
import { BatchRenorm1d, renormSchedule } from "../src/nn/batchrenorm";
import { Dropout } from "../src/nn/dropout";
import { Sequential } from "../src/nn/sequential";

const TOL = 1e-7;

/** Random γ and β, so that the checks do not pass only because γ = 1 and β = 0. */
function randomizeParameters(m: Module, seed: number): Module {
  const rng = new Rng(`params-${seed}`);
  for (const p of m.parameters()) for (let i = 0; i < p.value.size; i++) p.value.data[i] = rng.normal(0.5, 1);
  return m;
}

function expectPasses(result: GradcheckResult, names: string[]): void {
  expect(result.entries.map((e) => e.name)).toEqual(names);
  for (const e of result.entries) {
    expect(e.zero, `${e.name} is not a zero gradient`).toBe(false);
    expect(e.relativeError, `${e.name}: ${formatGradcheck(result)}`).toBeLessThan(TOL);
  }
  expect(result.ok).toBe(true);
}

describe("relativeError", () => {
  it("is max |a − n| / max(max|a|, max|n|, 1e-12)", () => {
    const a = Matrix.row([1, -2, 4]);
    const n = Matrix.row([1, -2.5, 4.1]);
    expect(relativeError(a, n)).toBeCloseTo(0.5 / 4.1, 15);
    expect(relativeError(a, a)).toBe(0);
    expect(relativeError(Matrix.zeros(2, 2), Matrix.zeros(2, 2))).toBe(0); // no 0/0
    expect(relativeError(Matrix.row([0]), Matrix.row([1e-13]))).toBeCloseTo(0.1, 12); // the 1e-12 floor
    expect(relativeError(Matrix.row([1]), Matrix.row([-1]))).toBe(2); // opposite signs: as wrong as it gets
  });

  it("is symmetric and scale-free", () => {
    const a = randn(3, 4, 1), b = randn(3, 4, 2);
    expect(relativeError(a, b)).toBe(relativeError(b, a));
    expect(relativeError(a.scale(1000), b.scale(1000))).toBeCloseTo(relativeError(a, b), 12);
  });

  it("wants matrices of the same shape", () => {
    expect(() => relativeError(Matrix.zeros(2, 3), Matrix.zeros(3, 2))).toThrow(
      "relativeError: expected shape two gradients of the same shape (the first is [2, 3]), got [3, 2]",
    );
  });
});

describe("numericalGradient", () => {
  it("differentiates f(m) = Σ m² + 3·m₀₀ by central differences, and leaves m as it was", () => {
    const m = Matrix.fromArray([[1, -2], [0.5, 3]]);
    const before = m.clone();
    const g = numericalGradient(() => m.mul(m).sum() + 3 * m.get(0, 0), m);
    expect(relativeError(g, Matrix.fromArray([[5, -4], [1, 6]]))).toBeLessThan(1e-9);
    expect(m.data).toEqual(before.data);
  });

  it("rejects a step that is not positive", () => {
    expect(() => numericalGradient(() => 0, Matrix.zeros(1, 1), 0)).toThrow("numericalGradient: eps must be > 0");
  });
});

describe("gradcheck (the low-level form)", () => {
  it("compares the gradients you supply with numerical ones", () => {
    const w = randn(2, 3, 3);
    const f = () => w.map(Math.sin).sum();
    const right = gradcheck(f, [{ name: "w", value: w, grad: w.map(Math.cos) }]);
    expect(right.ok).toBe(true);
    expect(right.maxRelativeError).toBeLessThan(TOL);
    const wrong = gradcheck(f, [{ name: "w", value: w, grad: w.map((v) => -Math.sin(v)) }]);
    expect(wrong.ok).toBe(false);
    expect(wrong.maxRelativeError).toBeGreaterThan(0.1);
    expect(formatGradcheck(wrong)).toMatch(/^FAILED \(tolerance 1e-7\) {2}w \d\.\de[-+]\d+$/);
  });

  it("a gradient of the wrong shape is named", () => {
    const w = Matrix.zeros(2, 2);
    expect(() => gradcheck(() => 0, [{ name: "w", value: w, grad: Matrix.zeros(1, 2) }])).toThrow(
      'gradcheck("w"): expected shape a gradient of the value\'s shape [2, 2], got [1, 2]',
    );
  });
});

describe("gradcheckModule: every layer's backward agrees with central differences (float64, < 1e-7)", () => {
  const x = randn(6, 4, "x");

  it("Linear with bias", () => {
    expectPasses(gradcheckModule(new Linear(4, 3, { rng: new Rng(1) }), x), ["dx", "weight", "bias"]);
  });

  it("Linear without bias", () => {
    expectPasses(gradcheckModule(new Linear(4, 3, { bias: false, rng: new Rng(2) }), x), ["dx", "weight"]);
  });

  it("ReLU, with inputs kept away from the kink at 0", () => {
    const away = x.map((v) => (v >= 0 ? v + 0.1 : v - 0.1));
    expectPasses(gradcheckModule(new ReLU(), away), ["dx"]);
  });

  it("Sigmoid and Tanh", () => {
    expectPasses(gradcheckModule(new Sigmoid(), x), ["dx"]);
    expectPasses(gradcheckModule(new Tanh(), x), ["dx"]);
  });

  it("BatchNorm1d in training mode, affine", () => {
    const xs = randn(5, 4, "bn", 3, 2); // a mean and scale away from 0 and 1
    expectPasses(gradcheckModule(randomizeParameters(new BatchNorm1d(4), 1), xs), ["dx", "weight", "bias"]);
  });

  it("BatchNorm1d in training mode, affine=false", () => {
    expectPasses(gradcheckModule(new BatchNorm1d(4, { affine: false }), x), ["dx"]);
  });

  it("BatchNorm1d in training mode with a batch of 2 (the smallest allowed)", () => {
    expectPasses(gradcheckModule(randomizeParameters(new BatchNorm1d(3), 2), randn(2, 3, "two")), ["dx", "weight", "bias"]);
  });

  it("BatchNorm1d in eval mode (running statistics are constants)", () => {
    const bn = randomizeParameters(new BatchNorm1d(4), 3) as BatchNorm1d;
    bn.runningMean.copyFrom(Matrix.row([0.5, -1, 2, 0]));
    bn.runningVar.copyFrom(Matrix.row([2, 0.5, 1, 3]));
    bn.eval();
    expectPasses(gradcheckModule(bn, x), ["dx", "weight", "bias"]);
  });

  it("BatchNorm1d with trackRunningStats=false in eval mode (batch statistics)", () => {
    const bn = randomizeParameters(new BatchNorm1d(4, { trackRunningStats: false }), 4).eval();
    expectPasses(gradcheckModule(bn, x), ["dx", "weight", "bias"]);
  });

  it("LayerNorm, with and without elementwise affine", () => {
    expectPasses(gradcheckModule(randomizeParameters(new LayerNorm(4), 5), x), ["dx", "weight", "bias"]);
    expectPasses(gradcheckModule(new LayerNorm(4, { elementwiseAffine: false }), x), ["dx"]);
    expectPasses(gradcheckModule(randomizeParameters(new LayerNorm(4, { bias: false }), 5), x), ["dx", "weight"]);
  });

  // Groups of 12, 6, 4, 3 and 1 channels. (Groups of 2 are ill-conditioned: x̂ = ±1 whatever x is,
  // so dx is of the order of ε and the rounding noise of the probes dominates it.)
  for (const groups of [1, 2, 3, 4]) {
    it(`GroupNorm(${groups}, 12)`, () => {
      const xs = randn(3, 12, `gn${groups}`, 1, 2);
      expectPasses(gradcheckModule(randomizeParameters(new GroupNorm(groups, 12), groups), xs), ["dx", "weight", "bias"]);
    });
  }

  it("GroupNorm(12, 12), instance norm on 2-D input: the output is β, so dx is zero", () => {
    const result = gradcheckModule(randomizeParameters(new GroupNorm(12, 12), 12), randn(3, 12, "gn12"));
    expect(result.entries.map((e) => [e.name, e.zero])).toEqual([["dx", true], ["weight", true], ["bias", false]]);
    expect(result.entries[0].analytic.maxAbs()).toBe(0);
    expect(result.entries[2].relativeError).toBeLessThan(TOL);
    expect(result.ok).toBe(true);
  });

  it("GroupNorm without affine", () => {
    expectPasses(gradcheckModule(new GroupNorm(2, 4, { affine: false }), x), ["dx"]);
  });

  it("BatchRenorm1d with r and d inside their limits (not clipped), frozen as backward assumes", () => {
    const brn = randomizeParameters(new BatchRenorm1d(4, { rmax: 100, dmax: 100 }), 6) as BatchRenorm1d;
    brn.runningMean.copyFrom(Matrix.row([0.3, -0.2, 0.1, 0]));
    brn.runningVar.copyFrom(Matrix.row([1.5, 0.7, 1.2, 0.9]));
    const state = brn.stateDict();
    brn.forward(x);
    brn.loadStateDict(state); // r and d of this batch, computed from the running statistics above
    brn.freezeCorrection();
    expectPasses(gradcheckModule(brn, x), ["dx", "weight", "bias"]);
    const r = brn.lastR!, d = brn.lastD!;
    for (let j = 0; j < 4; j++) {
      expect(r.data[j]).not.toBe(1); // r and d are active …
      expect(r.data[j] > 1 / 100 && r.data[j] < 100).toBe(true); // … and not clipped
      expect(Math.abs(d.data[j])).toBeLessThan(100);
    }
  });

  it("BatchRenorm1d unclipped and not frozen: backward is by design not the derivative of forward (stop-gradient)", () => {
    const brn = randomizeParameters(new BatchRenorm1d(4, { rmax: 100, dmax: 100 }), 6) as BatchRenorm1d;
    const result = gradcheckModule(brn, x);
    // The true derivative: x̂ = (x − μ_B)/σ_B · σ_B/σ + (μ_B − μ)/σ = (x − μ)/σ, so dx = dy·γ/σ.
    const dx = result.entries[0];
    expect(dx.relativeError).toBeGreaterThan(0.01);
    const sigma = brn.runningVar.map((v) => Math.sqrt(v + brn.eps));
    const R = new Matrix(6, 4, new Rng(0).normalArray(24)); // gradcheckModule's projection with seed 0
    expect(relativeError(dx.numerical, R.mul(brn.gamma).div(sigma))).toBeLessThan(TOL);
    expect(result.entries[1].relativeError).toBeLessThan(TOL); // γ and β are unaffected
    expect(result.entries[2].relativeError).toBeLessThan(TOL);
  });

  it("BatchRenorm1d: a schedule is evaluated at the same step in every probe", () => {
    // Step 0 is plain batch norm (exact gradients); from step 1 on, r and d would be active.
    const brn = new BatchRenorm1d(4, { ...renormSchedule({ warmupSteps: 1 }), momentum: 0.5 });
    expectPasses(gradcheckModule(brn, x), ["dx", "weight", "bias"]);
    expect(brn.numBatchesTracked).toBe(0);
  });

  it("BatchRenorm1d with r and d clipped", () => {
    const brn = randomizeParameters(new BatchRenorm1d(4, { rmax: 1.05, dmax: 0.05 }), 7) as BatchRenorm1d;
    brn.runningMean.copyFrom(Matrix.row([3, -3, 2, -2]));
    brn.runningVar.copyFrom(Matrix.row([9, 0.1, 4, 0.2]));
    expectPasses(gradcheckModule(brn, x), ["dx", "weight", "bias"]);
    for (let j = 0; j < 4; j++) {
      expect([1 / 1.05, 1.05]).toContain(brn.lastR!.data[j]);
      expect([-0.05, 0.05]).toContain(brn.lastD!.data[j]);
    }
  });

  it("BatchRenorm1d in eval mode", () => {
    const brn = randomizeParameters(new BatchRenorm1d(4), 8).eval();
    expectPasses(gradcheckModule(brn, x), ["dx", "weight", "bias"]);
  });

  it("Dropout with p = 0, and in eval mode", () => {
    expectPasses(gradcheckModule(new Dropout(0), x), ["dx"]);
    expectPasses(gradcheckModule(new Dropout(0.5).eval(), x), ["dx"]);
  });

  it("Dropout in training mode, with the mask fixed by re-seeding before every forward", () => {
    const drop = new Dropout(0.5);
    const result = gradcheckModule(drop, x, { beforeForward: () => { drop.rng = new Rng(11); } });
    expectPasses(result, ["dx"]);
    const mask = drop.mask!;
    const dropped = Array.from(mask.data.keys()).filter((i) => mask.data[i] === 0);
    expect(dropped.length).toBeGreaterThan(0); // some entries really were dropped, and get no gradient
    for (const i of dropped) {
      expect(Math.abs(result.entries[0].analytic.data[i])).toBe(0);
      expect(Math.abs(result.entries[0].numerical.data[i])).toBe(0);
    }
  });

  it("Dropout in training mode without a fixed mask is refused, with the way out", () => {
    expect(() => gradcheckModule(new Dropout(0.5), x)).toThrow(
      "gradcheckModule: Dropout(p=0.5) gave different outputs for the same input, so central differences cannot work. " +
        "Dropout in training mode draws a new mask every forward: call eval(), use p = 0, or re-seed it in options.beforeForward",
    );
  });

  it("a Sequential of several layers, nested", () => {
    const rng = new Rng(12);
    const net = new Sequential(
      new Linear(4, 5, { rng, bias: false }), // a bias before BatchNorm would get a zero gradient (see below)
      new BatchNorm1d(5),
      new Tanh(),
      new Sequential(new Linear(5, 6, { rng }), new LayerNorm(6), new Sigmoid()),
      new GroupNorm(3, 6),
      new Tanh(),
      new BatchRenorm1d(6, { momentum: 0.1 }),
      new Linear(6, 2, { rng }),
    );
    randomizeParameters(net, 12);
    const renorm = net.at(6) as BatchRenorm1d;
    const state = net.stateDict();
    net.forward(x);
    net.loadStateDict(state);
    renorm.freezeCorrection(); // see the stop-gradient test above
    const names = [
      "dx", "0.weight", "1.weight", "1.bias", "3.0.weight", "3.0.bias", "3.1.weight", "3.1.bias",
      "4.weight", "4.bias", "6.weight", "6.bias", "7.weight", "7.bias",
    ];
    expectPasses(gradcheckModule(net, x), names);
  });

  it("a Linear bias right before BatchNorm gets a zero gradient, reported as zero rather than as an error", () => {
    const net = new Sequential(new Linear(4, 3, { rng: new Rng(13) }), new BatchNorm1d(3), new Tanh());
    const result = gradcheckModule(net, x);
    const bias = result.entries.find((e) => e.name === "0.bias")!;
    expect(bias.zero).toBe(true);
    expect(bias.analytic.maxAbs()).toBeLessThan(1e-12); // the mean subtraction cancels it
    expect(result.ok).toBe(true);
    expect(result.maxRelativeError).toBeLessThan(TOL); // over the other entries
    expect(formatGradcheck(result)).toMatch(/^ok {2}dx \S+ {2}0\.weight \S+ {2}0\.bias zero {2}1\.weight/);
  });

  it("a wrong backward is caught: BatchNorm without the paths through μ and σ²", () => {
    class NaiveBatchNorm extends BatchNorm1d {
      backward(dy: Matrix): Matrix {
        super.backward(dy);
        // treats μ and σ² as constants: dx = dy·γ/√(σ²+ε)
        const xs = this.lastX!;
        const variance = xs.sub(xs.meanRows()).map((v) => v * v).meanRows();
        return dy.mul(this.gamma).mul(variance.map((v) => 1 / Math.sqrt(v + this.eps)));
      }
      lastX: Matrix | null = null;
      forward(xs: Matrix): Matrix {
        this.lastX = xs;
        return super.forward(xs);
      }
    }
    const result = gradcheckModule(new NaiveBatchNorm(4), x);
    expect(result.ok).toBe(false);
    expect(result.entries[0].name).toBe("dx");
    expect(result.entries[0].relativeError).toBeGreaterThan(0.1);
    expect(result.entries[1].relativeError).toBeLessThan(TOL); // γ and β are still right
  });
});

describe("gradcheckModule leaves the module as it found it", () => {
  it("running statistics, num_batches_tracked, parameters and grads are restored", () => {
    const net = new Sequential(new Linear(3, 4, { rng: new Rng(1) }), new BatchNorm1d(4), new BatchRenorm1d(4));
    net.forward(randn(5, 3, "warm")); // some non-trivial running statistics
    net.backward(randn(5, 4, "dy")); // and some accumulated grads
    const state = net.stateDict();
    const grads = net.parameters().map((p) => Array.from(p.grad.data));
    const x = randn(5, 3, "x");
    const xBefore = Array.from(x.data);

    gradcheckModule(net, x);

    expect(net.stateDict()).toEqual(state);
    expect(net.parameters().map((p) => Array.from(p.grad.data))).toEqual(grads);
    expect(Array.from(x.data)).toEqual(xBefore);
    expect(net.training).toBe(true);
  });

  it("the projection R is seeded: the same seed gives the same numbers", () => {
    const x = randn(4, 3, "x");
    const a = gradcheckModule(new BatchNorm1d(3), x, { seed: 5 });
    const b = gradcheckModule(new BatchNorm1d(3), x, { seed: 5 });
    expect(a.entries[0].analytic.data).toEqual(b.entries[0].analytic.data);
    expect(a.maxRelativeError).toBe(b.maxRelativeError);
  });
});
