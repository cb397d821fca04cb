import { Matrix } from "../../../src/tensor/matrix";

/** Exercise 7.3: normalize each ghost batch of consecutive rows with its own statistics. */
export function ghostBatchNorm(x: Matrix, virtualBatchSize: number, eps: number): Matrix {
  const parts: Matrix[] = [];
  for (let start = 0; start < x.rows; start += virtualBatchSize) {
    const rows = Array.from({ length: Math.min(virtualBatchSize, x.rows - start) }, (_, i) => start + i);
    const xg = x.selectRows(rows);
    const mu = xg.meanRows();
    const variance = xg.sub(mu).map((d) => d * d).meanRows();
    parts.push(xg.sub(mu).div(variance.map((v) => Math.sqrt(v + eps))));
  }
  return Matrix.vstack(parts);
}
