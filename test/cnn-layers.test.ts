/**
 * The image layers: gradient checks of every layer (and of small networks made
 * of them) below 1e-7, Tensor basics, and errors that name the layer, the shape
 * it expected and the shape that came. PyTorch's numbers: torch-reference-cnn.test.ts.
 */
import { describe, expect, it } from "vitest";
import { Tensor } from "../src/tensor/tensor";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { AnyModule } from "../src/nn/module";
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { InstanceNorm2d } from "../src/nn/instancenorm";
import { MaxPool2d, AvgPool2d } from "../src/nn/pooling";
import { GroupNorm } from "../src/nn/groupnorm";
import { LayerNorm } from "../src/nn/layernorm";
import { Flatten, Unflatten } from "../src/nn/flatten";
import { ReLU, Sigmoid, Tanh } from "../src/nn/activations";
import { Linear } from "../src/nn/linear";
import { Sequential } from "../src/nn/sequential";
import { Residual, basicBlock } from "../src/nn/residual";
import { gradcheckModule } from "../src/check/gradcheck";
import { col2im, im2col } from "../src/tensor/im2col";

function images(shape: number[], seed = 1, scale = 1, offset = 0): Tensor {
  return new Tensor(shape, new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1), offset, scale));
}

/** Parameters away from their initial 1 and 0, so that γ and β matter in the check. */
function perturb(layer: AnyModule, seed = 5): AnyModule {
  const rng = new Rng(seed);
  for (const p of layer.parameters()) for (let i = 0; i < p.value.size; i++) p.value.data[i] += rng.normal(0, 0.3);
  return layer;
}

