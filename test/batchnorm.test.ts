import { describe, expect, it } from "vitest";
import { randn, expectCloseArrays } from "./helpers/matrices";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Sequential } from "../src/nn/sequential";
import { Linear } from "../src/nn/linear";
import { ReLU } from "../src/nn/activations";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";

const EPS = 1e-5;

/** Per-feature mean, biased and unbiased variance, with plain loops. */
function columnStats(x: Matrix): { mean: number[]; biased: number[]; unbiased: number[] } {
  const rows = x.toArray();
  const N = rows.length;
  const mean = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / N);
  const ss = mean.map((m, j) => rows.reduce((s, r) => s + (r[j] - m) ** 2, 0));
  return { mean, biased: ss.map((v) => v / N), unbiased: ss.map((v) => v / (N - 1)) };
}

describe("BatchNorm1d forward in training mode", () => {
  it("normalizes each feature over the batch (axis 0) with the biased variance", () => {
    // feature 0: 1, 2, 3 → μ = 2, σ² = 2/3; feature 1: 10, 10, 40 → μ = 20, σ² = 200
    const x = Matrix.fromArray([[1, 10], [2, 10], [3, 40]]);
    const y = new BatchNorm1d(2).forward(x);
    const s0 = Math.sqrt(2 / 3 + EPS), s1 = Math.sqrt(200 + EPS);
    expectCloseArrays(y.columnArray(0), [-1 / s0, 0, 1 / s0]);
    expectCloseArrays(y.columnArray(1), [-10 / s1, -10 / s1, 20 / s1]);
  });

  it("every output feature has mean 0 and (biased) variance ≈ 1 when γ = 1, β = 0", () => {
    const y = new BatchNorm1d(5).forward(randn(64, 5, "x", 3, 7));
    const { mean, biased } = columnStats(y);
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(1e-12);
    for (const v of biased) expect(v).toBeCloseTo(1, 5);
  });

  it("y = γ·x̂ + β per feature", () => {
    const bn = new BatchNorm1d(2);
    bn.weight.value.copyFrom(Matrix.row([2, -1]));
    bn.bias.value.copyFrom(Matrix.row([0.5, 3]));
    const x = Matrix.fromArray([[1, 10], [3, 30]]);
    const xhat = new BatchNorm1d(2, { affine: false }).forward(x);
    expect(bn.forward(x).data).toEqual(xhat.mul(Matrix.row([2, -1])).add(Matrix.row([0.5, 3])).data);
  });

  it("γ = √(σ² + ε), β = μ recovers the input: the layer loses no representational power", () => {
    const x = randn(8, 3, "x", 2, 5);
    const { mean, biased } = columnStats(x);
    const bn = new BatchNorm1d(3);
    bn.weight.value.copyFrom(Matrix.row(biased.map((v) => Math.sqrt(v + EPS))));
    bn.bias.value.copyFrom(Matrix.row(mean));
    expectCloseArrays(bn.forward(x).data, x.data, 1e-12);
  });

  it("the output for one example depends on the rest of its batch (why eval mode exists)", () => {
    const bn = new BatchNorm1d(2);
    const a = bn.forward(Matrix.fromArray([[1, 1], [0, 0]])).rowArray(0);
    const b = bn.forward(Matrix.fromArray([[1, 1], [5, 5]])).rowArray(0);
    expect(a).not.toEqual(b);
  });

  it("backward: Σᵢ dx = 0 and Σᵢ dx·x̂ = 0 per feature (the paths through μ and σ²; exact with ε = 0)", () => {
    const bn = new BatchNorm1d(3, { eps: 0 });
    const x = randn(10, 3, "x");
    const xhat = bn.forward(x);
    const dx = bn.backward(randn(10, 3, "dy"));
    for (const s of dx.sumRows().data) expect(Math.abs(s)).toBeLessThan(1e-12);
    for (const s of dx.mul(xhat).sumRows().data) expect(Math.abs(s)).toBeLessThan(1e-12);
  });

  it("backward: ∂L/∂γ = Σ dy·x̂ and ∂L/∂β = Σ dy", () => {
    const bn = new BatchNorm1d(3);
    const x = randn(6, 3, "x");
    const xhat = new BatchNorm1d(3, { affine: false }).forward(x);
    bn.forward(x);
    const dy = randn(6, 3, "dy");
    bn.backward(dy);
    expectCloseArrays(bn.weight.grad.data, dy.mul(xhat).sumRows().data);
    expectCloseArrays(bn.bias.grad.data, dy.sumRows().data);
  });
});

