/**
 * The convolutional network's heavy passes over NCHW image batches, in plain
 * TypeScript: the reference (and the implementation for the TypeScript and
 * WebAssembly backends: each is one pass over memory, and copying its operands
 * into WebAssembly memory would cost as much as the pass). The native backend
 * (backends/native/backend.c) computes the same numbers, bit for bit: copies are
 * copies, and every sum is taken in the order written here.
 *
 * Layouts: an image batch x is [n, c, h, w] row-major (PyTorch's NCHW);
 * im2col's columns are [n, c·kh·kw, oh·ow] (one matrix per image, row
 * (ci, i, j) = (ci·kh + i)·kw + j, column (oy, ox) = oy·ow + ox), so that a
 * convolution of image s is weight[out, c·kh·kw] · cols[s].
 *
 * Sums over a channel (n images of p = h·w numbers each) keep four partial
 * sums, one per position mod 4 (the lanes of a 256-bit vector), the last
 * p mod 4 numbers of each image going to the first; the result is
 * (s0 + s1) + (s2 + s3).
 *
 * Every function checks its sizes and arrays' lengths first and throws a
 * RangeError naming itself (nothing is written then).
 */
import type { Backend } from "./backend";
import { checkArray, checkBatchNormBackward, checkBatchNormNormalize, checkBatchNormStats, checkElementwise, checkSizes, fail } from "./backend-args";
import { checkOutputSize, col2im, im2col } from "./im2col";

// im2col and col2im are the readable ones of im2col.ts.

// ---- a convolution over a batch, one image at a time (see conv2d-fast.ts) ----

/** Grow-on-demand scratch for one image's columns, its weight gradient and the bias sums (the passes allocate per call otherwise). */
let columns = new Float64Array(0);
function columnScratch(length: number): Float64Array {
  if (columns.length < length) columns = new Float64Array(length);
  return columns;
}

/** A convolution's sizes, checked for `fn` (the window must fit in the padded image): [oh·ow, c·kh·kw]. */
function checkConvSizes(
  fn: string, n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
): [number, number] {
  checkSizes(fn, { n, c, h, w, out, kh, kw, stride, padding }, ["kh", "kw", "stride"]);
  return [checkOutputSize(fn, h, kh, stride, padding) * checkOutputSize(fn, w, kw, stride, padding), c * kh * kw];
}

/** conv2d's arguments, checked as every backend does before writing anything; [oh·ow, c·kh·kw]. */
export function checkConv2d(
  x: Float64Array, weight: Float64Array, bias: Float64Array | null, y: Float64Array,
  n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
): [number, number] {
  const [p, rows] = checkConvSizes("conv2d", n, c, h, w, out, kh, kw, stride, padding);
  checkArray("conv2d", "x", x, n * c * h * w);
  checkArray("conv2d", "weight", weight, out * rows);
  checkArray("conv2d", "bias", bias, out, true);
  checkArray("conv2d", "y", y, n * out * p);
  return [p, rows];
}

/** conv2dWeightGrad's arguments, likewise. */
export function checkConv2dWeightGrad(
  x: Float64Array, dy: Float64Array, dWeight: Float64Array, dBias: Float64Array | null,
  n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
): [number, number] {
  const [p, rows] = checkConvSizes("conv2dWeightGrad", n, c, h, w, out, kh, kw, stride, padding);
  checkArray("conv2dWeightGrad", "x", x, n * c * h * w);
  checkArray("conv2dWeightGrad", "dy", dy, n * out * p);
  checkArray("conv2dWeightGrad", "dWeight", dWeight, out * rows);
  checkArray("conv2dWeightGrad", "dBias", dBias, out, true);
  return [p, rows];
}

/** conv2dInputGrad's arguments, likewise. */
export function checkConv2dInputGrad(
  weight: Float64Array, dy: Float64Array, dx: Float64Array,
  n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
): [number, number] {
  const [p, rows] = checkConvSizes("conv2dInputGrad", n, c, h, w, out, kh, kw, stride, padding);
  checkArray("conv2dInputGrad", "weight", weight, out * rows);
  checkArray("conv2dInputGrad", "dy", dy, n * out * p);
  checkArray("conv2dInputGrad", "dx", dx, n * c * h * w);
  return [p, rows];
}

