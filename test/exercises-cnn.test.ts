/** Lesson 8's checkers: the right answer passes; each named mistake is diagnosed by name. */
import { checkers } from "../src/exercises/check";
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { Tensor } from "../src/tensor/tensor";
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";

/** x [N, C, H, W] → (N·H·W) × C with C last, and back. */
function toRows(x: Tensor): Matrix {
  const [N, C, H, W] = x.shape;
  const m = new Matrix(N * H * W, C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) m.data[(n * H * W + p) * C + c] = x.data[(n * C + c) * H * W + p];
  return m;
}
function fromRows(m: Matrix, shape: readonly number[]): Tensor {
  const [N, C, H, W] = shape;
  const t = new Tensor(shape);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) t.data[(n * C + c) * H * W + p] = m.data[(n * H * W + p) * C + c];
  return t;
}
function bnRows(x: Matrix, gamma: Matrix, beta: Matrix, eps: number): Matrix {
  const mu = x.meanRows();
  const v = x.sub(mu).map((d) => d * d).meanRows();
  return x.sub(mu).div(v.map((s) => Math.sqrt(s + eps))).mul(gamma).add(beta);
}
function bnCols(x: Matrix, eps: number): Matrix {
  const mu = x.meanCols();
  const v = x.sub(mu).map((d) => d * d).meanCols();
  return x.sub(mu).div(v.map((s) => Math.sqrt(s + eps)));
}

describe("spatialBatchNorm", () => {
  it("passes the reshape solution and BatchNorm2d itself", () => {
    expect(checkers.spatialBatchNorm((x, g, b, eps) => fromRows(bnRows(toRows(x), g, b, eps), x.shape)).ok).toBe(true);
    expect(checkers.spatialBatchNorm((x, g, b, eps) => {
      const bn = new BatchNorm2d(x.shape[1], { eps });
      bn.gamma.data.set(g.data);
      bn.beta.data.set(b.data);
      return bn.forward(x);
    }).ok).toBe(true);
  });

  it("names per-position, per-example, per-instance statistics and the reshape without transpose", () => {
    const perPosition = checkers.spatialBatchNorm((x, g, b, eps) => {
      const [N, C, H, W] = x.shape;
      const flat = x.toMatrix(N, C * H * W);
      const gg = Matrix.row(Array.from({ length: C * H * W }, (_, i) => g.data[Math.floor(i / (H * W))]));
      const bb = Matrix.row(Array.from({ length: C * H * W }, (_, i) => b.data[Math.floor(i / (H * W))]));
      return Tensor.from(bnRows(flat, gg, bb, eps).data, x.shape);
    });
    expect(perPosition.misconception).toBe("per-position-statistics");
    const affine = (t: Tensor, g: Matrix, b: Matrix) => t.map((v, i) => { const c = Math.floor(i / (t.shape[2] * t.shape[3])) % t.shape[1]; return g.data[c] * v + b.data[c]; });
    const perExample = checkers.spatialBatchNorm((x, g, b, eps) => affine(Tensor.from(bnCols(x.toMatrix(x.shape[0], x.size / x.shape[0]), eps).data, x.shape), g, b));
    expect(perExample.misconception).toBe("per-example-statistics");
    const perInstance = checkers.spatialBatchNorm((x, g, b, eps) => affine(Tensor.from(bnCols(x.toMatrix(x.shape[0] * x.shape[1], x.shape[2] * x.shape[3]), eps).data, x.shape), g, b));
    expect(perInstance.misconception).toBe("per-instance-statistics");
    const noTranspose = checkers.spatialBatchNorm((x, g, b, eps) => Tensor.from(bnRows(x.toMatrix(x.size / x.shape[1], x.shape[1]), g, b, eps).data, x.shape));
    expect(noTranspose.misconception).toBe("reshape-without-transpose");
    const asMatrix = checkers.spatialBatchNorm(((x: Tensor, g: Matrix, b: Matrix, eps: number) => bnRows(toRows(x), g, b, eps)) as unknown as Parameters<typeof checkers.spatialBatchNorm>[0]);
    expect(asMatrix.kind).toBe("wrong-type");
    expect(asMatrix.message).toMatch(/should be a Tensor/);
  });
});