describe("BatchNorm1d running statistics", () => {
  it("start at mean 0 and variance 1; γ at 1, β at 0", () => {
    const bn = new BatchNorm1d(3);
    expect(Array.from(bn.runningMean.data)).toEqual([0, 0, 0]);
    expect(Array.from(bn.runningVar.data)).toEqual([1, 1, 1]);
    expect(Array.from(bn.gamma.data)).toEqual([1, 1, 1]);
    expect(Array.from(bn.beta.data)).toEqual([0, 0, 0]);
    expect(bn.numBatchesTracked).toBe(0);
  });

  it("after several steps: running = (1 − m)·running + m·batch, with the UNBIASED variance stored", () => {
    const m = 0.1;
    const bn = new BatchNorm1d(3, { momentum: m });
    let mean = [0, 0, 0], variance = [1, 1, 1];
    for (let step = 0; step < 5; step++) {
      const x = randn(4 + step, 3, `batch${step}`, step, 1 + step);
      bn.forward(x);
      const s = columnStats(x);
      mean = mean.map((r, j) => (1 - m) * r + m * s.mean[j]);
      variance = variance.map((r, j) => (1 - m) * r + m * s.unbiased[j]);
    }
    expectCloseArrays(bn.runningMean.data, mean);
    expectCloseArrays(bn.runningVar.data, variance);
    expect(bn.numBatchesTracked).toBe(5);
  });

  it("one step by hand: batch [1, 3] → running mean 0.2, running var 0.9 + 0.1·2 = 1.1", () => {
    const bn = new BatchNorm1d(1);
    bn.forward(Matrix.column([1, 3])); // μ = 2, biased σ² = 1, unbiased = 2
    expect(bn.runningMean.get(0, 0)).toBeCloseTo(0.2, 15);
    expect(bn.runningVar.get(0, 0)).toBeCloseTo(1.1, 15);
  });

  it("momentum: null is the cumulative average of the batch statistics (weight 1/num_batches_tracked)", () => {
    const bn = new BatchNorm1d(2, { momentum: null });
    const batches = [0, 1, 2].map((i) => randn(5, 2, `cum${i}`, i * 2, 1 + i));
    batches.forEach((b) => bn.forward(b));
    const stats = batches.map(columnStats);
    expectCloseArrays(bn.runningMean.data, [0, 1].map((j) => stats.reduce((s, st) => s + st.mean[j], 0) / 3));
    expectCloseArrays(bn.runningVar.data, [0, 1].map((j) => stats.reduce((s, st) => s + st.unbiased[j], 0) / 3));
    expect(bn.toString()).toBe("BatchNorm1d(2, eps=1e-5, momentum=null)");
  });

  it("momentum 0 never moves; momentum 1 keeps only the last batch", () => {
    const x = randn(6, 2, "x", 5, 2);
    const frozen = new BatchNorm1d(2, { momentum: 0 });
    frozen.forward(x);
    expect(Array.from(frozen.runningMean.data)).toEqual([0, 0]);
    const last = new BatchNorm1d(2, { momentum: 1 });
    last.forward(randn(6, 2, "other"));
    last.forward(x);
    expectCloseArrays(last.runningMean.data, columnStats(x).mean);
    expectCloseArrays(last.runningVar.data, columnStats(x).unbiased);
  });

  it("resetRunningStats starts again from 0, 1 and step 0", () => {
    const bn = new BatchNorm1d(2);
    bn.forward(randn(4, 2, "x", 3));
    bn.resetRunningStats();
    expect(Array.from(bn.runningMean.data)).toEqual([0, 0]);
    expect(Array.from(bn.runningVar.data)).toEqual([1, 1]);
    expect(bn.numBatchesTracked).toBe(0);
  });
});

