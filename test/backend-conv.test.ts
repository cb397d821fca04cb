/**
 * The convolutional passes of the backend (src/tensor/conv-passes.ts):
 * - the TypeScript reference computes what each pass means (checked against
 *   plain definitions: a direct convolution, the adjoint identity, per-channel
 *   statistics, the first maximum of a window);
 * - the native backend gives the reference's results bit for bit, on edge
 *   geometries (k = 1, stride > k, padding ≥ k, 1×1 images, odd sizes) and
 *   special values (±0, ±∞, NaN, subnormals); the WebAssembly backend uses the
 *   reference itself;
 * - every backend throws a RangeError naming the pass for arrays shorter than
 *   their sizes and for windows that do not fit, before writing anything.
 */
import { describe, expect, it } from "vitest";
import { jsBackend, Backend } from "../src/tensor/backend";
import { loadNativeBackend } from "../src/tensor/backend-native";
import { loadWasmBackend } from "../src/tensor/backend-wasm";
import * as conv from "../src/tensor/conv-passes";
import { col2im, outputSize, im2col } from "../src/tensor/im2col";
import { Rng } from "../src/random/rng";
import { nativeExpectedHere } from "./helpers/native";

const native = loadNativeBackend();
const wasm = loadWasmBackend();
const expected = nativeExpectedHere();
const onNative = it.runIf(expected);
const rng = new Rng("kernel-conv-test");

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e308, -1e308, 2.2250738585072014e-308];

function random(n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.uniform(-1, 1);
  return a;
}

/** Random numbers with special values sprinkled in (every 7th entry). */
function withSpecials(n: number): Float64Array {
  const a = random(n, 3);
  for (let i = 3; i < n; i += 7) a[i] = SPECIAL[(i / 7) % SPECIAL.length | 0];
  return a;
}

function expectIdentical(actual: Float64Array | Int32Array, wanted: Float64Array | Int32Array, what: string): void {
  expect(actual.length, what).toBe(wanted.length);
  const i = actual.findIndex((v, k) => !Object.is(v, wanted[k]));
  expect(i === -1 ? "identical" : `${what}: entry ${i} is ${actual[i]}, the reference gives ${wanted[i]}`).toBe("identical");
}

function expectClose(actual: Float64Array, wanted: Float64Array, what: string, tol = 1e-12): void {
  expect(actual.length, what).toBe(wanted.length);
  let worst = 0;
  for (let i = 0; i < wanted.length; i++) worst = Math.max(worst, Math.abs(actual[i] - wanted[i]) / (1 + Math.abs(wanted[i])));
  expect(worst, what).toBeLessThanOrEqual(tol);
}

interface Geometry {
  n: number; c: number; h: number; w: number; kh: number; kw: number; stride: number; padding: number;
}

/** Edge geometries: k = 1, stride > k, padding ≥ k, 1×1 images, odd sizes; and LeNet's two convolutions. */
const GEOMETRIES: Geometry[] = [];
for (const [h, w] of [[1, 1], [2, 3], [5, 7], [8, 8], [9, 4]]) {
  for (const [kh, kw] of [[1, 1], [2, 2], [3, 3], [3, 2], [5, 5]]) {
    for (const stride of [1, 2, 3, 6]) {
      for (const padding of [0, 1, 2, 5]) {
        if (outputSize(h, kh, stride, padding) < 1 || outputSize(w, kw, stride, padding) < 1) continue;
        GEOMETRIES.push({ n: 2, c: (h + kh + stride) % 3 === 0 ? 1 : 3, h, w, kh, kw, stride, padding });
      }
    }
  }
}
const LENET: Geometry[] = [
  { n: 64, c: 1, h: 28, w: 28, kh: 5, kw: 5, stride: 1, padding: 2 },
  { n: 64, c: 6, h: 14, w: 14, kh: 5, kw: 5, stride: 1, padding: 0 },
];

function colsLength(g: Geometry): number {
  return g.n * g.c * g.kh * g.kw * outputSize(g.h, g.kh, g.stride, g.padding) * outputSize(g.w, g.kw, g.stride, g.padding);
}

