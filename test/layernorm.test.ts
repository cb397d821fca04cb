import { describe, expect, it } from "vitest";
import { randn, expectCloseArrays } from "./helpers/matrices";
import { LayerNorm } from "../src/nn/layernorm";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Matrix } from "../src/tensor/matrix";
import { gradcheckEach, images, perturb } from "./helpers/image-layers";

const EPS = 1e-5;

describe("LayerNorm", () => {
  it("normalizes each example over its features (axis 1) with the biased variance", () => {
    // example 0: 1, 2, 3 → μ = 2, σ² = 2/3; example 1: 0, 0, 6 → μ = 2, σ² = 8
    const y = new LayerNorm(3).forward(Matrix.fromArray([[1, 2, 3], [0, 0, 6]]));
    const s0 = Math.sqrt(2 / 3 + EPS), s1 = Math.sqrt(8 + EPS);
    expectCloseArrays(y.rowArray(0), [-1 / s0, 0, 1 / s0]);
    expectCloseArrays(y.rowArray(1), [-2 / s1, -2 / s1, 4 / s1]);
  });

  it("is BatchNorm on the transposed batch (the axes swapped), without affine", () => {
    const x = randn(4, 6, "x", 1, 3);
    const ln = new LayerNorm(6, { elementwiseAffine: false }).forward(x);
    const bn = new BatchNorm1d(4, { affine: false }).forward(x.transpose()).transpose();
    expectCloseArrays(ln.data, bn.data);
  });

  it("γ and β are per feature: y = γ·x̂ + β", () => {
    const x = randn(3, 4, "x");
    const ln = new LayerNorm(4);
    ln.weight.value.copyFrom(Matrix.row([1, 2, 3, 4]));
    ln.bias.value.copyFrom(Matrix.row([0, -1, 1, 0]));
    const xhat = new LayerNorm(4, { elementwiseAffine: false }).forward(x);
    expect(ln.forward(x).data).toEqual(xhat.mul(Matrix.row([1, 2, 3, 4])).add(Matrix.row([0, -1, 1, 0])).data);
  });

  it("computes the same in training and eval mode; a batch of one is fine; no buffers", () => {
    const ln = new LayerNorm(5);
    const x = randn(3, 5, "x");
    const train = ln.forward(x);
    expect(ln.eval().forward(x).data).toEqual(train.data);
    expect(ln.train().forward(x.selectRows([1])).data).toEqual(train.selectRows([1]).data);
    expect(ln.namedBuffers()).toEqual([]);
  });

  it("an example's output does not depend on the rest of its batch", () => {
    const ln = new LayerNorm(3);
    const a = ln.forward(Matrix.fromArray([[1, 2, 4], [0, 0, 1]])).rowArray(0);
    const b = ln.forward(Matrix.fromArray([[1, 2, 4], [9, -9, 5]])).rowArray(0);
    expect(a).toEqual(b);
  });

  it("backward: Σⱼ dx = 0 per example (exact with ε = 0), ∂L/∂γ = Σᵢ dy·x̂, ∂L/∂β = Σᵢ dy", () => {
    const ln = new LayerNorm(4, { eps: 0 });
    const x = randn(5, 4, "x");
    const xhat = ln.forward(x);
    const dy = randn(5, 4, "dy");
    const dx = ln.backward(dy);
    for (const s of dx.sumCols().data) expect(Math.abs(s)).toBeLessThan(1e-12);
    expectCloseArrays(ln.weight.grad.data, dy.mul(xhat).sumRows().data);
    expectCloseArrays(ln.bias.grad.data, dy.sumRows().data);
  });

  it("options: elementwiseAffine=false has no parameters; bias=false only γ", () => {
    expect(new LayerNorm(3, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(new LayerNorm(3, { bias: false }).namedParameters().map(([n]) => n)).toEqual(["weight"]);
    expect(new LayerNorm(3).namedParameters().map(([n, p]) => [n, p.value.shape])).toEqual([["weight", [1, 3]], ["bias", [1, 3]]]);
  });

  it("toString", () => {
    expect(new LayerNorm(100).toString()).toBe("LayerNorm(100, eps=1e-5)");
    expect(new LayerNorm(8, { eps: 0.001, elementwiseAffine: false }).toString()).toBe("LayerNorm(8, eps=0.001, elementwiseAffine=false)");
    expect(new LayerNorm(8, { bias: false }).toString()).toBe("LayerNorm(8, eps=1e-5, bias=false)");
  });
});

describe("LayerNorm on images: gradcheck (relative error < 1e-7) and its shape error", () => {
  gradcheckEach([["LayerNorm([C, H, W])", () => perturb(new LayerNorm([2, 5, 4])), images([3, 2, 5, 4], 1, 1.5, 0.5), ["train"]]]);
  it("trailing dimensions that are not the normalized shape", () => {
    expect(() => new LayerNorm([3, 4, 4]).forward(images([2, 3, 5, 5]))).toThrow(/LayerNorm\(\[3, 4, 4\].*expected shape \[N, 3, 4, 4\], got \[2, 3, 5, 5\]/);
  });
});
