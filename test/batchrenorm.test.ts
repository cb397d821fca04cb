import { describe, expect, it } from "vitest";
import { randn, expectCloseArrays } from "./helpers/matrices";
import { BatchRenorm1d, renormSchedule } from "../src/nn/batchrenorm";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Matrix } from "../src/tensor/matrix";

const EPS = 1e-5;

describe("BatchRenorm1d", () => {
  it("with rmax = 1 and dmax = 0 it is BatchNorm1d exactly: outputs, gradients, running stats, eval, state", () => {
    const brn = new BatchRenorm1d(3, { rmax: 1, dmax: 0, momentum: 0.1 });
    const bn = new BatchNorm1d(3, { momentum: 0.1 });
    for (const m of [brn, bn]) {
      m.weight.value.copyFrom(Matrix.row([2, -1, 0.5]));
      m.bias.value.copyFrom(Matrix.row([0, 1, -2]));
    }
    for (let step = 0; step < 4; step++) {
      const x = randn(5, 3, `x${step}`, step, 1 + step);
      const dy = randn(5, 3, `dy${step}`);
      expect(brn.forward(x).data).toEqual(bn.forward(x).data);
      expect(brn.backward(dy).data).toEqual(bn.backward(dy).data);
    }
    expect(brn.weight.grad.data).toEqual(bn.weight.grad.data);
    expect(brn.bias.grad.data).toEqual(bn.bias.grad.data);
    expect(brn.stateDict()).toEqual(bn.stateDict());
    const x = randn(2, 3, "test");
    expect(brn.eval().forward(x).data).toEqual(bn.eval().forward(x).data);
  });

  it("computes r = clip(σ_B/σ, 1/rmax, rmax) and d = clip((μ_B − μ)/σ, ±dmax) from the running statistics before the update", () => {
    const brn = new BatchRenorm1d(2, { rmax: 3, dmax: 5 });
    brn.runningMean.copyFrom(Matrix.row([1, 0]));
    brn.runningVar.copyFrom(Matrix.row([4, 1]));
    // feature 0: 1, 5 → μ_B = 3, σ²_B = 4; feature 1: 0, 0.2 → μ_B = 0.1, σ²_B = 0.01
    brn.forward(Matrix.fromArray([[1, 0], [5, 0.2]]));
    const sigma = [Math.sqrt(4 + EPS), Math.sqrt(1 + EPS)];
    const sigmaB = [Math.sqrt(4 + EPS), Math.sqrt(0.01 + EPS)];
    expectCloseArrays(brn.lastR!.data, [sigmaB[0] / sigma[0], Math.max(1 / 3, sigmaB[1] / sigma[1])]);
    expect(brn.lastR!.get(0, 1)).toBe(1 / 3); // σ_B/σ ≈ 0.1 is clipped
    expectCloseArrays(brn.lastD!.data, [(3 - 1) / sigma[0], 0.1 / sigma[1]]);
  });

  it("without clipping, training computes x̂ = (x − μ)/σ with the running statistics: what eval computes", () => {
    const brn = new BatchRenorm1d(3, { rmax: 1e6, dmax: 1e6 });
    brn.runningMean.copyFrom(Matrix.row([0.5, -1, 2]));
    brn.runningVar.copyFrom(Matrix.row([2, 0.5, 3]));
    brn.weight.value.copyFrom(Matrix.row([2, 1, -1]));
    const x = randn(6, 3, "x", 1, 2);
    const state = brn.stateDict();
    const trainY = brn.forward(x);
    brn.loadStateDict(state);
    expectCloseArrays(brn.eval().forward(x).data, trainY.data, 1e-12);
  });

  it("clipping bounds r and d", () => {
    const brn = new BatchRenorm1d(2, { rmax: 2, dmax: 0.5 });
    brn.forward(Matrix.fromArray([[100, 0], [120, 0.001]])); // huge mean and spread on feature 0, tiny on feature 1
    expect(Array.from(brn.lastR!.data)).toEqual([2, 0.5]);
    expect(brn.lastD!.get(0, 0)).toBe(0.5);
  });

  it("running statistics: PyTorch's momentum convention, unbiased variance, default momentum 0.01", () => {
    const brn = new BatchRenorm1d(1);
    expect(brn.momentum).toBe(0.01);
    brn.forward(Matrix.column([1, 3])); // μ = 2, unbiased variance 2
    expect(brn.runningMean.get(0, 0)).toBeCloseTo(0.02, 15);
    expect(brn.runningVar.get(0, 0)).toBeCloseTo(0.99 + 0.02, 15);
    expect(brn.numBatchesTracked).toBe(1);
  });

  it("momentum: null is a cumulative average", () => {
    const brn = new BatchRenorm1d(1, { momentum: null });
    brn.forward(Matrix.column([1, 3]));
    brn.forward(Matrix.column([5, 7]));
    expect(brn.runningMean.get(0, 0)).toBe(4);
    expect(brn.runningVar.get(0, 0)).toBe(2);
  });

  it("eval mode uses the running statistics, updates nothing, and accepts a batch of one", () => {
    const brn = new BatchRenorm1d(2).eval();
    brn.runningMean.copyFrom(Matrix.row([1, 2]));
    brn.runningVar.copyFrom(Matrix.row([4, 9]));
    const y = brn.forward(Matrix.fromArray([[3, 2]]));
    expectCloseArrays(y.data, [2 / Math.sqrt(4 + EPS), 0]);
    expect(brn.numBatchesTracked).toBe(0);
    const dx = brn.backward(Matrix.fromArray([[1, 1]]));
    expectCloseArrays(dx.data, [1 / Math.sqrt(4 + EPS), 1 / Math.sqrt(9 + EPS)]);
  });

  it("training on a batch of one is an error, as for BatchNorm1d", () => {
    expect(() => new BatchRenorm1d(2).forward(Matrix.zeros(1, 2))).toThrow(
      "BatchRenorm1d(2, eps=1e-5, momentum=0.01, rmax=3, dmax=5): expected more than 1 value per feature when training, got a batch of 1",
    );
  });

  it("backward treats r and d as constants: BatchNorm's backward with dx̂ scaled by r", () => {
    const brn = new BatchRenorm1d(2, { rmax: 3, dmax: 5, affine: false });
    brn.runningVar.copyFrom(Matrix.row([4, 0.25]));
    const x = randn(5, 2, "x");
    const dy = randn(5, 2, "dy");
    brn.forward(x);
    const dx = brn.backward(dy);
    const bn = new BatchNorm1d(2, { affine: false });
    bn.forward(x);
    const expected = bn.backward(dy.mul(brn.lastR!));
    expectCloseArrays(dx.data, expected.data);
  });

  it("parameters, buffers and toString", () => {
    const brn = new BatchRenorm1d(4);
    expect(brn.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(brn.namedBuffers().map(([n]) => n)).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    expect(new BatchRenorm1d(4, { affine: false }).parameters()).toEqual([]);
    expect(brn.toString()).toBe("BatchRenorm1d(4, eps=1e-5, momentum=0.01, rmax=3, dmax=5)");
    expect(new BatchRenorm1d(4, renormSchedule()).toString()).toBe("BatchRenorm1d(4, eps=1e-5, momentum=0.01, rmax=schedule, dmax=schedule)");
  });
});

describe("renormSchedule and schedules", () => {
  it("holds rmax = 1, dmax = 0 during warm-up, then relaxes linearly to the final values", () => {
    const { rmax, dmax } = renormSchedule({ warmupSteps: 100, rampSteps: 200, rmaxFinal: 3, dmaxFinal: 5 });
    expect([0, 99, 100, 200, 300, 1000].map(rmax)).toEqual([1, 1, 1, 2, 3, 3]);
    expect([0, 99, 100, 200, 300, 1000].map(dmax)).toEqual([0, 0, 0, 2.5, 5, 5]);
  });

  it("defaults: no warm-up and no ramp gives the final values at once (3 and 5)", () => {
    const { rmax, dmax } = renormSchedule();
    expect([rmax(0), dmax(0)]).toEqual([3, 5]);
  });

  it("the layer evaluates its schedules at its own step, numBatchesTracked", () => {
    const steps: number[] = [];
    const brn = new BatchRenorm1d(2, { rmax: (step) => (steps.push(step), 1), dmax: () => 0 });
    for (let i = 0; i < 3; i++) brn.forward(randn(4, 2, `x${i}`));
    brn.eval().forward(randn(4, 2, "eval"));
    expect(steps).toEqual([0, 1, 2]);
    expect(brn.currentRmax()).toBe(1);
  });

  it("during warm-up it is batch norm (r = 1, d = 0); afterwards the corrections switch on", () => {
    const brn = new BatchRenorm1d(2, { ...renormSchedule({ warmupSteps: 2 }), momentum: 0.5 });
    const r: number[][] = [];
    const d: number[][] = [];
    for (let i = 0; i < 4; i++) {
      brn.forward(randn(8, 2, `x${i}`, 3, 4));
      r.push(Array.from(brn.lastR!.data));
      d.push(Array.from(brn.lastD!.data));
    }
    expect(r.slice(0, 2)).toEqual([[1, 1], [1, 1]]);
    expect(d.slice(0, 2).flat().map(Math.abs)).toEqual([0, 0, 0, 0]);
    expect(r[3].some((v) => v !== 1)).toBe(true);
    expect(d[3].some((v) => v !== 0)).toBe(true);
  });

  it("the step is saved with the state, so a schedule resumes where it was", () => {
    const a = new BatchRenorm1d(2, renormSchedule({ warmupSteps: 10, rampSteps: 10 }));
    for (let i = 0; i < 15; i++) a.forward(randn(4, 2, `x${i}`));
    const b = new BatchRenorm1d(2, renormSchedule({ warmupSteps: 10, rampSteps: 10 }));
    b.loadStateDict(a.stateDict());
    expect(b.numBatchesTracked).toBe(15);
    expect(b.currentRmax()).toBe(2);
    expect(b.currentDmax()).toBe(2.5);
  });

  it("a schedule that leaves the allowed range is reported with its step", () => {
    const brn = new BatchRenorm1d(2, { dmax: (step) => 1 - step });
    brn.forward(randn(3, 2, "a"));
    brn.forward(randn(3, 2, "b"));
    expect(() => brn.forward(randn(3, 2, "c"))).toThrow(
      "BatchRenorm1d: dmax (the schedule at step 2) must be ≥ 0 (0 = no d correction; the paper relaxes it to 5), got -1",
    );
  });
});

describe("BatchRenorm1d.freezeCorrection", () => {
  it("reuses the frozen r and d for later batches until unfrozen", () => {
    const brn = new BatchRenorm1d(2, { momentum: 0.5 });
    brn.forward(randn(4, 2, "a", 1, 2));
    const r = brn.lastR!.clone(), d = brn.lastD!.clone();
    brn.freezeCorrection();
    brn.forward(randn(4, 2, "b", -3, 0.1));
    expect(brn.lastR!.data).toEqual(r.data);
    expect(brn.lastD!.data).toEqual(d.data);
    brn.unfreezeCorrection();
    brn.forward(randn(4, 2, "c", -3, 0.1));
    expect(brn.lastR!.data).not.toEqual(r.data);
  });

  it("needs a training forward first, or r and d of the right shape", () => {
    const brn = new BatchRenorm1d(2);
    expect(() => brn.freezeCorrection()).toThrow("freezeCorrection: run a forward in training mode first, or pass r and d");
    expect(() => brn.freezeCorrection(Matrix.ones(1, 3), Matrix.zeros(1, 2))).toThrow(
      "freezeCorrection: expected r of shape [1, 2], got [1, 3]",
    );
  });
});