/** The definition: y[s][o][oy][ox] = Σ over ci, i, j of weight[o][ci][i][j] · x[s][ci][oy·stride − padding + i][ox·stride − padding + j]. */
function directConvolution(x: Float64Array, weight: Float64Array, out: number, g: Geometry): Float64Array {
  const oh = outputSize(g.h, g.kh, g.stride, g.padding), ow = outputSize(g.w, g.kw, g.stride, g.padding);
  const y = new Float64Array(g.n * out * oh * ow);
  for (let s = 0; s < g.n; s++)
    for (let o = 0; o < out; o++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let sum = 0;
          for (let ci = 0; ci < g.c; ci++)
            for (let i = 0; i < g.kh; i++)
              for (let j = 0; j < g.kw; j++) {
                const iy = oy * g.stride - g.padding + i, ix = ox * g.stride - g.padding + j;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                sum += weight[((o * g.c + ci) * g.kh + i) * g.kw + j] * x[((s * g.c + ci) * g.h + iy) * g.w + ix];
              }
          y[((s * out + o) * oh + oy) * ow + ox] = sum;
        }
  return y;
}

describe("the convolutional passes: the TypeScript reference means what it says", () => {
  it("im2col, then weight · cols per image, is the direct convolution (every edge geometry)", () => {
    for (const g of [...GEOMETRIES, LENET[1]]) {
      const x = random(g.n * g.c * g.h * g.w);
      const out = 4, rows = g.c * g.kh * g.kw;
      const p = outputSize(g.h, g.kh, g.stride, g.padding) * outputSize(g.w, g.kw, g.stride, g.padding);
      const weight = random(out * rows);
      const cols = new Float64Array(colsLength(g)).fill(NaN); // written whole
      im2col(x, cols, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      const y = new Float64Array(g.n * out * p);
      for (let s = 0; s < g.n; s++) {
        jsBackend.matmul(weight, cols.subarray(s * rows * p), y.subarray(s * out * p), out, rows, p);
      }
      expectClose(y, directConvolution(x, weight, out, g), `${JSON.stringify(g)}`);
    }
  });

  it("col2im is im2col's adjoint: ⟨im2col(x), g⟩ = ⟨x, col2im(g)⟩, and sums integers exactly", () => {
    for (const g of GEOMETRIES) {
      const x = random(g.n * g.c * g.h * g.w), gc = random(colsLength(g));
      const cols = new Float64Array(colsLength(g)), back = new Float64Array(x.length).fill(NaN);
      im2col(x, cols, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      col2im(gc, back, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      const left = cols.reduce((s, v, i) => s + v * gc[i], 0), right = x.reduce((s, v, i) => s + v * back[i], 0);
      expect(Math.abs(left - right), JSON.stringify(g)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(left)));
      // all ones: each input entry receives one 1 per window that covers it
      const ones = new Float64Array(colsLength(g)).fill(1), counts = new Float64Array(x.length);
      col2im(ones, counts, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      const covered = new Float64Array(x.length);
      im2col(Float64Array.from(x, (_, i) => i + 1), cols, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      for (const v of cols) if (v > 0) covered[v - 1]++;
      expectIdentical(counts, covered, `coverage ${JSON.stringify(g)}`);
    }
  });

  it("BatchNorm2d's passes are BatchNorm1d's on the (n·h·w)×c reshape (CS231n's spatial batch norm), to 1e-12", () => {
    for (const [n, c, p] of [[1, 1, 1], [2, 3, 5], [4, 6, 16], [3, 2, 7], [8, 16, 25]]) {
      const x = random(n * c * p, 3);
      const rows = new Float64Array(n * c * p); // (s, position) × channel
      for (let s = 0; s < n; s++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < p; i++) rows[(s * p + i) * c + ch] = x[(s * c + ch) * p + i];
      const toNchw = (r: Float64Array) => {
        const out = new Float64Array(r.length);
        for (let s = 0; s < n; s++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < p; i++) out[(s * c + ch) * p + i] = r[(s * p + i) * c + ch];
        return out;
      };
      const [mean, variance, mean1, variance1] = [0, 1, 2, 3].map(() => new Float64Array(c));
      conv.batchNorm2dStats(x, mean, variance, n, c, p);
      jsBackend.batchNormStats(rows, mean1, variance1, n * p, c);
      expectClose(mean, mean1, "mean");
      expectClose(variance, variance1, "variance");
      const invStd = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
      for (const affine of [true, false]) {
        for (const batchStats of [true, false]) {
          const gamma = affine ? random(c) : null, beta = affine ? random(c) : null;
          const [xhat, y, xhat1, y1] = [0, 1, 2, 3].map(() => new Float64Array(n * c * p));
          conv.batchNorm2dNormalize(x, mean, invStd, gamma, beta, xhat, y, n, c, p);
          jsBackend.batchNormNormalize(rows, mean, invStd, gamma, beta, xhat1, y1, n * p, c);
          expectClose(xhat, toNchw(xhat1), "xhat");
          if (affine) expectClose(y, toNchw(y1), "y");
          const dy = random(n * c * p);
          const dyRows = new Float64Array(dy.length);
          for (let s = 0; s < n; s++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < p; i++) dyRows[(s * p + i) * c + ch] = dy[(s * c + ch) * p + i];
          const dgamma = affine ? random(c) : null, dbeta = affine ? random(c) : null;
          const dgamma1 = dgamma && new Float64Array(dgamma), dbeta1 = dbeta && new Float64Array(dbeta);
          const dx = new Float64Array(n * c * p), dx1 = new Float64Array(n * c * p);
          conv.batchNorm2dBackward(dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c, p, batchStats);
          jsBackend.batchNormBackward(dyRows, xhat1, invStd, gamma, dgamma1, dbeta1, dx1, n * p, c, batchStats);
          expectClose(dx, toNchw(dx1), `dx ${n}×${c}×${p}`);
          if (affine) {
            expectClose(dgamma!, dgamma1!, "dgamma");
            expectClose(dbeta!, dbeta1!, "dbeta");
          }
        }
      }
    }
  });

  it("addChannelBias and sumChannels: a bias per channel, and its gradient", () => {
    const [n, c, p] = [3, 4, 5];
    const x = random(n * c * p), bias = random(c), y = new Float64Array(x), sums = new Float64Array(c);
    conv.addChannelBias(y, bias, n, c, p);
    conv.sumChannels(x, sums, n, c, p);
    for (let s = 0; s < n; s++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < p; i++) {
      const e = (s * c + ch) * p + i;
      expect(y[e]).toBe(x[e] + bias[ch]);
    }
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let k = 0; k < n; k++) for (let i = 0; i < p; i++) s += x[(k * c + ch) * p + i];
      expect(sums[ch]).toBeCloseTo(s, 12);
    }
  });

  it("maxPool2d takes each window's first maximum, as PyTorch (ties, −∞ everywhere, NaN wins); its backward routes dy there", () => {
    // one 1×1×3×4 image, 2×2 windows with stride 2 (and overlapping ones with stride 1)
    const x = Float64Array.from([1, 5, 5, 2, 5, 0, -Infinity, -Infinity, 7, NaN, 3, 3, 2, 1, 3, 9]);
    const y = new Float64Array(4), at = new Int32Array(4);
    conv.maxPool2d(x, y, at, 1, 1, 4, 4, 2, 2);
    expect(Array.from(y)).toEqual([5, 5, NaN, 9]);
    expect(Array.from(at)).toEqual([1, 2, 9, 15]);
    const allInf = new Float64Array(4).fill(-Infinity), y1 = new Float64Array(1), at1 = new Int32Array(1);
    conv.maxPool2d(allInf, y1, at1, 1, 1, 2, 2, 2, 2);
    expect([y1[0], at1[0]]).toEqual([-Infinity, 0]);
    const twoNaN = Float64Array.from([NaN, 1, NaN, 2]);
    conv.maxPool2d(twoNaN, y1, at1, 1, 1, 2, 2, 2, 2);
    expect(at1[0]).toBe(2);
    // overlapping windows (stride 1): the gradient adds up where one input is the maximum of several windows
    const img = Float64Array.from([0, 0, 0, 0, 9, 0, 0, 0, 0]), y2 = new Float64Array(4), at2 = new Int32Array(4);
    conv.maxPool2d(img, y2, at2, 1, 1, 3, 3, 2, 1);
    const dx = new Float64Array(9).fill(NaN);
    conv.maxPool2dBackward(Float64Array.from([1, 2, 3, 4]), at2, dx, 1, 1, 3, 3, 2, 1);
    expect(Array.from(dx)).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0]);
  });

  it("relu and reluBackward: x > 0 passes (NaN and −0 give 0)", () => {
    const x = Float64Array.from([-1, 0, -0, 2, NaN, Infinity, -Infinity, 5e-324]);
    const y = new Float64Array(8), dx = new Float64Array(8);
    conv.relu(x, y, 8);
    conv.reluBackward(x, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), dx, 8);
    expect(Array.from(y)).toEqual([0, 0, 0, 2, 0, Infinity, 0, 5e-324]);
    expect(Object.is(y[2], 0)).toBe(true);
    expect(Array.from(dx)).toEqual([0, 0, 0, 4, 0, 6, 0, 8]);
  });
});

