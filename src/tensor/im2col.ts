/**
 * im2col and col2im in plain TypeScript: the step that turns a convolution into
 * one matrix product per image. This is the one reference: the TypeScript and
 * WebAssembly backends run it, and the native backend is tested against it
 * (test/backend-conv.test.ts), copy for copy and sum for sum.
 *
 * An image batch x is [n, c, h, w] row-major (NCHW). For a k×k kernel (kh×kw),
 * im2col writes, for every image s, a matrix with one ROW per weight position
 * (ci, i, j) — row (ci·kh + i)·kw + j, c·kh·kw rows — and one COLUMN per output
 * position (oy, ox) — column oy·ow + ox, oh·ow columns:
 *
 *   cols[s][(ci·kh + i)·kw + j][oy·ow + ox] = x[s][ci][oy·stride − padding + i][ox·stride − padding + j]
 *
 * (0 where that falls into the zero padding). Then the convolution of image s is
 * the product  weight (out × c·kh·kw) · cols[s] (c·kh·kw × oh·ow)  = y[s] (out × oh·ow),
 * which is already y's NCHW layout.
 */
import { checkArray, checkSizes, fail } from "./backend-args";
import { checkInteger } from "../validate/checks";

/** The output size along one axis: ⌊(size + 2·padding − k) / stride⌋ + 1 (below 1 when the window does not fit). */
export function outputSize(size: number, k: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - k) / stride) + 1;
}

/** outputSize with its arguments checked, for a caller outside the library: the window must fit in the padded input. */
export function convOutputSize(size: number, kernelSize: number, stride: number, padding: number): number {
  const where = "convOutputSize";
  checkInteger(where, "size", size, { min: 1 });
  checkInteger(where, "kernelSize", kernelSize, { min: 1 });
  checkInteger(where, "stride", stride, { min: 1 });
  checkInteger(where, "padding", padding);
  const o = outputSize(size, kernelSize, stride, padding);
  if (o < 1) throw new RangeError(`${where}: a kernel of ${kernelSize} does not fit in an input of ${size} with padding ${padding}`);
  return o;
}

/** A convolution's or pooling's output size along one axis, which must be at least 1 (the window must fit in the padded input). */
export function checkOutputSize(fn: string, size: number, k: number, stride: number, padding: number): number {
  const o = outputSize(size, k, stride, padding);
  if (o < 1) fail(fn, `the ${k}-wide window does not fit in an input of ${size} padded by ${padding} on each side`);
  return o;
}

/** Unfold x [n, c, h, w] into cols [n, c·kh·kw, oh·ow] (see above). */
export function im2col(
  x: Float64Array, cols: Float64Array, n: number, c: number, h: number, w: number,
  kh: number, kw: number, stride: number, padding: number,
): void {
  checkConvArguments("im2col", x, cols, n, c, h, w, kh, kw, stride, padding);
  forEachPatchEntry(n, c, h, w, kh, kw, stride, padding, (col, at) => {
    cols[col] = at < 0 ? 0 : x[at]; // 0 in the padding
  });
}

/**
 * The adjoint of im2col (what backward needs): x = 0, then every entry of cols is
 * ADDED back onto the input position it was copied from (an input pixel seen by
 * several output positions collects all their gradients; padding is dropped).
 */
export function col2im(
  cols: Float64Array, x: Float64Array, n: number, c: number, h: number, w: number,
  kh: number, kw: number, stride: number, padding: number,
): void {
  checkConvArguments("col2im", x, cols, n, c, h, w, kh, kw, stride, padding);
  x.fill(0, 0, n * c * h * w);
  forEachPatchEntry(n, c, h, w, kh, kw, stride, padding, (col, at) => {
    if (at >= 0) x[at] += cols[col];
  });
}

/**
 * visit(col, at) for every entry of the columns, in their order: `col` its index in
 * cols, `at` the index in x of the input it copies, x[s][ci][oy·stride − padding + i][ox·stride − padding + j],
 * or −1 when that falls in the zero padding.
 */
function forEachPatchEntry(
  n: number, c: number, h: number, w: number, kh: number, kw: number, stride: number, padding: number,
  visit: (col: number, at: number) => void,
): void {
  const oh = outputSize(h, kh, stride, padding), ow = outputSize(w, kw, stride, padding);
  let col = 0;
  for (let s = 0; s < n; s++) {
    for (let ci = 0; ci < c; ci++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let oy = 0; oy < oh; oy++) {
            for (let ox = 0; ox < ow; ox++, col++) {
              const iy = oy * stride - padding + i, ix = ox * stride - padding + j;
              const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
              visit(col, inside ? ((s * c + ci) * h + iy) * w + ix : -1);
            }
          }
        }
      }
    }
  }
}

/** The sizes, the output size (the window must fit) and both arrays' lengths. */
function checkConvArguments(
  fn: string, x: Float64Array, cols: Float64Array, n: number, c: number, h: number, w: number,
  kh: number, kw: number, stride: number, padding: number,
): void {
  checkSizes(fn, { n, c, h, w, kh, kw, stride, padding }, ["kh", "kw", "stride"]);
  const oh = checkOutputSize(fn, h, kh, stride, padding), ow = checkOutputSize(fn, w, kw, stride, padding);
  checkArray(fn, "x", x, n * c * h * w);
  checkArray(fn, "cols", cols, n * c * kh * kw * oh * ow);
}
