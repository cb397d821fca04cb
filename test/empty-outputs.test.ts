/**
 * The layers' fast paths take their outputs from emptyFloat64 / emptyLike
 * (src/tensor/tensor.ts): memory that is not zeroed first. That is only right
 * if every backend pass filling such an output writes all of it. Here each of
 * those passes runs twice on every backend, once into zeros and once into
 * NaN-filled outputs: the results must be identical (an entry left unwritten
 * would stay NaN).
 */
import { describe, expect, it } from "vitest";
import { Backend, jsBackend } from "../src/tensor/backend";
import { loadNativeBackend } from "../src/tensor/backend-native";
import { loadWasmBackend } from "../src/tensor/backend-wasm";
import { emptyFloat64, emptyLike, Tensor } from "../src/tensor/tensor";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { nativeExpectedHere } from "./helpers/native";

let rng = new Rng("empty-outputs-test");
function random(n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
}

const native = loadNativeBackend();
const backends: Backend[] = [jsBackend, loadWasmBackend()!, ...(native ? [native] : []), ...(native?.float32 ? [native.float32] : [])];

/** Sizes with tails: 3 images, 5 channels, 7×9 planes (p = 63, not a multiple of 4), pooled 2×2 into 3×4. */
const [n, c, h, w] = [3, 5, 7, 9];
const p = h * w, k = 2, oh = 3, ow = 4;

/** Each pass, writing into the outputs it is given (which start as zeros or as NaN). */
const passes: Record<string, (b: Backend, out: (len: number) => Float64Array) => Float64Array[]> = {
  matmul: (b, out) => {
    const o = out(6 * 10);
    b.matmul(random(6 * 7), random(7 * 10), o, 6, 7, 10);
    return [o];
  },
  col2im: (b, out) => {
    const x = out(n * c * h * w);
    b.col2im(random(n * c * 9 * h * w), x, n, c, h, w, 3, 3, 1, 1);
    return [x];
  },
  relu: (b, out) => {
    const y = out(101);
    b.relu(random(101), y, 101);
    return [y];
  },
  reluBackward: (b, out) => {
    const dx = out(101);
    b.reluBackward(random(101), random(101), dx, 101);
    return [dx];
  },
  maxPool2d: (b, out) => {
    const y = out(n * c * oh * ow);
    b.maxPool2d(random(n * c * p), y, new Int32Array(n * c * oh * ow), n, c, h, w, k, k);
    return [y];
  },
  maxPool2dBackward: (b, out) => {
    const y = new Float64Array(n * c * oh * ow), argmax = new Int32Array(y.length);
    b.maxPool2d(random(n * c * p), y, argmax, n, c, h, w, k, k);
    const dx = out(n * c * p);
    b.maxPool2dBackward(random(y.length), argmax, dx, n, c, h, w, k, k);
    return [dx];
  },
  batchNorm2dNormalize: (b, out) => {
    const xhat = out(n * c * p), y = out(n * c * p);
    b.batchNorm2dNormalize(random(n * c * p), random(c), random(c), random(c), random(c), xhat, y, n, c, p);
    return [xhat, y];
  },
  batchNorm2dBackward: (b, out) => {
    const dx = out(n * c * p), dx2 = out(n * c * p);
    b.batchNorm2dBackward(random(n * c * p), random(n * c * p), random(c), random(c), new Float64Array(c), new Float64Array(c), dx, n, c, p, true);
    b.batchNorm2dBackward(random(n * c * p), random(n * c * p), random(c), null, null, null, dx2, n, c, p, false);
    return [dx, dx2];
  },
  batchNormNormalize: (b, out) => {
    const xhat = out(13 * c), y = out(13 * c);
    b.batchNormNormalize(random(13 * c), random(c), random(c), random(c), random(c), xhat, y, 13, c);
    return [xhat, y];
  },
  batchNormBackward: (b, out) => {
    const dx = out(13 * c);
    b.batchNormBackward(random(13 * c), random(13 * c), random(c), random(c), new Float64Array(c), new Float64Array(c), dx, 13, c, true);
    return [dx];
  },
};

describe("the passes behind the layers' empty outputs write every entry", () => {
  it("finds the native backend where it must load", () => {
    expect(native !== null || !nativeExpectedHere()).toBe(true);
  });
  for (const b of backends) {
    for (const [name, pass] of Object.entries(passes)) {
      it(`${name} (${b.name})`, () => {
        rng = new Rng(name); // the same inputs for both runs
        const intoZeros = pass(b, (len) => new Float64Array(len));
        rng = new Rng(name);
        const intoNaN = pass(b, (len) => new Float64Array(len).fill(NaN));
        expect(intoNaN.map((a) => Array.from(a))).toEqual(intoZeros.map((a) => Array.from(a)));
        expect(intoZeros.every((a) => a.every(Number.isFinite))).toBe(true);
      });
    }
  }
});

describe("emptyFloat64 and emptyLike", () => {
  it("give arrays of the asked length and shape, small and large", () => {
    for (const len of [0, 1, 4095, 4096, 100_003]) expect(emptyFloat64(len)).toHaveLength(len);
    const t = emptyLike(new Tensor([2, 3, 40, 40]));
    expect([t instanceof Tensor, t.shape, t.data.length]).toEqual([true, [2, 3, 40, 40], 9600]);
    const m = emptyLike(new Matrix(70, 80));
    expect([m instanceof Matrix, m.rows, m.cols, m.data.length]).toEqual([true, 70, 80, 5600]);
  });
});