describe("the convolutional passes: the native backend gives the reference's results bit for bit", () => {
  it("the WebAssembly and TypeScript backends use the reference passes themselves", () => {
    for (const k of [jsBackend, wasm!]) {
      expect(k.im2col).toBe(im2col);
      expect(k.conv2dInputGrad).toBe(conv.convPasses.conv2dInputGrad);
      expect(k.batchNorm2dBackward).toBe(conv.batchNorm2dBackward);
      expect(k.maxPool2d).toBe(conv.maxPool2d);
    }
  });

  onNative("im2col and col2im on every edge geometry and LeNet's, special values included", () => {
    for (const g of [...GEOMETRIES, ...LENET]) {
      const x = withSpecials(g.n * g.c * g.h * g.w);
      const colsN = random(colsLength(g)), colsR = random(colsLength(g));
      native!.im2col(x, colsN, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      im2col(x, colsR, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      expectIdentical(colsN, colsR, `im2col ${JSON.stringify(g)}`);
      const gc = withSpecials(colsLength(g));
      const xN = random(x.length), xR = random(x.length);
      native!.col2im(gc, xN, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      col2im(gc, xR, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      expectIdentical(xN, xR, `col2im ${JSON.stringify(g)}`);
      const finite = random(colsLength(g), 5); // sums of finite numbers: rounding order matters here
      native!.col2im(finite, xN, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      col2im(finite, xR, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding);
      expectIdentical(xN, xR, `col2im (finite) ${JSON.stringify(g)}`);
    }
  });

  onNative("conv2dInputGrad and conv2dWeightGrad (with its bias gradient): the WebAssembly backend's numbers, special values included", () => {
    for (const g of [...GEOMETRIES, ...LENET]) {
      const out = 5, rows = g.c * g.kh * g.kw;
      const p = outputSize(g.h, g.kh, g.stride, g.padding) * outputSize(g.w, g.kw, g.stride, g.padding);
      const sizes = [g.n, g.c, g.h, g.w, out, g.kh, g.kw, g.stride, g.padding] as const;
      for (const [x, weight, dy] of [[random(g.n * g.c * g.h * g.w), random(out * rows), random(g.n * out * p)],
        [withSpecials(g.n * g.c * g.h * g.w), withSpecials(out * rows), withSpecials(g.n * out * p)]]) {
        const dxN = random(x.length), dxW = random(x.length); // written whole
        native!.conv2dInputGrad(weight, dy, dxN, ...sizes);
        wasm!.conv2dInputGrad(weight, dy, dxW, ...sizes);
        expectIdentical(dxN, dxW, `conv2dInputGrad ${JSON.stringify(g)}`);
        const dWN = random(weight.length), dWW = new Float64Array(dWN), dBN = random(out), dBW = new Float64Array(dBN);
        native!.conv2dWeightGrad(x, dy, dWN, dBN, ...sizes);
        wasm!.conv2dWeightGrad(x, dy, dWW, dBW, ...sizes);
        expectIdentical(dWN, dWW, `conv2dWeightGrad ${JSON.stringify(g)}`);
        expectIdentical(dBN, dBW, `conv2dWeightGrad's dBias ${JSON.stringify(g)}`);
      }
    }
  });

  const CHANNEL_SHAPES: Array<[number, number, number]> = [
    [1, 1, 1], [1, 1, 3], [2, 3, 4], [2, 3, 5], [3, 2, 7], [1, 5, 1], [4, 6, 9], [64, 6, 784], [64, 16, 100], [5, 3, 0], [0, 3, 4],
  ];

  onNative("BatchNorm2d's stats, normalize and backward (affine or not, batch or running statistics), bias and its gradient", () => {
    for (const [n, c, p] of CHANNEL_SHAPES) {
      for (const x of [random(n * c * p, 3), withSpecials(n * c * p)]) {
        const [meanN, varN, meanR, varR] = [0, 1, 2, 3].map(() => new Float64Array(c));
        native!.batchNorm2dStats(x, meanN, varN, n, c, p);
        conv.batchNorm2dStats(x, meanR, varR, n, c, p);
        expectIdentical(meanN, meanR, `mean ${n}×${c}×${p}`);
        expectIdentical(varN, varR, `variance ${n}×${c}×${p}`);
        const invStd = varR.map((v) => 1 / Math.sqrt(v + 1e-5));
        for (const affine of [true, false]) {
          for (const betaGiven of [true, false]) {
            for (const batchStats of [true, false]) {
              const gamma = affine ? random(c) : null, beta = affine && betaGiven ? random(c) : null;
              const [xhatN, yN, xhatR, yR] = [0, 1, 2, 3].map(() => new Float64Array(n * c * p));
              native!.batchNorm2dNormalize(x, meanR, invStd, gamma, beta, xhatN, yN, n, c, p);
              conv.batchNorm2dNormalize(x, meanR, invStd, gamma, beta, xhatR, yR, n, c, p);
              expectIdentical(xhatN, xhatR, "xhat");
              expectIdentical(yN, yR, "y");
              const dy = withSpecials(n * c * p).map((v, i) => (i % 3 === 0 ? v : rng.uniform(-1, 1)));
              const h = random(n * c * p, 2);
              const dgammaN = affine ? random(c) : null, dbetaN = affine ? random(c) : null;
              const dgammaR = dgammaN && new Float64Array(dgammaN), dbetaR = dbetaN && new Float64Array(dbetaN);
              const dxN = new Float64Array(n * c * p), dxR = new Float64Array(n * c * p);
              for (const d of [random(n * c * p), dy]) {
                native!.batchNorm2dBackward(d, h, invStd, gamma, dgammaN, dbetaN, dxN, n, c, p, batchStats);
                conv.batchNorm2dBackward(d, h, invStd, gamma, dgammaR, dbetaR, dxR, n, c, p, batchStats);
                expectIdentical(dxN, dxR, `dx ${n}×${c}×${p}`);
                if (affine) {
                  expectIdentical(dgammaN!, dgammaR!, "dgamma");
                  expectIdentical(dbetaN!, dbetaR!, "dbeta");
                }
              }
            }
          }
        }
        const bias = random(c), yN = new Float64Array(x), yR = new Float64Array(x);
        native!.addChannelBias(yN, bias, n, c, p);
        conv.addChannelBias(yR, bias, n, c, p);
        expectIdentical(yN, yR, `addChannelBias ${n}×${c}×${p}`);
        const sN = random(c), sR = random(c);
        native!.sumChannels(x, sN, n, c, p);
        conv.sumChannels(x, sR, n, c, p);
        expectIdentical(sN, sR, `sumChannels ${n}×${c}×${p}`);
      }
    }
  });

  onNative("maxPool2d and its backward: windows of 1 to 3, strides 1 to 4 (overlapping, exact, skipping), ties and NaN", () => {
    for (const [h, w] of [[1, 1], [2, 2], [3, 5], [7, 7], [28, 28], [10, 9]]) {
      for (const k of [1, 2, 3]) {
        for (const stride of [1, 2, 3, 4]) {
          if (k > h || k > w) continue;
          const [n, c] = [2, 3];
          const oh = outputSize(h, k, stride, 0), ow = outputSize(w, k, stride, 0);
          // small integers make ties common; specials make NaN and ±∞ windows
          const x = withSpecials(n * c * h * w).map((v, i) => (i % 7 === 3 ? v : Math.floor(rng.uniform(0, 4))));
          const yN = new Float64Array(n * c * oh * ow), yR = new Float64Array(yN.length);
          const atN = new Int32Array(yN.length), atR = new Int32Array(yN.length);
          native!.maxPool2d(x, yN, atN, n, c, h, w, k, stride);
          conv.maxPool2d(x, yR, atR, n, c, h, w, k, stride);
          expectIdentical(yN, yR, `maxPool2d y ${h}×${w} k${k} s${stride}`);
          expectIdentical(atN, atR, `maxPool2d argmax ${h}×${w} k${k} s${stride}`);
          const dy = random(yN.length), dxN = random(x.length), dxR = random(x.length);
          native!.maxPool2dBackward(dy, atR, dxN, n, c, h, w, k, stride);
          conv.maxPool2dBackward(dy, atR, dxR, n, c, h, w, k, stride);
          expectIdentical(dxN, dxR, `maxPool2dBackward ${h}×${w} k${k} s${stride}`);
        }
      }
    }
  });

  onNative("relu and reluBackward, every length around the vector width, special values included", () => {
    for (const len of [0, 1, 3, 4, 5, 8, 13, 301056]) {
      const x = withSpecials(len), dy = withSpecials(len).reverse();
      const [yN, yR, dxN, dxR] = [0, 1, 2, 3].map(() => random(len));
      native!.relu(x, yN, len);
      conv.relu(x, yR, len);
      expectIdentical(yN, yR, `relu of ${len}`);
      native!.reluBackward(x, dy, dxN, len);
      conv.reluBackward(x, dy, dxR, len);
      expectIdentical(dxN, dxR, `reluBackward of ${len}`);
    }
  });
});

describe("the convolutional passes: wrong sizes throw a RangeError naming the pass, before writing anything", () => {
  const backends: Array<[string, Backend | null, boolean]> = [
    ["js", jsBackend, true],
    ["wasm", wasm, true],
    ["native", native, expected],
  ];
  for (const [name, k, here] of backends) {
    it.runIf(here)(`the ${name} backend`, () => {
      const K = k!;
      const f = (n: number) => new Float64Array(n);
      const untouched = f(4).fill(7);
      const cases: Array<[string, () => void]> = [
        ["im2col", () => K.im2col(f(2 * 3 * 4 * 4 - 1), f(2 * 27 * 4), 2, 3, 4, 4, 3, 3, 1, 0)], // x short
        ["im2col", () => K.im2col(f(2 * 3 * 4 * 4), f(2 * 27 * 4 - 1), 2, 3, 4, 4, 3, 3, 1, 0)], // cols short
        ["im2col", () => K.im2col(f(16), f(100), 1, 1, 4, 4, 7, 7, 1, 1)], // 7×7 window in a 6×6 padded image
        ["im2col", () => K.im2col(f(16), f(100), 1, 1, 4, 4, 2, 2, 0, 0)], // stride 0
        ["col2im", () => K.col2im(f(2 * 27 * 4 - 1), f(2 * 3 * 4 * 4), 2, 3, 4, 4, 3, 3, 1, 0)],
        ["col2im", () => K.col2im(f(2 * 27 * 4), untouched, 2, 3, 4, 4, 3, 3, 1, 0)], // x short: must not be zeroed
        ["addChannelBias", () => K.addChannelBias(f(11), f(3), 2, 3, 2)],
        ["sumChannels", () => K.sumChannels(f(12), f(2), 2, 3, 2)],
        ["batchNorm2dStats", () => K.batchNorm2dStats(f(12), f(3), f(2), 2, 3, 2)],
        ["batchNorm2dNormalize", () => K.batchNorm2dNormalize(f(12), f(3), f(3), f(3), f(3), f(12), f(11), 2, 3, 2)],
        ["batchNorm2dNormalize", () => K.batchNorm2dNormalize(f(12), f(3), f(3), f(2), null, f(12), f(12), 2, 3, 2)],
        ["batchNorm2dBackward", () => K.batchNorm2dBackward(f(12), f(12), f(3), f(3), f(3), f(3), f(11), 2, 3, 2, true)],
        ["batchNorm2dBackward", () => K.batchNorm2dBackward(f(11), f(12), f(3), null, null, null, f(12), 2, 3, 2, false)],
        ["maxPool2d", () => K.maxPool2d(f(16), f(4), new Int32Array(3), 1, 1, 4, 4, 2, 2)],
        ["maxPool2d", () => K.maxPool2d(f(16), f(4), new Int32Array(4), 1, 1, 4, 4, 5, 1)], // window larger than the image
        ["maxPool2dBackward", () => K.maxPool2dBackward(f(4), Int32Array.from([0, 1, 2, 16]), untouched, 1, 1, 2, 2, 1, 1)], // argmax outside
        ["maxPool2dBackward", () => K.maxPool2dBackward(f(4), new Int32Array(4), f(15), 1, 1, 4, 4, 2, 2)],
        ["relu", () => K.relu(f(3), f(2), 3)],
        ["reluBackward", () => K.reluBackward(f(3), f(3), f(2), 3)],
        ["relu", () => K.relu(f(3), f(3), -1)],
      ];
      for (const [fn, call] of cases) {
        expect(call, fn).toThrow(RangeError);
        expect(call, fn).toThrow(new RegExp(`\\b${fn}:`));
      }
      expect(Array.from(untouched)).toEqual([7, 7, 7, 7]);
    });
  }
});
