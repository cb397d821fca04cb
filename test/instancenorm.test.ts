/** InstanceNorm2d: each image's channel normalized over its own H·W, gradients by gradcheck (PyTorch parity: norm-parity.test.ts). */
import { describe, expect, it } from "vitest";
import { InstanceNorm2d } from "../src/nn/instancenorm";
import { gradcheckEach, images, perturb } from "./helpers/image-layers";

const x = images([3, 2, 5, 4], 1, 1.5, 0.5);

describe("InstanceNorm2d: gradcheck (relative error < 1e-7)", () => {
  gradcheckEach([
    ["InstanceNorm2d", () => new InstanceNorm2d(2), x, ["train"]],
    ["InstanceNorm2d affine, running stats", () => perturb(new InstanceNorm2d(2, { affine: true, trackRunningStats: true })), x, ["train", "eval"]],
  ]);
});

describe("InstanceNorm2d", () => {
  it("every channel of every image has mean 0 and variance 1 (up to ε); γ, β and the running statistics are PyTorch's", () => {
    const input = images([2, 3, 4, 5], 7, 3, 2);
    const layer = new InstanceNorm2d(3);
    const y = layer.forward(input);
    for (let nc = 0; nc < 6; nc++) {
      const vals = Array.from(y.data.subarray(nc * 20, (nc + 1) * 20));
      const mean = vals.reduce((a, b) => a + b, 0) / 20;
      expect(mean).toBeCloseTo(0, 12);
      expect(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / 20).toBeCloseTo(1, 4);
    }
    expect(layer.toString()).toBe("InstanceNorm2d(3, eps=1e-5)");
    expect(layer.parameters()).toEqual([]);
    expect(Object.keys(layer.stateDict())).toEqual([]);
    const tracked = new InstanceNorm2d(3, { affine: true, trackRunningStats: true });
    expect(tracked.gamma.toArray()).toEqual([[1, 1, 1]]);
    expect(tracked.beta.toArray()).toEqual([[0, 0, 0]]);
    expect(Object.keys(tracked.stateDict())).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    tracked.forward(input);
    expect(tracked.numBatchesTracked).toBe(0); // PyTorch's InstanceNorm does not count
    expect(tracked.runningMean.data[0]).not.toBe(0);
    tracked.resetRunningStats();
    expect([tracked.runningMean.toArray(), tracked.runningVar.toArray()]).toEqual([[[0, 0, 0]], [[1, 1, 1]]]);
  });

  it("refuses momentum null (PyTorch's InstanceNorm has no cumulative average) and a batch of 1×1 images in training", () => {
    expect(() => new InstanceNorm2d(2, { momentum: null })).toThrow(/InstanceNorm2d: momentum must be in \[0, 1\] \(PyTorch's InstanceNorm has no cumulative average\), got null/);
    expect(() => new InstanceNorm2d(2).forward(images([3, 2, 1, 1]))).toThrow(/expected more than 1 spatial element per channel.*H·W = 1/);
  });
});