describe("BatchNorm1d in eval mode", () => {
  it("normalizes with the running statistics and does not update them", () => {
    const bn = new BatchNorm1d(2);
    bn.runningMean.copyFrom(Matrix.row([1, -2]));
    bn.runningVar.copyFrom(Matrix.row([4, 0.25]));
    bn.weight.value.copyFrom(Matrix.row([2, 1]));
    bn.bias.value.copyFrom(Matrix.row([0, 1]));
    bn.eval();
    const y = bn.forward(Matrix.fromArray([[3, -2], [1, 0]]));
    expectCloseArrays(y.rowArray(0), [(2 * 2) / Math.sqrt(4 + EPS), 1]);
    expectCloseArrays(y.rowArray(1), [0, 2 / Math.sqrt(0.25 + EPS) + 1]);
    expect(Array.from(bn.runningMean.data)).toEqual([1, -2]);
    expect(bn.numBatchesTracked).toBe(0);
  });

  it("each example's output no longer depends on its batch, and a batch of one is fine", () => {
    const bn = new BatchNorm1d(3);
    for (let i = 0; i < 20; i++) bn.forward(randn(16, 3, `train${i}`, 1, 2));
    bn.eval();
    const x = randn(5, 3, "test");
    const alone = bn.forward(x.selectRows([2]));
    const inBatch = bn.forward(x).selectRows([2]);
    expect(alone.data).toEqual(inBatch.data);
  });

  it("backward treats the running statistics as constants: dx = dy·γ/√(running var + ε)", () => {
    const bn = new BatchNorm1d(2).eval();
    bn.runningVar.copyFrom(Matrix.row([4, 9]));
    bn.weight.value.copyFrom(Matrix.row([3, -1]));
    bn.forward(randn(3, 2, "x"));
    const dx = bn.backward(Matrix.ones(3, 2));
    expectCloseArrays(dx.rowArray(1), [3 / Math.sqrt(4 + EPS), -1 / Math.sqrt(9 + EPS)]);
  });

  it("trackRunningStats=false: no buffers, and batch statistics in eval mode too", () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false });
    expect(bn.namedBuffers()).toEqual([]);
    expect(Object.keys(bn.stateDict())).toEqual(["weight", "bias"]);
    const x = randn(5, 2, "x", 4, 3);
    const trainY = bn.forward(x);
    bn.eval();
    expect(bn.forward(x).data).toEqual(trainY.data);
    expect(bn.numBatchesTracked).toBe(0);
    expect(bn.toString()).toBe("BatchNorm1d(2, eps=1e-5, momentum=0.1, trackRunningStats=false)");
  });

  it("trackRunningStats=false in eval mode refuses a batch of one, as PyTorch does", () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false }).eval();
    expect(() => bn.forward(Matrix.zeros(1, 2))).toThrow("expected more than 1 value per feature");
  });
});

describe("BatchNorm1d options, buffers and state", () => {
  it("affine=false has no parameters: y = x̂", () => {
    const bn = new BatchNorm1d(4, { affine: false });
    expect(bn.parameters()).toEqual([]);
    expect(bn.numParameters()).toBe(0);
    expect(bn.toString()).toBe("BatchNorm1d(4, eps=1e-5, momentum=0.1, affine=false)");
  });

  it("has PyTorch's parameter and buffer names", () => {
    const bn = new BatchNorm1d(3);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    expect(bn.toString()).toBe("BatchNorm1d(3, eps=1e-5, momentum=0.1)");
  });

  it("numBatchesTracked counts training forwards only", () => {
    const bn = new BatchNorm1d(2);
    bn.forward(randn(3, 2, "a"));
    bn.forward(randn(3, 2, "b"));
    bn.eval().forward(randn(3, 2, "c"));
    expect(bn.numBatchesTracked).toBe(2);
  });

  it("train()/eval() propagate through a nested Sequential, and eval() is what makes inference batch-independent", () => {
    const bn = new BatchNorm1d(4);
    const net = new Sequential(new Linear(3, 4, { rng: new Rng(1) }), new Sequential(bn, new ReLU()));
    net.eval();
    expect(bn.training).toBe(false);
    net.forward(randn(1, 3, "one")); // a batch of one is fine in eval mode
    expect(bn.numBatchesTracked).toBe(0);
    net.train();
    expect(bn.training).toBe(true);
    expect(() => net.forward(randn(1, 3, "one"))).toThrow(
      "Sequential layer 1.0: BatchNorm1d(4, eps=1e-5, momentum=0.1): expected more than 1 value per feature when training, got a batch of 1",
    );
  });

  it("stateDict/loadStateDict round-trip a nested Sequential, num_batches_tracked included", () => {
    const make = () => new Sequential(new Linear(3, 4, { rng: new Rng(1) }), new Sequential(new BatchNorm1d(4), new ReLU()), new BatchNorm1d(4));
    const a = make();
    for (let i = 0; i < 3; i++) a.forward(randn(6, 3, `step${i}`));
    const state = a.stateDict();
    expect(Object.keys(state)).toEqual([
      "0.weight", "0.bias", "1.0.weight", "1.0.bias", "2.weight", "2.bias",
      "1.0.running_mean", "1.0.running_var", "1.0.num_batches_tracked",
      "2.running_mean", "2.running_var", "2.num_batches_tracked",
    ]);
    expect(state["1.0.num_batches_tracked"]).toEqual([3]);

    const b = make();
    b.loadStateDict(JSON.parse(JSON.stringify(state)));
    expect(b.stateDict()).toEqual(state);
    expect(((b.at(1) as Sequential).at(0) as BatchNorm1d).numBatchesTracked).toBe(3);
    const x = randn(2, 3, "test");
    expect(b.eval().forward(x).data).toEqual(a.eval().forward(x).data);
  });
});
