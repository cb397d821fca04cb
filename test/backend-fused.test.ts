// The backend functions of the lean training step — matmulTransA with
// `accumulate` and the fused batch-norm passes — in the WebAssembly backend
// against the plain TypeScript reference, on random shapes including odd sizes.
import { describe, expect, it } from "vitest";
import { jsBackend, Backend } from "../src/tensor/backend";
import { loadWasmBackend } from "../src/tensor/backend-wasm";
import { Rng } from "../src/random/rng";

const wasm = loadWasmBackend() as Backend;
const rng = new Rng("kernel-fused-test");

function random(n: number, low = -1, high = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(low, high);
  return a;
}

/** n×c shapes: 1×1, a column, a row, odd and even sizes, the step's 60×100 and 60×10. */
function shapes(): Array<[number, number]> {
  const out: Array<[number, number]> = [[1, 1], [2, 1], [1, 2], [2, 3], [3, 2], [5, 7], [7, 5], [60, 100], [60, 10], [61, 101]];
  for (let t = 0; t < 15; t++) out.push([1 + Math.floor(rng.uniform(0, 70)), 1 + Math.floor(rng.uniform(0, 70))]);
  return out;
}

describe("matmulTransA with accumulate (out += aᵀ·b)", () => {
  const EDGE = [1, 2, 3, 4, 5, 7, 8, 9, 17];
  it("adds to out, bit for bit the same in WebAssembly as in TypeScript", () => {
    const cases: Array<[number, number, number]> = [[100, 60, 784], [100, 60, 100], [10, 60, 100], [257, 31, 263]];
    for (const m of EDGE) for (const k of EDGE) for (const n of EDGE) cases.push([m, k, n]);
    for (const [m, k, n] of cases) {
      const a = random(k * m), b = random(k * n), start = random(m * n);
      const expected = start.slice(), actual = start.slice();
      jsBackend.matmulTransA(a, b, expected, m, k, n, true);
      wasm.matmulTransA(a, b, actual, m, k, n, true);
      expect(actual).toEqual(expected);
    }
  });

  it("equals out + (aᵀ·b computed apart), exactly when out starts at zero", () => {
    for (const k of [wasm, jsBackend]) {
      const [m, kk, n] = [13, 9, 11];
      const a = random(kk * m), b = random(kk * n), start = random(m * n);
      const product = new Float64Array(m * n);
      k.matmulTransA(a, b, product, m, kk, n);
      const summed = start.slice();
      k.matmulTransA(a, b, summed, m, kk, n, true);
      summed.forEach((v, i) => expect(Math.abs(v - (start[i] + product[i]))).toBeLessThanOrEqual(1e-14));
      const fromZero = new Float64Array(m * n);
      k.matmulTransA(a, b, fromZero, m, kk, n, true);
      expect(fromZero).toEqual(product);
    }
  });

  it("without accumulate overwrites out, as before", () => {
    const out = new Float64Array(6).fill(7);
    wasm.matmulTransA(random(4 * 2), random(4 * 3), out, 2, 4, 3, false);
    const again = new Float64Array(6).fill(-3);
    wasm.matmulTransA(new Float64Array(0), new Float64Array(0), again, 2, 0, 3, true); // K = 0: out += 0
    expect(Array.from(again)).toEqual([-3, -3, -3, -3, -3, -3]);
  });
});