describe("gradcheck of every image layer (relative error < 1e-7)", () => {
  const x = images([3, 2, 5, 4], 1, 1.5, 0.5);
  const cases: Array<[string, () => AnyModule, Tensor | Matrix, ("train" | "eval")[]]> = [
    ["Conv2d k3", () => new Conv2d(2, 3, 3), x, ["train"]],
    ["Conv2d k3 stride 2 padding 1", () => new Conv2d(2, 3, 3, { stride: 2, padding: 1 }), x, ["train"]],
    ["Conv2d k2 stride 2 no bias", () => new Conv2d(2, 3, 2, { stride: 2, bias: false }), x, ["train"]],
    ["BatchNorm2d", () => perturb(new BatchNorm2d(2)), x, ["train", "eval"]],
    ["BatchNorm2d affine off", () => new BatchNorm2d(2, { affine: false }), x, ["train", "eval"]],
    ["BatchNorm2d no running stats", () => perturb(new BatchNorm2d(2, { trackRunningStats: false })), x, ["train", "eval"]],
    ["MaxPool2d 2", () => new MaxPool2d(2), x, ["train"]],
    ["MaxPool2d 3 stride 1 (overlapping)", () => new MaxPool2d(3, 1), x, ["train"]],
    ["AvgPool2d 2", () => new AvgPool2d(2), x, ["train"]],
    ["AvgPool2d 3 stride 1", () => new AvgPool2d(3, 1), x, ["train"]],
    ["GroupNorm(1, 4) on NCHW", () => perturb(new GroupNorm(1, 4)), images([2, 4, 3, 3], 2), ["train"]],
    ["GroupNorm(2, 4) on NCHW", () => perturb(new GroupNorm(2, 4)), images([2, 4, 3, 3], 2), ["train"]],
    ["GroupNorm(4, 4) on NCHW", () => perturb(new GroupNorm(4, 4)), images([2, 4, 3, 3], 2), ["train"]],
    ["LayerNorm([C, H, W])", () => perturb(new LayerNorm([2, 5, 4])), x, ["train"]],
    ["InstanceNorm2d", () => new InstanceNorm2d(2), x, ["train"]],
    ["InstanceNorm2d affine, running stats", () => perturb(new InstanceNorm2d(2, { affine: true, trackRunningStats: true })), x, ["train", "eval"]],
    ["ReLU on a Tensor", () => new ReLU(), x, ["train"]],
    ["Sigmoid on a Tensor", () => new Sigmoid(), x, ["train"]],
    ["Tanh on a Tensor", () => new Tanh(), x, ["train"]],
    ["Flatten", () => new Flatten(), x, ["train"]],
    ["Unflatten", () => new Unflatten([2, 5, 4]), x.toMatrix(3, 40), ["train"]],
    ["Residual(conv, BN, ReLU, conv)", () => new Residual(new Sequential<Tensor>(new Conv2d(2, 2, 3, { padding: 1 }), perturb(new BatchNorm2d(2)), new ReLU(), new Conv2d(2, 2, 3, { padding: 1, rng: new Rng(3) }))), x, ["train", "eval"]],
    ["basicBlock (group norm)", () => basicBlock(2, { norm: "group", groups: 1 }), x, ["train"]],
    [
      "a small CNN: Unflatten, conv, BN2d, ReLU, pool, conv, GroupNorm, Flatten, Linear",
      () =>
        new Sequential(
          new Unflatten([1, 6, 6]),
          new Conv2d(1, 3, 3, { padding: 1, bias: false }),
          perturb(new BatchNorm2d(3)),
          new ReLU(),
          new MaxPool2d(2),
          new Conv2d(3, 4, 2, { rng: new Rng(2) }),
          perturb(new GroupNorm(2, 4)),
          new Tanh(),
          new Flatten(),
          new Linear(16, 3),
        ),
      new Matrix(4, 36, new Rng(9).normalArray(144)),
      ["train", "eval"],
    ],
  ];
  for (const [name, make, input, modes] of cases) {
    for (const mode of modes) {
      it(`${name} (${mode})`, () => {
        const layer = make();
        if (mode === "eval") {
          layer.train();
          for (let i = 0; i < 3; i++) layer.forward(input instanceof Tensor ? images([...input.shape], 20 + i, 2, 1) : input); // running stats away from 0 and 1
          layer.eval();
        }
        const result = gradcheckModule(layer, input);
        const errors = result.entries.map((e) => `${e.name} ${e.zero ? "zero" : e.relativeError.toExponential(1)}`).join(", ");
        expect(result.maxRelativeError, errors).toBeLessThan(1e-7);
        expect(result.entries.filter((e) => !e.zero).length, "something was actually checked").toBeGreaterThan(0);
        expect(result.entries.find((e) => e.name === "dx")!.zero, "dx is not all zero").toBe(false);
      });
    }
  }

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
  it("each channel of the training output has mean β and variance γ² (up to ε); per-position statistics are not normalized", () => {
    const x = images([4, 3, 5, 5], 3, 2, 1);
    const bn = perturb(new BatchNorm2d(3)) as BatchNorm2d;
    const y = bn.forward(x);
    for (let c = 0; c < 3; c++) {
      const vals: number[] = [];
      for (let n = 0; n < 4; n++) for (let p = 0; p < 25; p++) vals.push(y.data[(n * 3 + c) * 25 + p]);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const variance = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
      expect(mean).toBeCloseTo(bn.beta.data[c], 12);
      expect(variance / bn.gamma.data[c] ** 2).toBeCloseTo(1, 4);
    }
    // the running variance uses the unbiased estimate with m = N·H·W = 100
    const m = 100;
    let s = 0, s2 = 0;
    for (let n = 0; n < 4; n++) for (let p = 0; p < 25; p++) s += x.data[n * 75 + p];
    const mu = s / m;
    for (let n = 0; n < 4; n++) for (let p = 0; p < 25; p++) s2 += (x.data[n * 75 + p] - mu) ** 2;
    expect(bn.runningVar.data[0]).toBeCloseTo(0.9 + 0.1 * (s2 / (m - 1)), 12);
  });
});

describe("im2col and col2im", () => {
  it("col2im is im2col's adjoint: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩", () => {
    for (const [k, stride, padding] of [[3, 1, 0], [3, 2, 1], [2, 2, 0], [5, 1, 2]]) {
      const [n, c, h, w] = [2, 3, 6, 5];
      const oh = Math.floor((h + 2 * padding - k) / stride) + 1, ow = Math.floor((w + 2 * padding - k) / stride) + 1;
      const x = new Rng(k).normalArray(n * c * h * w);
      const cols = new Float64Array(n * c * k * k * oh * ow);
      im2col(x, cols, n, c, h, w, k, k, stride, padding);
      const probe = new Rng(k + 1).normalArray(cols.length);
      const back = new Float64Array(x.length);
      col2im(probe, back, n, c, h, w, k, k, stride, padding);
      const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
      expect(dot(cols, probe)).toBeCloseTo(dot(x, back), 10);
    }
  });
});