/** y[s] = weight · im2col(x[s]) for every image s, then the bias per channel: this backend's im2col, matmul and addChannelBias. */
function conv2d(
  this: Backend, x: Float64Array, weight: Float64Array, bias: Float64Array | null, y: Float64Array,
  n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
): void {
  const [p, rows] = checkConv2d(x, weight, bias, y, n, c, h, w, out, kh, kw, stride, padding);
  const cols = columnScratch(rows * p), image = c * h * w;
  for (let s = 0; s < n; s++) {
    this.im2col(x.subarray(s * image, (s + 1) * image), cols, 1, c, h, w, kh, kw, stride, padding);
    this.matmul(weight, cols, y.subarray(s * out * p, (s + 1) * out * p), out, rows, p);
  }
  if (bias !== null) this.addChannelBias(y, bias, n, out, p);
}

/**
 * dWeight += dy[s] · im2col(x[s])ᵀ for s = 0, 1, …: this backend's im2col, matmulTransB and axpy;
 * then dBias += Σ dy per channel (sumChannels), when dBias is given.
 */
function conv2dWeightGrad(
  this: Backend, x: Float64Array, dy: Float64Array, dWeight: Float64Array, dBias: Float64Array | null,
  n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
): void {
  const [p, rows] = checkConv2dWeightGrad(x, dy, dWeight, dBias, n, c, h, w, out, kh, kw, stride, padding);
  const buffer = columnScratch(rows * p + out * rows + out), image = c * h * w;
  const cols = buffer.subarray(0, rows * p), perImage = buffer.subarray(rows * p, rows * p + out * rows);
  for (let s = 0; s < n; s++) {
    this.im2col(x.subarray(s * image, (s + 1) * image), cols, 1, c, h, w, kh, kw, stride, padding);
    this.matmulTransB(dy.subarray(s * out * p, (s + 1) * out * p), cols, perImage, out, p, rows);
    this.axpy(1, perImage, dWeight, out * rows);
  }
  if (dBias === null) return;
  const sums = buffer.subarray(rows * p + out * rows, rows * p + out * rows + out);
  this.sumChannels(dy, sums, n, out, p);
  this.axpy(1, sums, dBias, out);
}

/** dx[s] = col2im(weightᵀ · dy[s]) for every image s: this backend's matmulTransA and col2im. */
function conv2dInputGrad(
  this: Backend, weight: Float64Array, dy: Float64Array, dx: Float64Array,
  n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
): void {
  const [p, rows] = checkConv2dInputGrad(weight, dy, dx, n, c, h, w, out, kh, kw, stride, padding);
  const dcols = columnScratch(rows * p), image = c * h * w;
  for (let s = 0; s < n; s++) {
    this.matmulTransA(weight, dy.subarray(s * out * p, (s + 1) * out * p), dcols, rows, out, p);
    this.col2im(dcols, dx.subarray(s * image, (s + 1) * image), 1, c, h, w, kh, kw, stride, padding);
  }
}

// ---- per-channel passes over [n, c, p] (p = h·w) ----

/** x[s][ch][·] += bias[ch] (a convolution's bias). */
export function addChannelBias(x: Float64Array, bias: Float64Array, n: number, c: number, p: number): void {
  checkSizes("addChannelBias", { n, c, p });
  checkArray("addChannelBias", "x", x, n * c * p);
  checkArray("addChannelBias", "bias", bias, c);
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      const off = (s * c + ch) * p, b = bias[ch];
      for (let i = 0; i < p; i++) x[off + i] += b;
    }
  }
}

/** out[ch] = Σ over s and the p positions of x[s][ch][·], in the four-lane order (a convolution's bias gradient). */
export function sumChannels(x: Float64Array, out: Float64Array, n: number, c: number, p: number): void {
  checkSizes("sumChannels", { n, c, p });
  checkArray("sumChannels", "x", x, n * c * p);
  checkArray("sumChannels", "out", out, c);
  for (let ch = 0; ch < c; ch++) out[ch] = channelSum(x, n, c, p, ch);
}

