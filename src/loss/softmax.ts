import { checkMatrix, Matrix } from "../tensor/matrix";

/**
 * Row-wise softmax: pᵢⱼ = e^(zᵢⱼ − mᵢ) / Σₖ e^(zᵢₖ − mᵢ), with mᵢ = maxₖ zᵢₖ.
 * Subtracting the row maximum changes nothing mathematically and keeps e^z from
 * overflowing, so logits of 1000 are fine.
 */
export function softmax(logits: Matrix): Matrix {
  checkMatrix("softmax", "logits", logits);
  const out = new Matrix(logits.rows, logits.cols);
  const z = logits.data, p = out.data, C = logits.cols;
  for (let i = 0; i < logits.rows; i++) {
    const row = i * C;
    const m = rowMax(z, row, C);
    let sum = 0;
    for (let j = 0; j < C; j++) {
      const e = Math.exp(z[row + j] - m);
      p[row + j] = e;
      sum += e;
    }
    for (let j = 0; j < C; j++) p[row + j] /= sum;
  }
  return out;
}

/** Row-wise log-softmax: zᵢⱼ − logsumexpₖ(zᵢₖ), computed stably. */
export function logSoftmax(logits: Matrix): Matrix {
  checkMatrix("logSoftmax", "logits", logits);
  const out = new Matrix(logits.rows, logits.cols);
  const z = logits.data, C = logits.cols;
  for (let i = 0; i < logits.rows; i++) {
    const row = i * C;
    const lse = logSumExp(z, row, C);
    for (let j = 0; j < C; j++) out.data[row + j] = z[row + j] - lse;
  }
  return out;
}

/** log Σⱼ e^zⱼ over one row = m + log Σⱼ e^(zⱼ − m), with m the row maximum. */
function logSumExp(z: ArrayLike<number>, offset: number, length: number): number {
  const m = rowMax(z, offset, length);
  if (m === Infinity || m === -Infinity) return m;
  let sum = 0;
  for (let j = 0; j < length; j++) sum += Math.exp(z[offset + j] - m);
  return m + Math.log(sum);
}

function rowMax(z: ArrayLike<number>, offset: number, length: number): number {
  let m = -Infinity;
  for (let j = 0; j < length; j++) if (z[offset + j] > m) m = z[offset + j];
  return m;
}
