/** BatchNorm2d: per-channel statistics over N, H and W, gradients by gradcheck, and its errors (PyTorch parity: norm-parity.test.ts). */
import { describe, expect, it } from "vitest";
import { Tensor } from "../src/tensor/tensor";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { gradcheckModule } from "../src/check/gradcheck";
import { gradcheckEach, images, perturb } from "./helpers/image-layers";

const x = images([3, 2, 5, 4], 1, 1.5, 0.5);

describe("BatchNorm2d: gradcheck (relative error < 1e-7)", () => {
  gradcheckEach([
    ["BatchNorm2d", () => perturb(new BatchNorm2d(2)), x, ["train", "eval"]],
    ["BatchNorm2d affine off", () => new BatchNorm2d(2, { affine: false }), x, ["train", "eval"]],
    ["BatchNorm2d no running stats", () => perturb(new BatchNorm2d(2, { trackRunningStats: false })), x, ["train", "eval"]],
  ]);

  it("gradcheck catches a wrong backward (BatchNorm2d without the path through μ)", () => {
    const bn = new BatchNorm2d(2);
    const original = bn.backward.bind(bn);
    bn.backward = (dy: Tensor) => {
      const dx = original(dy);
      const c = dy.shape[1], p = dy.shape[2] * dy.shape[3];
      return dx.map((v, i) => v + 0.1 * dy.data[Math.floor(i / p) % c]); // a wrong term
    };
    expect(gradcheckModule(bn, x).maxRelativeError).toBeGreaterThan(1e-3);
  });
});

describe("BatchNorm2d normalizes per channel over N, H and W", () => {
  it("each channel of the training output has mean β and variance γ² (up to ε); the running variance is unbiased with m = N·H·W", () => {
    const input = images([4, 3, 5, 5], 3, 2, 1);
    const bn = perturb(new BatchNorm2d(3));
    const y = bn.forward(input);
    for (let c = 0; c < 3; c++) {
      const vals: number[] = [];
      for (let n = 0; n < 4; n++) for (let p = 0; p < 25; p++) vals.push(y.data[(n * 3 + c) * 25 + p]);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const variance = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
      expect(mean).toBeCloseTo(bn.beta.data[c], 12);
      expect(variance / bn.gamma.data[c] ** 2).toBeCloseTo(1, 4);
    }
    const m = 100;
    let s = 0, s2 = 0;
    for (let n = 0; n < 4; n++) for (let p = 0; p < 25; p++) s += input.data[n * 75 + p];
    const mu = s / m;
    for (let n = 0; n < 4; n++) for (let p = 0; p < 25; p++) s2 += (input.data[n * 75 + p] - mu) ** 2;
    expect(bn.runningVar.data[0]).toBeCloseTo(0.9 + 0.1 * (s2 / (m - 1)), 12);
  });
});

describe("BatchNorm2d errors", () => {
  it("wrong channels; one number per channel in training; momentum out of range", () => {
    const bn = new BatchNorm2d(4);
    expect(() => bn.forward(images([2, 3, 2, 2]))).toThrow(/BatchNorm2d\(4.*\)\.forward: expected shape \[N, 4, H, W\], got \[2, 3, 2, 2\]/);
    expect(() => bn.forward(images([1, 4, 1, 1]))).toThrow(/expected more than 1 value per channel when training.*N·H·W = 1/);
    expect(() => new BatchNorm2d(4, { momentum: 1.5 })).toThrow(/momentum must be in \[0, 1\]/);
  });
});