describe("the fused batch-norm passes", () => {
  it("batchNormStats: the same mean and biased variance, bit for bit", () => {
    for (const [n, c] of shapes()) {
      const x = random(n * c, -3, 5);
      const want = [new Float64Array(c).fill(NaN), new Float64Array(c).fill(NaN)];
      const got = [new Float64Array(c).fill(NaN), new Float64Array(c).fill(NaN)];
      jsBackend.batchNormStats(x, want[0], want[1], n, c);
      wasm.batchNormStats(x, got[0], got[1], n, c);
      expect(got).toEqual(want);
      // and they are the mean and variance
      for (let j = 0; j < c; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i * c + j];
        expect(want[0][j]).toBeCloseTo(s / n, 12);
      }
    }
  });

  it("batchNormNormalize: the same x̂ and y, with and without γ/β, bit for bit", () => {
    for (const [n, c] of shapes()) {
      for (const affine of [true, false]) {
        const x = random(n * c, -3, 5), mean = random(c), invStd = random(c, 0.1, 3);
        const gamma = affine ? random(c, 0.5, 2) : null, beta = affine ? random(c) : null;
        const run = (k: Backend) => {
          const xhat = new Float64Array(n * c).fill(NaN), y = new Float64Array(n * c).fill(NaN);
          k.batchNormNormalize(x, mean, invStd, gamma, beta, xhat, y, n, c);
          return { xhat, y };
        };
        const want = run(jsBackend), got = run(wasm);
        expect(got.xhat).toEqual(want.xhat);
        if (affine) expect(got.y).toEqual(want.y);
        else expect(got.y.every(Number.isNaN)).toBe(true); // y is not written: y = x̂
      }
    }
  });

  it("batchNormBackward: the same dx, ∂γ and ∂β (accumulated), train and eval, affine or not, bit for bit", () => {
    for (const [n, c] of shapes()) {
      for (const affine of [true, false]) {
        for (const batchStats of [true, false]) {
          const dy = random(n * c), xhat = random(n * c, -2, 2), invStd = random(c, 0.1, 3);
          const gamma = affine ? random(c, 0.5, 2) : null;
          const dgamma0 = random(c), dbeta0 = random(c);
          const run = (k: Backend) => {
            const dx = new Float64Array(n * c).fill(NaN);
            const dgamma = affine ? dgamma0.slice() : null, dbeta = affine ? dbeta0.slice() : null;
            k.batchNormBackward(dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c, batchStats);
            return { dx, dgamma, dbeta };
          };
          const want = run(jsBackend), got = run(wasm);
          expect(got).toEqual(want);
          expect(want.dx.some(Number.isNaN)).toBe(false);
        }
      }
    }
  });

  it("stays correct when a large batch makes the WebAssembly memory grow", () => {
    const n = 3000, c = 301; // ~7 MB per operand
    const x = random(n * c);
    const want = [new Float64Array(c), new Float64Array(c)], got = [new Float64Array(c), new Float64Array(c)];
    jsBackend.batchNormStats(x, want[0], want[1], n, c);
    wasm.batchNormStats(x, got[0], got[1], n, c);
    expect(got).toEqual(want);
  });
});

describe("the vectorized sigmoid", () => {
  it("matches the TypeScript reference within an ulp or two, at every length (odd ones too) and at the extremes", () => {
    const specials = [0, -0, 1e-300, -1e-300, 36, -36, 700, -700, -708.5, 710, -745, 800, -800, Infinity, -Infinity];
    for (const len of [0, 1, 2, 3, 5, 16, 17, 6000, 6001]) {
      const x = random(len, -40, 40);
      specials.forEach((v, i) => i < len && (x[i] = v));
      const want = new Float64Array(len).fill(NaN), got = new Float64Array(len).fill(NaN);
      jsBackend.sigmoid(x, want, len);
      wasm.sigmoid(x, got, len);
      for (let i = 0; i < len; i++) {
        expect(Math.abs(got[i] - want[i]) / (1e-300 + Math.abs(want[i])) <= 1e-15 || Math.abs(got[i] - want[i]) <= 1e-300).toBe(true);
      }
    }
  });

  it("keeps NaN and writes only len entries", () => {
    const x = Float64Array.of(NaN, 1, 2), y = Float64Array.of(-1, -1, -1);
    wasm.sigmoid(x, y, 2);
    expect(Number.isNaN(y[0])).toBe(true);
    expect(y[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    expect(y[2]).toBe(-1);
  });
});
