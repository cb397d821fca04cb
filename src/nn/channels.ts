import { Matrix } from "../tensor/matrix";
import { Tensor } from "../tensor/tensor";

/**
 * Per-channel helpers for image batches [N, C, H, W]: a channel's numbers are
 * all N·H·W values of one feature map — every image, every position. These are
 * the reductions and layouts the image layers need, written as loops
 * over (n, c, p) with p = h·W + w the position inside the H×W map.
 */

/** Σ over images and positions, one number per channel (a 1 × C row). */
export function sumPerChannel(t: Tensor): Matrix {
  const [N, C] = t.shape;
  const P = t.size / (N * C);
  const out = new Matrix(1, C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) out.data[c] += t.data[(n * C + c) * P + p];
  return out;
}

/**
 * The m × C matrix (m = N·P) of an [N, C, P] batch's channels: row n·P + p holds
 * position p of image n, column c channel c. Batch norm's statistics are its columns'.
 */
export function channelColumns(data: Float64Array, N: number, C: number, P: number): Matrix {
  const out = new Matrix(N * P, C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) out.data[(n * P + p) * C + c] = data[(n * C + c) * P + p];
  return out;
}

/** The inverse of channelColumns: the [N, C, P] layout of an m × C matrix. */
export function fromChannelColumns(m: Matrix, N: number, C: number, P: number): Float64Array {
  const out = new Float64Array(N * C * P);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) out[(n * C + c) * P + p] = m.data[(n * P + p) * C + c];
  return out;
}

/** A new tensor of t's shape with f(value, channel, flat index) at every entry. */
export function mapPerChannel(t: Tensor, f: (v: number, c: number, i: number) => number): Tensor {
  const [N, C] = t.shape;
  const P = t.size / (N * C);
  const out = new Tensor(t.shape);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < P; p++) {
        const i = (n * C + c) * P + p;
        out.data[i] = f(t.data[i], c, i);
      }
    }
  }
  return out;
}
