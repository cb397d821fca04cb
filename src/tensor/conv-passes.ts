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

/** The output size of a convolution or pooling along one axis: ⌊(size + 2·padding − k) / stride⌋ + 1. */
export function convOutputSize(size: number, k: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - k) / stride) + 1;
}

function fail(fn: string, message: string): never {
  throw new RangeError(`bnlab backend: ${fn}: ${message}`);
}

/** Sizes must be non-negative integers (kernel sizes and strides ≥ 1). */
function checkSizes(fn: string, sizes: Record<string, number>, positive: string[] = []): void {
  for (const [name, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) fail(fn, `${name} must be a non-negative integer, got ${v}`);
    if (v === 0 && positive.includes(name)) fail(fn, `${name} must be at least 1`);
  }
}

/** An array with at least `need` entries. */
function checkLength(fn: string, name: string, a: ArrayLike<number> | null, need: number): void {
  if (a === null) return;
  if (a.length < need) fail(fn, `${name} has ${a.length} entries, its sizes need ${need} (an array is shorter than its sizes say)`);
}

/** The output size, which must be at least 1 (the kernel must fit in the padded input). */
function outputSize(fn: string, size: number, k: number, stride: number, padding: number): number {
  const o = convOutputSize(size, k, stride, padding);
  if (o < 1) fail(fn, `the ${k}-wide window does not fit in an input of ${size} padded by ${padding} on each side`);
  return o;
}

// ---- convolution as a matrix product: im2col and its adjoint col2im ----

/**
 * cols[s][(ci·kh + i)·kw + j][oy·ow + ox] = x[s][ci][oy·stride − padding + i][ox·stride − padding + j],
 * or 0 where that position falls in the padding.
 */
export function im2col(
  x: Float64Array, cols: Float64Array, n: number, c: number, h: number, w: number,
  kh: number, kw: number, stride: number, padding: number,
): void {
  checkSizes("im2col", { n, c, h, w, kh, kw, stride, padding }, ["kh", "kw", "stride"]);
  const oh = outputSize("im2col", h, kh, stride, padding), ow = outputSize("im2col", w, kw, stride, padding);
  const p = oh * ow, rows = c * kh * kw;
  checkLength("im2col", "x", x, n * c * h * w);
  checkLength("im2col", "cols", cols, n * rows * p);
  for (let s = 0; s < n; s++) {
    for (let ci = 0; ci < c; ci++) {
      const plane = (s * c + ci) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const [lo, hi] = insideRange(w, ow, stride, padding, j); // ox in [lo, hi): the column is inside the image
          let o = (s * rows + (ci * kh + i) * kw + j) * p;
          for (let oy = 0; oy < oh; oy++, o += ow) {
            const iy = oy * stride - padding + i;
            if (iy < 0 || iy >= h) {
              for (let ox = 0; ox < ow; ox++) cols[o + ox] = 0;
              continue;
            }
            const from = plane + iy * w - padding + j; // x[from + ox·stride] is column ox's input
            for (let ox = 0; ox < lo; ox++) cols[o + ox] = 0;
            for (let ox = lo; ox < hi; ox++) cols[o + ox] = x[from + ox * stride];
            for (let ox = hi; ox < ow; ox++) cols[o + ox] = 0;
          }
        }
      }
    }
  }
}

/** The output columns ox in [lo, hi) whose input column ox·stride − padding + j lies inside [0, w). */
function insideRange(w: number, ow: number, stride: number, padding: number, j: number): [number, number] {
  const first = padding - j, end = w + padding - j; // first ≤ ox·stride < end
  const lo = Math.min(ow, first <= 0 ? 0 : Math.ceil(first / stride));
  const hi = Math.min(ow, end <= 0 ? 0 : Math.ceil(end / stride));
  return [lo, Math.max(lo, hi)];
}

/**
 * The adjoint of im2col: x = 0, then every column entry is added back onto the
 * input position it was copied from (padding positions are dropped). An input
 * entry's contributions are added in row order ((ci, i, j) ascending).
 */
export function col2im(
  cols: Float64Array, x: Float64Array, n: number, c: number, h: number, w: number,
  kh: number, kw: number, stride: number, padding: number,
): void {
  checkSizes("col2im", { n, c, h, w, kh, kw, stride, padding }, ["kh", "kw", "stride"]);
  const oh = outputSize("col2im", h, kh, stride, padding), ow = outputSize("col2im", w, kw, stride, padding);
  const p = oh * ow, rows = c * kh * kw;
  checkLength("col2im", "cols", cols, n * rows * p);
  checkLength("col2im", "x", x, n * c * h * w);
  x.fill(0, 0, n * c * h * w);
  for (let s = 0; s < n; s++) {
    for (let ci = 0; ci < c; ci++) {
      const plane = (s * c + ci) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const r = (s * rows + (ci * kh + i) * kw + j) * p;
          const [lo, hi] = insideRange(w, ow, stride, padding, j);
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * stride - padding + i;
            if (iy < 0 || iy >= h) continue;
            const to = plane + iy * w - padding + j, from = r + oy * ow; // x[to + ox·stride] += cols[from + ox]
            for (let ox = lo; ox < hi; ox++) x[to + ox * stride] += cols[from + ox];
          }
        }
      }
    }
  }
}