/** Σ of channel ch's n·p numbers: four partial sums by position mod 4, the tails into the first. */
function channelSum(x: Float64Array, n: number, c: number, p: number, ch: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const p4 = p & ~3;
  for (let s = 0; s < n; s++) {
    const off = (s * c + ch) * p;
    let i = 0;
    for (; i < p4; i += 4) {
      s0 += x[off + i];
      s1 += x[off + i + 1];
      s2 += x[off + i + 2];
      s3 += x[off + i + 3];
    }
    for (; i < p; i++) s0 += x[off + i];
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * BatchNorm2d's statistics: per channel, mean = (1/m)·Σ x and the biased
 * variance = (1/m)·Σ (x − mean)² over its m = n·p numbers (four-lane order).
 */
export function batchNorm2dStats(x: Float64Array, mean: Float64Array, variance: Float64Array, n: number, c: number, p: number): void {
  checkBatchNormStats("batchNorm2dStats", x, mean, variance, n, c, p);
  const invM = 1 / (n * p);
  const p4 = p & ~3;
  for (let ch = 0; ch < c; ch++) {
    const mu = channelSum(x, n, c, p, ch) * invM;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let s = 0; s < n; s++) {
      const off = (s * c + ch) * p;
      let i = 0;
      for (; i < p4; i += 4) {
        const d0 = x[off + i] - mu, d1 = x[off + i + 1] - mu, d2 = x[off + i + 2] - mu, d3 = x[off + i + 3] - mu;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      for (; i < p; i++) {
        const d = x[off + i] - mu;
        s0 += d * d;
      }
    }
    mean[ch] = mu;
    variance[ch] = (s0 + s1 + (s2 + s3)) * invM;
  }
}

/**
 * xhat = (x − mean[ch])·invStd[ch], and y = xhat·gamma[ch] + beta[ch] when
 * gamma is given (beta null reads as 0; y is not written when gamma is null).
 */
export function batchNorm2dNormalize(
  x: Float64Array, mean: Float64Array, invStd: Float64Array, gamma: Float64Array | null, beta: Float64Array | null,
  xhat: Float64Array, y: Float64Array, n: number, c: number, p: number,
): void {
  checkBatchNormNormalize("batchNorm2dNormalize", x, mean, invStd, gamma, beta, xhat, y, n, c, p);
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      const off = (s * c + ch) * p, mu = mean[ch], is = invStd[ch];
      for (let i = 0; i < p; i++) xhat[off + i] = (x[off + i] - mu) * is;
      if (gamma === null) continue;
      const g = gamma[ch], b = beta === null ? 0 : beta[ch];
      for (let i = 0; i < p; i++) y[off + i] = xhat[off + i] * g + b;
    }
  }
}

/**
 * BatchNorm2d's backward pass, per channel over its m = n·p numbers (sums in
 * the four-lane order). When gamma is given: dgamma += Σ dy·xhat,
 * dbeta += Σ dy, dxhat = dy·gamma (else dxhat = dy). Then with batch statistics
 * dx = (m·dxhat − Σ dxhat − xhat·Σ dxhat·xhat)·(invStd·(1/m)); without them
 * (eval mode) dx = dxhat·invStd.
 */
export function batchNorm2dBackward(
  dy: Float64Array, xhat: Float64Array, invStd: Float64Array, gamma: Float64Array | null,
  dgamma: Float64Array | null, dbeta: Float64Array | null, dx: Float64Array, n: number, c: number, p: number, batchStats: boolean,
): void {
  checkBatchNormBackward("batchNorm2dBackward", dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c, p);
  const m = n * p, invM = 1 / m, p4 = p & ~3;
  const sums = laneSums; // [Σ dy·xhat, Σ dy, Σ dxhat, Σ dxhat·xhat] × 4 lanes
  for (let ch = 0; ch < c; ch++) {
    const g = gamma === null ? 1 : gamma[ch];
    sums.fill(0);
    // dx holds dxhat first; the four sums come in the same pass
    for (let s = 0; s < n; s++) {
      const off = (s * c + ch) * p;
      for (let i = 0; i < p; i++) {
        const l = i < p4 ? i & 3 : 0; // the lane; the last p mod 4 numbers go to the first
        const e = dy[off + i], h = xhat[off + i];
        const d = gamma === null ? e : e * g;
        dx[off + i] = d;
        sums[l] += e * h;
        sums[4 + l] += e;
        sums[8 + l] += d;
        sums[12 + l] += d * h;
      }
    }
    const total = (q: number) => sums[q] + sums[q + 1] + (sums[q + 2] + sums[q + 3]);
    if (gamma !== null) {
      if (dgamma !== null) dgamma[ch] += total(0);
      if (dbeta !== null) dbeta[ch] += total(4);
    }
    const is = invStd[ch];
    if (!batchStats) {
      for (let s = 0; s < n; s++) {
        const off = (s * c + ch) * p;
        for (let i = 0; i < p; i++) dx[off + i] *= is;
      }
      continue;
    }
    const sumDxhat = total(8), sumDxhatXhat = total(12), scale = is * invM;
    for (let s = 0; s < n; s++) {
      const off = (s * c + ch) * p;
      for (let i = 0; i < p; i++) dx[off + i] = (m * dx[off + i] - sumDxhat - xhat[off + i] * sumDxhatXhat) * scale;
    }
  }
}

