/**
 * The convolution's fast path: Conv2d's forward and backward as backend calls
 * (src/tensor/backend.ts) on NCHW Float64Arrays. Conv2d's own readable code is
 * the reference; this computes the same numbers up to the order of sums
 * (tested to 1e-12), as PyTorch's CPU convolution does it: per image,
 *
 *   cols = im2col(x[s])                      (c·kh·kw) × (oh·ow)
 *   y[s] = weight · cols + bias              out × (oh·ow)
 *   ∂weight += dy[s] · colsᵀ,  ∂bias += Σ dy[s]
 *   dx[s] = col2im(weightᵀ · dy[s])
 *
 * One image at a time, so that its columns (≤ 1 MB for LeNet's layers, 160 kB)
 * are still in the cache when the product reads them: columns for the whole
 * batch (10 MB for LeNet's first layer) would be written to memory and read
 * back from it, which made the products five times slower. Backward computes
 * an image's columns again rather than keeping them all.
 */
import { backend } from "./backend";
import { outputSize } from "./im2col";
import { emptyFloat64 } from "./tensor";

/** The sizes of one convolution. */
export interface ConvGeometry {
  n: number;
  inChannels: number;
  h: number;
  w: number;
  outChannels: number;
  kh: number;
  kw: number;
  stride: number;
  padding: number;
}

/** Output height and width. */
function convOutputShape(g: ConvGeometry): [number, number] {
  return [outputSize(g.h, g.kh, g.stride, g.padding), outputSize(g.w, g.kw, g.stride, g.padding)];
}

/** Grow-on-demand scratch for one image's columns and its weight gradient (the passes allocate per call otherwise). */
let scratch = new Float64Array(0);
function scratchFor(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(length);
  return scratch;
}

/** y (n × out × oh × ow) = the convolution of x (n × in × h × w) with weight (out × in × kh × kw), plus bias. */
export function conv2dForwardFast(x: Float64Array, weight: Float64Array, bias: Float64Array | null, g: ConvGeometry): Float64Array {
  const k = backend();
  const [oh, ow] = convOutputShape(g);
  const p = oh * ow, rows = g.inChannels * g.kh * g.kw, out = g.outChannels, image = g.inChannels * g.h * g.w;
  const cols = scratchFor(rows * p);
  const y = emptyFloat64(g.n * out * p); // every image's product writes its block whole
  for (let s = 0; s < g.n; s++) {
    k.im2col(x.subarray(s * image, (s + 1) * image), cols, 1, g.inChannels, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
    k.matmul(weight, cols, y.subarray(s * out * p, (s + 1) * out * p), out, rows, p);
  }
  if (bias !== null) k.addChannelBias(y, bias, g.n, out, p);
  return y;
}

/**
 * Adds ∂loss/∂weight into dWeight and ∂loss/∂bias into dBias (when given);
 * returns ∂loss/∂x, or null without inputGrad. x is the forward pass's input.
 */
export function conv2dBackwardFast(
  x: Float64Array, dy: Float64Array, weight: Float64Array, dWeight: Float64Array, dBias: Float64Array | null,
  g: ConvGeometry, inputGrad: boolean,
): Float64Array | null {
  const k = backend();
  const [oh, ow] = convOutputShape(g);
  const p = oh * ow, rows = g.inChannels * g.kh * g.kw, out = g.outChannels, image = g.inChannels * g.h * g.w;
  const buffer = scratchFor(rows * p + out * rows);
  const cols = buffer.subarray(0, rows * p), perImage = buffer.subarray(rows * p, rows * p + out * rows);
  const dx = inputGrad ? emptyFloat64(g.n * image) : null; // col2im zeroes each image's block first
  for (let s = 0; s < g.n; s++) {
    const dys = dy.subarray(s * out * p, (s + 1) * out * p);
    k.im2col(x.subarray(s * image, (s + 1) * image), cols, 1, g.inChannels, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
    k.matmulTransB(dys, cols, perImage, out, p, rows);
    k.axpy(1, perImage, dWeight, out * rows); // ∂weight += dy[s] · cols[s]ᵀ
    if (dx === null) continue;
    k.matmulTransA(weight, dys, cols, rows, out, p); // ∂cols = weightᵀ · dy[s] (in the columns' place)
    k.col2im(cols, dx.subarray(s * image, (s + 1) * image), 1, g.inChannels, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
  }
  if (dBias !== null) {
    const sums = new Float64Array(out);
    k.sumChannels(dy, sums, g.n, out, p);
    k.axpy(1, sums, dBias, out); // ∂bias += Σ dy
  }
  return dx;
}
