import { describe, expect, it } from "vitest";
import { randn, expectCloseArrays } from "./helpers/matrices";
import { GroupNorm } from "../src/nn/groupnorm";
import { LayerNorm } from "../src/nn/layernorm";
import { Matrix } from "../src/tensor/matrix";
import { gradcheckEach, images, perturb } from "./helpers/image-layers";

const EPS = 1e-5;

describe("GroupNorm", () => {
  it("normalizes contiguous groups of channels within each example", () => {
    // 2 groups of 2: example 0 has groups (1, 3) and (10, 20)
    const y = new GroupNorm(2, 4).forward(Matrix.fromArray([[1, 3, 10, 20], [0, 0, 5, 5]]));
    const s = Math.sqrt(1 + EPS), t = Math.sqrt(25 + EPS);
    expectCloseArrays(y.rowArray(0), [-1 / s, 1 / s, -5 / t, 5 / t]);
    expectCloseArrays(y.rowArray(1), [0, 0, 0, 0]); // a constant group normalizes to 0
  });

  it("each group is normalized like LayerNorm over that group's channels", () => {
    const x = randn(5, 12, "x", 2, 3);
    const y = new GroupNorm(3, 12, { affine: false }).forward(x);
    for (let g = 0; g < 3; g++) {
      const expected = new LayerNorm(4, { elementwiseAffine: false }).forward(x.sliceCols(4 * g, 4 * g + 4));
      expectCloseArrays(y.sliceCols(4 * g, 4 * g + 4).data, expected.data);
    }
  });

  it("GroupNorm(1, C) equals LayerNorm(C), forward and backward", () => {
    const x = randn(4, 6, "x");
    const dy = randn(4, 6, "dy");
    const gn = new GroupNorm(1, 6), ln = new LayerNorm(6);
    const gamma = Matrix.row([1, 2, 3, -1, 0.5, 2]);
    gn.weight.value.copyFrom(gamma);
    ln.weight.value.copyFrom(gamma);
    expectCloseArrays(gn.forward(x).data, ln.forward(x).data);
    expectCloseArrays(gn.backward(dy).data, ln.backward(dy).data);
    expectCloseArrays(gn.weight.grad.data, ln.weight.grad.data);
  });

  it("GroupNorm(C, C) is instance norm: on 2-D input each feature is alone, so the output is β", () => {
    const gn = new GroupNorm(4, 4);
    gn.bias.value.copyFrom(Matrix.row([1, 2, 3, 4]));
    const y = gn.forward(randn(3, 4, "x", 5, 10));
    expect(y.toArray()).toEqual([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]);
    expect(gn.backward(randn(3, 4, "dy")).maxAbs()).toBe(0);
  });

  it("γ and β are per channel (not per group)", () => {
    const gn = new GroupNorm(2, 4);
    expect(gn.namedParameters().map(([n, p]) => [n, p.value.shape])).toEqual([["weight", [1, 4]], ["bias", [1, 4]]]);
    expect(gn.groupSize).toBe(2);
    expect(new GroupNorm(2, 4, { affine: false }).parameters()).toEqual([]);
  });

  it("training and eval agree, the batch size does not matter, and there are no buffers", () => {
    const gn = new GroupNorm(2, 6);
    const x = randn(5, 6, "x");
    const y = gn.forward(x);
    expect(gn.eval().forward(x).data).toEqual(y.data);
    expect(gn.train().forward(x.selectRows([3])).data).toEqual(y.selectRows([3]).data);
    expect(gn.namedBuffers()).toEqual([]);
  });

  it("does not modify its input (the grouped view shares storage)", () => {
    const x = randn(3, 4, "x");
    const before = Array.from(x.data);
    const gn = new GroupNorm(2, 4);
    gn.forward(x);
    gn.backward(randn(3, 4, "dy"));
    expect(Array.from(x.data)).toEqual(before);
  });

  it("toString", () => {
    expect(new GroupNorm(4, 32).toString()).toBe("GroupNorm(4, 32, eps=1e-5)");
    expect(new GroupNorm(1, 8, { affine: false }).toString()).toBe("GroupNorm(1, 8, eps=1e-5, affine=false)");
  });
});

describe("GroupNorm on images [N, C, H, W]: gradcheck (relative error < 1e-7) and its shape error", () => {
  gradcheckEach([
    ["GroupNorm(1, 4) on NCHW", () => perturb(new GroupNorm(1, 4)), images([2, 4, 3, 3], 2), ["train"]],
    ["GroupNorm(2, 4) on NCHW", () => perturb(new GroupNorm(2, 4)), images([2, 4, 3, 3], 2), ["train"]],
    ["GroupNorm(4, 4) on NCHW", () => perturb(new GroupNorm(4, 4)), images([2, 4, 3, 3], 2), ["train"]],
  ]);
  it("wrong channels", () => {
    expect(() => new GroupNorm(2, 4).forward(images([2, 6, 2, 2]))).toThrow(/GroupNorm\(2, 4.*expected shape \[N, 4, H, W\], got \[2, 6, 2, 2\]/);
  });
});
