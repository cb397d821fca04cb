import { Matrix } from "../../../src/tensor/matrix";
import { Tensor } from "../../../src/tensor/tensor";
import { Conv2d } from "../../../src/nn/conv2d";
import { BatchNorm2d } from "../../../src/nn/batchnorm2d";

/** Lesson 8.1: reshape [N, C, H, W] to (N·H·W) × C (C last), lesson 1's per-column batch norm, reshape back. */
export function spatialBatchNorm(x: Tensor, gamma: Matrix, beta: Matrix, eps: number): Tensor {
  const [N, C, H, W] = x.shape;
  const P = H * W;
  const rows = new Matrix(N * P, C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) rows.data[(n * P + p) * C + c] = x.data[(n * C + c) * P + p];
  const mu = rows.meanRows();
  const variance = rows.sub(mu).map((d) => d * d).meanRows();
  const y = rows.sub(mu).div(variance.map((v) => Math.sqrt(v + eps))).mul(gamma).add(beta);
  const out = new Tensor(x.shape);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) out.data[(n * C + c) * P + p] = y.data[(n * P + p) * C + c];
  return out;
}

/** Lesson 8.2: W' = s·W, b' = s·(b − running_mean) + β, s = γ/√(running_var + ε). */
export function foldBatchNorm(conv: Conv2d, bn: BatchNorm2d): { weight: Matrix; bias: Matrix } {
  const O = conv.outChannels, K = conv.weight.value.cols;
  const weight = new Matrix(O, K), bias = new Matrix(1, O);
  for (let o = 0; o < O; o++) {
    const s = bn.gamma.data[o] / Math.sqrt(bn.runningVar.data[o] + bn.eps);
    for (let j = 0; j < K; j++) weight.data[o * K + j] = s * conv.weight.value.data[o * K + j];
    bias.data[o] = s * ((conv.bias ? conv.bias.value.data[o] : 0) - bn.runningMean.data[o]) + bn.beta.data[o];
  }
  return { weight, bias };
}

/** Lesson 8.3: ⌊(size + 2·padding − k)/stride⌋ + 1. */
export function convOutputSize(size: number, kernelSize: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernelSize) / stride) + 1;
}