/** batchNorm2dBackward's partial sums (the passes allocate nothing per call). */
const laneSums = new Float64Array(16);

// ---- max pooling ----

/**
 * y[s][ch][oy][ox] = the largest x in the k×k window at (oy·stride, ox·stride),
 * argmax = its position iy·w + ix in the image plane: the first largest, as
 * PyTorch (a NaN wins, and a later NaN wins over an earlier one).
 */
export function maxPool2d(
  x: Float64Array, y: Float64Array, argmax: Int32Array, n: number, c: number, h: number, w: number, k: number, stride: number,
): void {
  checkSizes("maxPool2d", { n, c, h, w, k, stride }, ["k", "stride"]);
  const oh = checkOutputSize("maxPool2d", h, k, stride, 0), ow = checkOutputSize("maxPool2d", w, k, stride, 0);
  checkArray("maxPool2d", "x", x, n * c * h * w);
  checkArray("maxPool2d", "y", y, n * c * oh * ow);
  checkArray("maxPool2d", "argmax", argmax, n * c * oh * ow, false, Int32Array);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const y0 = oy * stride, x0 = ox * stride;
        let best = -Infinity, at = y0 * w + x0;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const idx = (y0 + i) * w + x0 + j, v = x[base + idx];
            if (v > best || v !== v) {
              best = v;
              at = idx;
            }
          }
        }
        y[o] = best;
        argmax[o++] = at;
      }
    }
  }
}

/**
 * The backward pass of max pooling: dx = 0, then each dy is added to the input
 * position its window's argmax names (in output order, where windows overlap).
 */
export function maxPool2dBackward(
  dy: Float64Array, argmax: Int32Array, dx: Float64Array, n: number, c: number, h: number, w: number, k: number, stride: number,
): void {
  checkSizes("maxPool2dBackward", { n, c, h, w, k, stride }, ["k", "stride"]);
  const oh = checkOutputSize("maxPool2dBackward", h, k, stride, 0), ow = checkOutputSize("maxPool2dBackward", w, k, stride, 0);
  const q = oh * ow, hw = h * w;
  checkArray("maxPool2dBackward", "dy", dy, n * c * q);
  checkArray("maxPool2dBackward", "argmax", argmax, n * c * q, false, Int32Array);
  checkArray("maxPool2dBackward", "dx", dx, n * c * hw);
  for (let o = 0; o < n * c * q; o++) {
    const at = argmax[o];
    if (!(at >= 0 && at < hw)) fail("maxPool2dBackward", `argmax[${o}] = ${at} is not a position in a ${h}×${w} image`);
  }
  dx.fill(0, 0, n * c * hw);
  for (let plane = 0, o = 0; plane < n * c; plane++) {
    const base = plane * hw;
    for (let e = 0; e < q; e++, o++) dx[base + argmax[o]] += dy[o];
  }
}

// ---- ReLU ----

/** y = x where x > 0, else 0 (NaN gives 0, as ReLU's reference code). */
export function relu(x: Float64Array, y: Float64Array, len: number): void {
  checkElementwise("relu", len, { x, y });
  for (let i = 0; i < len; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

/** dx = dy where x > 0, else 0. */
export function reluBackward(x: Float64Array, dy: Float64Array, dx: Float64Array, len: number): void {
  checkElementwise("reluBackward", len, { x, dy, dx });
  for (let i = 0; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
}

/** These passes, as the TypeScript and WebAssembly backends use them. */
export const convPasses = {
  im2col, col2im, conv2d, conv2dWeightGrad, conv2dInputGrad, addChannelBias, sumChannels, batchNorm2dStats, batchNorm2dNormalize, batchNorm2dBackward,
  maxPool2d, maxPool2dBackward, relu, reluBackward,
} satisfies Partial<Backend>;
