import { describe, expect, it } from "vitest";
import { GhostBatchNorm1d } from "../src/nn/ghost-batchnorm";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { gradcheckModule } from "../src/check/gradcheck";

const randn = (rows: number, cols: number, seed: string) => new Matrix(rows, cols, new Rng(seed).normalArray(rows * cols, 2, 3));
const maxDiff = (a: Matrix, b: Matrix) => a.sub(b).maxAbs();

describe("GhostBatchNorm1d", () => {
  it("normalizes each ghost batch of consecutive rows with its own statistics (as a BatchNorm1d on each chunk)", () => {
    const x = randn(12, 3, "g1");
    const ghost = new GhostBatchNorm1d(3, { virtualBatchSize: 4 });
    const y = ghost.forward(x);
    for (const start of [0, 4, 8]) {
      const rows = [start, start + 1, start + 2, start + 3];
      const expected = new BatchNorm1d(3).forward(x.selectRows(rows));
      expect(maxDiff(y.selectRows(rows), expected)).toBeLessThan(1e-12);
    }
    // and NOT what one BatchNorm1d over all 12 rows gives
    expect(maxDiff(y, new BatchNorm1d(3).forward(x))).toBeGreaterThan(0.05);
  });

  it("equals BatchNorm1d exactly when the ghost batch is at least the batch (forward, backward, running statistics)", () => {
    const x = randn(10, 4, "g2");
    const dy = randn(10, 4, "g2dy");
    const ghost = new GhostBatchNorm1d(4, { virtualBatchSize: 16 });
    const bn = new BatchNorm1d(4);
    ghost.weight.value = Matrix.row([1, 2, -0.5, 3]);
    bn.weight.value = ghost.weight.value.clone();
    expect(maxDiff(ghost.forward(x), bn.forward(x))).toBeLessThan(1e-12);
    expect(maxDiff(ghost.backward(dy), bn.backward(dy))).toBeLessThan(1e-12);
    expect(maxDiff(ghost.weight.grad, bn.weight.grad)).toBeLessThan(1e-12);
    expect(maxDiff(ghost.bias.grad, bn.bias.grad)).toBeLessThan(1e-12);
    expect(maxDiff(ghost.runningVar, bn.runningVar)).toBeLessThan(1e-12);
    expect(ghost.numBatchesTracked).toBe(1);
  });

  it("updates the running statistics once per ghost batch (PyTorch momentum convention), and uses them in eval", () => {
    const x = randn(8, 2, "g3");
    const ghost = new GhostBatchNorm1d(2, { virtualBatchSize: 4, momentum: 0.5 });
    const ref = new BatchNorm1d(2, { momentum: 0.5 });
    ghost.forward(x);
    ref.forward(x.selectRows([0, 1, 2, 3]));
    ref.forward(x.selectRows([4, 5, 6, 7]));
    expect(ghost.numBatchesTracked).toBe(2);
    expect(maxDiff(ghost.runningMean, ref.runningMean)).toBeLessThan(1e-12);
    expect(maxDiff(ghost.runningVar, ref.runningVar)).toBeLessThan(1e-12);
    ghost.eval();
    ref.eval();
    const one = randn(1, 2, "g3b");
    expect(maxDiff(ghost.forward(one), ref.forward(one))).toBeLessThan(1e-12); // one example is fine in eval
  });

  it("passes a gradient check in training mode (uneven last ghost batch) and in eval mode", () => {
    const x = randn(11, 3, "g4");
    const ghost = new GhostBatchNorm1d(3, { virtualBatchSize: 4 });
    ghost.weight.value = Matrix.row([0.5, -1.5, 2]);
    ghost.bias.value = Matrix.row([0.1, 0.2, -0.3]);
    const r = gradcheckModule(ghost, x);
    expect(r.ok, JSON.stringify(r.entries.map((e) => [e.name, e.relativeError]))).toBe(true);
    expect(r.maxRelativeError).toBeLessThan(1e-7);
    ghost.forward(x);
    ghost.eval();
    expect(gradcheckModule(ghost, x).ok).toBe(true);
  });

  it("the last ghost batch may be smaller; a last ghost batch of one is refused with an actionable message", () => {
    const ghost = new GhostBatchNorm1d(2, { virtualBatchSize: 4 });
    expect(ghost.ghostBatches(10)).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(() => ghost.forward(randn(9, 2, "g5"))).toThrow(/last one of 1 example.*multiple of virtualBatchSize/);
    expect(ghost.numBatchesTracked).toBe(0); // refused before any state changed
  });

  it("validates its options and describes itself", () => {
    expect(() => new GhostBatchNorm1d(3, { virtualBatchSize: 1 })).toThrow(/virtualBatchSize must be an integer ≥ 2/);
    expect(() => new GhostBatchNorm1d(0, { virtualBatchSize: 4 })).toThrow(/numFeatures/);
    expect(() => new GhostBatchNorm1d(3, { virtualBatchSize: 4, momentum: 2 })).toThrow(/momentum/);
    expect(() => new GhostBatchNorm1d(3, { virtualBatchSize: 4 }).forward(randn(4, 2, "x"))).toThrow(/\[batch, 3\]/);
    expect(new GhostBatchNorm1d(3, { virtualBatchSize: 8 }).toString()).toBe("GhostBatchNorm1d(3, virtualBatchSize=8, eps=1e-5, momentum=0.1)");
    const g = new GhostBatchNorm1d(3, { virtualBatchSize: 8, affine: false, trackRunningStats: false });
    expect(g.parameters()).toEqual([]);
    expect(g.namedBuffers()).toEqual([]);
    expect(Object.keys(new GhostBatchNorm1d(3, { virtualBatchSize: 8 }).stateDict())).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
  });
});