describe("foldBatchNorm", () => {
  const fold = (variant: { mean?: boolean; scaleBias?: boolean; eps?: boolean; sqrt?: boolean } = {}) => (conv: Conv2d, bn: BatchNorm2d) => {
    const O = conv.outChannels, K = conv.weight.value.cols;
    const weight = new Matrix(O, K), bias = new Matrix(1, O);
    for (let o = 0; o < O; o++) {
      const ve = bn.runningVar.data[o] + (variant.eps === false ? 0 : bn.eps);
      const s = bn.gamma.data[o] / (variant.sqrt === false ? ve : Math.sqrt(ve));
      for (let j = 0; j < K; j++) weight.data[o * K + j] = s * conv.weight.value.data[o * K + j];
      const c = (conv.bias ? conv.bias.value.data[o] : 0) - (variant.mean === false ? 0 : bn.runningMean.data[o]);
      bias.data[o] = (variant.scaleBias === false ? c : s * c) + bn.beta.data[o];
    }
    return { weight, bias };
  };
  it("passes the fold, and the folded conv equals conv + BN in eval mode to 1e-9", () => {
    expect(checkers.foldBatchNorm(fold()).ok).toBe(true);
    const conv = new Conv2d(2, 3, 3, { padding: 1 });
    const bn = new BatchNorm2d(3);
    for (let i = 0; i < 3; i++) bn.forward(conv.forward(new Tensor([4, 2, 5, 5]).map((_, j) => Math.sin(j * (i + 1)) * 3 + i)));
    bn.eval();
    const x = new Tensor([2, 2, 5, 5]).map((_, j) => Math.cos(j));
    const expected = bn.forward(conv.forward(x));
    const { weight, bias } = fold()(conv, bn);
    const folded = new Conv2d(2, 3, 3, { padding: 1 });
    folded.weight.value.data.set(weight.data);
    folded.bias!.value.data.set(bias.data);
    const got = folded.forward(x);
    expect(Math.max(...got.data.map((v, i) => Math.abs(v - expected.data[i])))).toBeLessThan(1e-9);
  });
  it("names the mistakes", () => {
    expect(checkers.foldBatchNorm(fold({ mean: false })).misconception).toBe("fold-mean-forgotten");
    expect(checkers.foldBatchNorm(fold({ scaleBias: false })).misconception).toBe("fold-bias-unscaled");
    expect(checkers.foldBatchNorm(fold({ eps: false })).misconception).toBe("eps-forgotten");
    expect(checkers.foldBatchNorm(fold({ sqrt: false })).misconception).toBe("variance-std-confusion");
    const mutating = checkers.foldBatchNorm((conv, bn) => {
      conv.weight.value.scaleInPlace(2);
      return fold()(conv, bn);
    });
    expect(mutating.ok).toBe(false);
    expect(mutating.misconceptions ?? [mutating.misconception]).toContain("mutates-input");
  });
});

describe("convOutputSize", () => {
  it("passes the formula and names the mistakes", () => {
    expect(checkers.convOutputSize((s, k, st, p) => Math.floor((s + 2 * p - k) / st) + 1).ok).toBe(true);
    expect(checkers.convOutputSize((s, k, st, p) => Math.floor((s + p - k) / st) + 1).misconception).toBe("output-size-padding-once");
    expect(checkers.convOutputSize((s, k, st, p) => Math.floor((s + 2 * p - k) / st)).misconception).toBe("output-size-off-by-one");
    expect(checkers.convOutputSize((s, k, st, p) => Math.ceil((s + 2 * p - k) / st) + 1).misconception).toBe("output-size-rounding");
    expect(checkers.convOutputSize((s, k, st, p) => (s + 2 * p - k) / st + 1).misconception).toBe("output-size-rounding");
  });
});

describe("a near miss names only the outputs that differ", () => {
  it("a fold whose weight is exact and whose bias is a few per cent off: 'your bias is within …', not 'your weight and bias'", () => {
    const fold = (conv: Conv2d, bn: BatchNorm2d) => {
      const O = conv.outChannels;
      const K = conv.weight.value.cols;
      const weight = new Matrix(O, K);
      const bias = new Matrix(1, O);
      for (let o = 0; o < O; o++) {
        const s = bn.gamma.data[o] / Math.sqrt(bn.runningVar.data[o] + bn.eps);
        for (let j = 0; j < K; j++) weight.data[o * K + j] = s * conv.weight.value.data[o * K + j];
        const right = s * ((conv.bias ? conv.bias.value.data[o] : 0) - bn.runningMean.data[o]) + bn.beta.data[o];
        bias.data[o] = right * (1 + 0.01 * (o + 1) * (o % 2 === 0 ? 1 : -1)); // 1 %, 2 %, 3 % … off: an estimate, not a formula
      }
      return { weight, bias };
    };
    const r = checkers.foldBatchNorm(fold);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/Your bias is within [\d.]+% of the right value/);
    expect(r.message).not.toMatch(/weight and bias/);
  });
});
