/** Conv2d (PyTorch's nn.Conv2d) and its im2col/col2im: gradients by gradcheck, the adjoint identity, and its errors. */
import { describe, expect, it } from "vitest";
import { Tensor } from "../src/tensor/tensor";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { Conv2d } from "../src/nn/conv2d";
import { col2im, convOutputSize, im2col } from "../src/tensor/im2col";
import { gradcheckEach, images } from "./helpers/image-layers";

const x = images([3, 2, 5, 4], 1, 1.5, 0.5);

describe("Conv2d: gradcheck (relative error < 1e-7)", () => {
  gradcheckEach([
    ["Conv2d k3", () => new Conv2d(2, 3, 3), x, ["train"]],
    ["Conv2d k3 stride 2 padding 1", () => new Conv2d(2, 3, 3, { stride: 2, padding: 1 }), x, ["train"]],
    ["Conv2d k2 stride 2 no bias", () => new Conv2d(2, 3, 2, { stride: 2, bias: false }), x, ["train"]],
  ]);
});

describe("im2col and col2im", () => {
  it("col2im is im2col's adjoint: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩", () => {
    for (const [k, stride, padding] of [[3, 1, 0], [3, 2, 1], [2, 2, 0], [5, 1, 2]]) {
      const [n, c, h, w] = [2, 3, 6, 5];
      const oh = convOutputSize(h, k, stride, padding), ow = convOutputSize(w, k, stride, padding);
      const input = new Rng(k).normalArray(n * c * h * w);
      const cols = new Float64Array(n * c * k * k * oh * ow);
      im2col(input, cols, n, c, h, w, k, k, stride, padding);
      const probe = new Rng(k + 1).normalArray(cols.length);
      const back = new Float64Array(input.length);
      col2im(probe, back, n, c, h, w, k, k, stride, padding);
      const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
      expect(dot(cols, probe)).toBeCloseTo(dot(input, back), 10);
    }
  });

  it("convOutputSize is ⌊(size + 2·padding − k) / stride⌋ + 1", () => {
    expect(convOutputSize(28, 5, 1, 0)).toBe(24);
    expect(convOutputSize(28, 3, 2, 1)).toBe(14);
    expect(convOutputSize(7, 2, 2, 0)).toBe(3);
  });
});

describe("Conv2d errors name the layer, the expected shape and what came", () => {
  it("wrong channels, a Matrix instead of images, a kernel larger than the image", () => {
    const conv = new Conv2d(3, 8, 3);
    expect(() => conv.forward(images([2, 1, 5, 5]))).toThrow(/Conv2d\(3→8, kernelSize=3\)\.forward: expected shape \[N, 3, H, W\], got \[2, 1, 5, 5\]/);
    expect(() => conv.forward(new Matrix(2, 75) as unknown as Tensor)).toThrow(/expected shape \[N, 3, H, W\] \(a Tensor of images\), got a Matrix \[2, 75\].*Unflatten/);
    expect(() => conv.forward(images([1, 3, 2, 2]))).toThrow(/does not fit in a 2×2 image/);
    expect(() => conv.backward(images([1, 8, 1, 1]))).toThrow(/call forward\(\) before backward\(\)/);
    conv.forward(images([1, 3, 4, 4]));
    expect(() => conv.backward(images([1, 8, 3, 3]))).toThrow(/backward: expected shape dy of shape \[1, 8, 2, 2\] \(the output's shape\), got \[1, 8, 3, 3\]/);
    expect(() => new Conv2d(3, 8, 0)).toThrow(/Conv2d: kernelSize must be an integer ≥ 1, got 0/);
  });
});
