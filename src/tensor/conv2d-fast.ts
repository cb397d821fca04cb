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
 * One image at a time (the backend's conv2d, conv2dWeightGrad and
 * conv2dInputGrad), so that its columns (160 kB for LeNet's layers)
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

/** y (n × out × oh × ow) = the convolution of x (n × in × h × w) with weight (out × in × kh × kw), plus bias. */
export function conv2dForwardFast(x: Float64Array, weight: Float64Array, bias: Float64Array | null, g: ConvGeometry): Float64Array {
  const [oh, ow] = convOutputShape(g);
  const y = emptyFloat64(g.n * g.outChannels * oh * ow); // every image's product writes its block whole
  backend().conv2d(x, weight, bias, y, g.n, g.inChannels, g.h, g.w, g.outChannels, g.kh, g.kw, g.stride, g.padding);
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
  k.conv2dWeightGrad(x, dy, dWeight, dBias, g.n, g.inChannels, g.h, g.w, g.outChannels, g.kh, g.kw, g.stride, g.padding); // ∂weight += Σ dy[s] · cols[s]ᵀ, ∂bias += Σ dy
  if (!inputGrad) return null;
  const dx = emptyFloat64(g.n * g.inChannels * g.h * g.w); // written whole
  k.conv2dInputGrad(weight, dy, dx, g.n, g.inChannels, g.h, g.w, g.outChannels, g.kh, g.kw, g.stride, g.padding); // dx[s] = col2im(weightᵀ · dy[s])
  return dx;
}