describe("Tensor", () => {
  it("from/toArray/reshape/get follow PyTorch's row-major order", () => {
    const t = Tensor.from([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
    expect(t.toArray()).toEqual([[[0, 1], [2, 3]], [[4, 5], [6, 7]]]);
    expect(t.get(1, 0, 1)).toBe(5);
    expect(t.reshape([4, -1]).shape).toEqual([4, 2]);
    expect(() => Tensor.from([1, 2, 3], [2, 2])).toThrow(/Tensor\.from: expected shape \[2, 2\] \(4 numbers\), got 3 numbers/);
    expect(() => t.reshape([3, 3])).toThrow(/reshape/);
    expect(() => t.get(2, 0, 0)).toThrow(/outside the shape \[2, 2, 2\]/);
  });
});

describe("errors name the layer, the expected shape and what came", () => {
  it("Conv2d: wrong channels, a Matrix instead of images, a kernel larger than the image", () => {
    const conv = new Conv2d(3, 8, 3);
    expect(() => conv.forward(images([2, 1, 5, 5]))).toThrow(/Conv2d\(3→8, kernelSize=3\)\.forward: expected shape \[N, 3, H, W\], got \[2, 1, 5, 5\]/);
    expect(() => conv.forward(new Matrix(2, 75) as unknown as Tensor)).toThrow(/expected shape \[N, 3, H, W\] \(a Tensor of images\), got a Matrix \[2, 75\].*Unflatten/);
    expect(() => conv.forward(images([1, 3, 2, 2]))).toThrow(/does not fit in a 2×2 image/);
    expect(() => conv.backward(images([1, 8, 1, 1]))).toThrow(/call forward\(\) before backward\(\)/);
    conv.forward(images([1, 3, 4, 4]));
    expect(() => conv.backward(images([1, 8, 3, 3]))).toThrow(/backward: expected shape dy of shape \[1, 8, 2, 2\] \(the output's shape\), got \[1, 8, 3, 3\]/);
    expect(() => new Conv2d(3, 8, 0)).toThrow(/Conv2d: kernelSize must be an integer ≥ 1, got 0/);
  });

  it("BatchNorm2d: wrong channels; one number per channel in training", () => {
    const bn = new BatchNorm2d(4);
    expect(() => bn.forward(images([2, 3, 2, 2]))).toThrow(/BatchNorm2d\(4.*\)\.forward: expected shape \[N, 4, H, W\], got \[2, 3, 2, 2\]/);
    expect(() => bn.forward(images([1, 4, 1, 1]))).toThrow(/expected more than 1 value per channel when training.*N·H·W = 1/);
    expect(() => new BatchNorm2d(4, { momentum: 1.5 })).toThrow(/momentum must be in \[0, 1\]/);
  });

  it("Flatten/Unflatten, GroupNorm, LayerNorm, Residual", () => {
    expect(() => new Flatten().forward(new Matrix(2, 3) as unknown as Tensor)).toThrow(/Flatten\.forward: expected shape a Tensor/);
    expect(() => new Unflatten([1, 28, 28]).forward(new Matrix(2, 100))).toThrow(/Unflatten\(\[1, 28, 28\]\)\.forward: expected shape a Matrix \[N, 784\].*got a Matrix \[2, 100\]/);
    expect(() => new GroupNorm(2, 4).forward(images([2, 6, 2, 2]))).toThrow(/GroupNorm\(2, 4.*expected shape \[N, 4, H, W\], got \[2, 6, 2, 2\]/);
    expect(() => new LayerNorm([3, 4, 4]).forward(images([2, 3, 5, 5]))).toThrow(/LayerNorm\(\[3, 4, 4\].*expected shape \[N, 3, 4, 4\], got \[2, 3, 5, 5\]/);
    expect(() => new Residual(new Conv2d(2, 2, 3)).forward(images([1, 2, 5, 5]))).toThrow(/Residual: the body must keep the shape.*\[1, 2, 5, 5\].*\[1, 2, 3, 3\]/);
    const seq = new Sequential(new Unflatten([1, 4, 4]), new Conv2d(2, 2, 3));
    expect(() => seq.forward(new Matrix(2, 16))).toThrow(/Sequential layer 1: Conv2d\(2→2, kernelSize=3\)\.forward: expected shape \[N, 2, H, W\], got \[2, 1, 4, 4\]/);
  });
});