// ---- per-channel passes over [n, c, p] (p = h·w) ----

/** x[s][ch][·] += bias[ch] (a convolution's bias). */
export function addChannelBias(x: Float64Array, bias: Float64Array, n: number, c: number, p: number): void {
  checkSizes("addChannelBias", { n, c, p });
  checkLength("addChannelBias", "x", x, n * c * p);
  checkLength("addChannelBias", "bias", bias, c);
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
  checkLength("sumChannels", "x", x, n * c * p);
  checkLength("sumChannels", "out", out, c);
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
  checkSizes("batchNorm2dStats", { n, c, p });
  checkLength("batchNorm2dStats", "x", x, n * c * p);
  checkLength("batchNorm2dStats", "mean", mean, c);
  checkLength("batchNorm2dStats", "variance", variance, c);
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
  const fn = "batchNorm2dNormalize";
  checkSizes(fn, { n, c, p });
  for (const [name, a, need] of [["x", x, n * c * p], ["mean", mean, c], ["invStd", invStd, c], ["gamma", gamma, c],
    ["beta", beta, c], ["xhat", xhat, n * c * p], ["y", gamma === null ? null : y, n * c * p]] as const) {
    checkLength(fn, name, a, need);
  }
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
  const fn = "batchNorm2dBackward";
  checkSizes(fn, { n, c, p });
  for (const [name, a, need] of [["dy", dy, n * c * p], ["xhat", xhat, n * c * p], ["invStd", invStd, c], ["gamma", gamma, c],
    ["dgamma", dgamma, c], ["dbeta", dbeta, c], ["dx", dx, n * c * p]] as const) {
    checkLength(fn, name, a, need);
  }
  const m = n * p, invM = 1 / m, p4 = p & ~3;
  const sums = laneSums; // [Σ dy·xhat, Σ dy, Σ dxhat, Σ dxhat·xhat] × 4 lanes
  for (let ch = 0; ch < c; ch++) {
    const g = gamma === null ? 1 : gamma[ch];
    sums.fill(0);
    // dx holds dxhat first; the four sums come in the same pass
    for (let s = 0; s < n; s++) {
      const off = (s * c + ch) * p;
      let i = 0;
      for (; i < p4; i += 4) {
        for (let l = 0; l < 4; l++) {
          const e = dy[off + i + l], h = xhat[off + i + l];
          const d = gamma === null ? e : e * g;
          dx[off + i + l] = d;
          sums[l] += e * h;
          sums[4 + l] += e;
          sums[8 + l] += d;
          sums[12 + l] += d * h;
        }
      }
      for (; i < p; i++) {
        const e = dy[off + i], h = xhat[off + i];
        const d = gamma === null ? e : e * g;
        dx[off + i] = d;
        sums[0] += e * h;
        sums[4] += e;
        sums[8] += d;
        sums[12] += d * h;
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
  const oh = outputSize("maxPool2d", h, k, stride, 0), ow = outputSize("maxPool2d", w, k, stride, 0);
  checkLength("maxPool2d", "x", x, n * c * h * w);
  checkLength("maxPool2d", "y", y, n * c * oh * ow);
  checkLength("maxPool2d", "argmax", argmax, n * c * oh * ow);
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
  const oh = outputSize("maxPool2dBackward", h, k, stride, 0), ow = outputSize("maxPool2dBackward", w, k, stride, 0);
  const q = oh * ow, hw = h * w;
  checkLength("maxPool2dBackward", "dy", dy, n * c * q);
  checkLength("maxPool2dBackward", "argmax", argmax, n * c * q);
  checkLength("maxPool2dBackward", "dx", dx, n * c * hw);
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
  checkSizes("relu", { len });
  checkLength("relu", "x", x, len);
  checkLength("relu", "y", y, len);
  for (let i = 0; i < len; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

/** dx = dy where x > 0, else 0. */
export function reluBackward(x: Float64Array, dy: Float64Array, dx: Float64Array, len: number): void {
  checkSizes("reluBackward", { len });
  checkLength("reluBackward", "x", x, len);
  checkLength("reluBackward", "dy", dy, len);
  checkLength("reluBackward", "dx", dx, len);
  for (let i = 0; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
}

/** These passes, as the TypeScript and WebAssembly backends use them. */
export const convPasses = {
  im2col, col2im, addChannelBias, sumChannels, batchNorm2dStats, batchNorm2dNormalize, batchNorm2dBackward,
  maxPool2d, maxPool2dBackward, relu, reluBackward,
} satisfies Partial<Backend>;
