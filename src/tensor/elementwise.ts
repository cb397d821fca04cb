/**
 * The training step's elementwise passes, in plain TypeScript: the reference
 * (and the implementation for the TypeScript and WebAssembly backends, for
 * which copying operands into WebAssembly memory would cost more than the
 * pass). The native backend computes the same numbers, bit for bit.
 * Each checks its arguments first (backend-args.ts): a short array is refused.
 */
import { checkAxpy, checkElementwise, checkRowPass } from "./backend-args";

/** y += alpha·x for the first len entries (unrolled by 4: the same sums, element by element). */
export function axpy(alpha: number, x: Float64Array, y: Float64Array, len: number): void {
  checkAxpy(alpha, x, y, len);
  const n4 = len & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    y[i] += alpha * x[i];
    y[i + 1] += alpha * x[i + 1];
    y[i + 2] += alpha * x[i + 2];
    y[i + 3] += alpha * x[i + 3];
  }
  for (; i < len; i++) y[i] += alpha * x[i];
}

/** out[j] = Σᵢ x[i][j] for x (rows×cols), summed in row order. */
export function sumRows(x: Float64Array, out: Float64Array, rows: number, cols: number): void {
  checkRowPass("sumRows", x, out, rows, cols);
  out.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) out[j] += x[off + j];
  }
}

/** x[i][j] += row[j] for every row i of x (rows×cols). */
export function addRow(x: Float64Array, row: Float64Array, rows: number, cols: number): void {
  checkRowPass("addRow", x, row, rows, cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) x[off + j] += row[j];
  }
}

/** dx = dy·σ·(1 − σ) elementwise, from the sigmoid's output σ = y. */
export function sigmoidBackward(y: Float64Array, dy: Float64Array, dx: Float64Array, len: number): void {
  checkElementwise("sigmoidBackward", len, { y, dy, dx });
  for (let i = 0; i < len; i++) {
    const s = y[i];
    dx[i] = dy[i] * s * (1 - s);
  }
}
