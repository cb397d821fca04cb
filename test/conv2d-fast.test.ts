/**
 * The convolution's fast path (src/tensor/conv2d-fast.ts) against the
 * definition of a convolution and of its gradients, on every backend, on edge
 * geometries (k = 1, stride > k, padding ≥ k, 1×1 images, odd sizes) and
 * LeNet's layers; and the same numbers bit for bit whichever backend runs it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { backend, jsBackend, Backend, useBackend } from "../src/tensor/backend";
import { loadNativeBackend } from "../src/tensor/backend-native";
import { loadWasmBackend } from "../src/tensor/backend-wasm";
import { conv2dBackwardFast, conv2dForwardFast, ConvGeometry } from "../src/tensor/conv2d-fast";
import { outputSize } from "../src/tensor/im2col";
import { Rng } from "../src/random/rng";
import { nativeExpectedHere } from "./helpers/native";

/** The backend the library chose when it loaded (BNLAB_BACKEND, else the fastest). */
const startBackend = backend();

const rng = new Rng("conv2d-fast-test");
const random = (n: number) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
const backends: Array<[string, Backend | null]> = [["js", jsBackend], ["wasm", loadWasmBackend()], ["native", nativeExpectedHere() ? loadNativeBackend() : null]];

function expectClose(actual: Float64Array, wanted: Float64Array, what: string): void {
  expect(actual.length, what).toBe(wanted.length);
  let worst = 0;
  for (let i = 0; i < wanted.length; i++) worst = Math.max(worst, Math.abs(actual[i] - wanted[i]) / (1 + Math.abs(wanted[i])));
  expect(worst, what).toBeLessThanOrEqual(1e-12);
}

/** Visit every (s, o, oy, ox, ci, i, j) whose input position is inside the image: f(x index, weight index, y index). */
function eachTap(g: ConvGeometry, f: (xi: number, wi: number, yi: number) => void): void {
  const [oh, ow] = [outputSize(g.h, g.kh, g.stride, g.padding), outputSize(g.w, g.kw, g.stride, g.padding)];
  for (let s = 0; s < g.n; s++)
    for (let o = 0; o < g.outChannels; o++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let ci = 0; ci < g.inChannels; ci++)
            for (let i = 0; i < g.kh; i++)
              for (let j = 0; j < g.kw; j++) {
                const iy = oy * g.stride - g.padding + i, ix = ox * g.stride - g.padding + j;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                f(((s * g.inChannels + ci) * g.h + iy) * g.w + ix, ((o * g.inChannels + ci) * g.kh + i) * g.kw + j, ((s * g.outChannels + o) * oh + oy) * ow + ox);
              }
}

const GEOMETRIES: ConvGeometry[] = [
  { n: 2, inChannels: 3, h: 7, w: 5, outChannels: 4, kh: 3, kw: 3, stride: 1, padding: 1 },
  { n: 1, inChannels: 1, h: 1, w: 1, outChannels: 2, kh: 1, kw: 1, stride: 1, padding: 0 },
  { n: 3, inChannels: 2, h: 1, w: 1, outChannels: 3, kh: 3, kw: 3, stride: 2, padding: 3 },
  { n: 2, inChannels: 2, h: 9, w: 8, outChannels: 5, kh: 2, kw: 3, stride: 4, padding: 0 },
  { n: 2, inChannels: 3, h: 6, w: 6, outChannels: 2, kh: 3, kw: 3, stride: 2, padding: 2 },
  { n: 4, inChannels: 1, h: 28, w: 28, outChannels: 6, kh: 5, kw: 5, stride: 1, padding: 2 },
  { n: 3, inChannels: 6, h: 14, w: 14, outChannels: 16, kh: 5, kw: 5, stride: 1, padding: 0 },
];

describe("conv2dForwardFast / conv2dBackwardFast", () => {
  afterEach(() => useBackend(startBackend));

  for (const [name, k] of backends) {
    it.runIf(k !== null)(`compute a convolution and its gradients by their definitions (${name} backend)`, () => {
      useBackend(k!);
      for (const g of GEOMETRIES) {
        const [oh, ow] = [outputSize(g.h, g.kh, g.stride, g.padding), outputSize(g.w, g.kw, g.stride, g.padding)];
        const x = random(g.n * g.inChannels * g.h * g.w), weight = random(g.outChannels * g.inChannels * g.kh * g.kw), bias = random(g.outChannels);
        const want = new Float64Array(g.n * g.outChannels * oh * ow);
        for (let e = 0; e < want.length; e++) want[e] = bias[Math.floor(e / (oh * ow)) % g.outChannels];
        eachTap(g, (xi, wi, yi) => (want[yi] += weight[wi] * x[xi]));
        expectClose(conv2dForwardFast(x, weight, bias, g), want, `forward ${JSON.stringify(g)}`);
        expectClose(conv2dForwardFast(x, weight, null, g), want.map((v, e) => v - bias[Math.floor(e / (oh * ow)) % g.outChannels]), "no bias");

        const dy = random(want.length);
        const dW = random(weight.length), dB = random(bias.length); // accumulated into
        const wantDW = new Float64Array(dW), wantDB = new Float64Array(dB), wantDx = new Float64Array(x.length);
        eachTap(g, (xi, wi, yi) => {
          wantDW[wi] += dy[yi] * x[xi];
          wantDx[xi] += dy[yi] * weight[wi];
        });
        for (let e = 0; e < dy.length; e++) wantDB[Math.floor(e / (oh * ow)) % g.outChannels] += dy[e];
        const dx = conv2dBackwardFast(x, dy, weight, dW, dB, g, true)!;
        expectClose(dx, wantDx, `dx ${JSON.stringify(g)}`);
        expectClose(dW, wantDW, "dweight");
        expectClose(dB, wantDB, "dbias");
        expect(conv2dBackwardFast(x, dy, weight, new Float64Array(weight.length), null, g, false)).toBeNull();
      }
    });
  }

  it.runIf(nativeExpectedHere())("give the same numbers bit for bit on the native and WebAssembly backends", () => {
    const run = (k: Backend) => {
      useBackend(k);
      const local = new Rng("conv2d-fast-same");
      const out: Float64Array[] = [];
      for (const g of GEOMETRIES) {
        const [oh, ow] = [outputSize(g.h, g.kh, g.stride, g.padding), outputSize(g.w, g.kw, g.stride, g.padding)];
        const x = Float64Array.from({ length: g.n * g.inChannels * g.h * g.w }, () => local.uniform(-1, 1));
        const weight = Float64Array.from({ length: g.outChannels * g.inChannels * g.kh * g.kw }, () => local.uniform(-1, 1));
        const bias = Float64Array.from({ length: g.outChannels }, () => local.uniform(-1, 1));
        const dy = Float64Array.from({ length: g.n * g.outChannels * oh * ow }, () => local.uniform(-1, 1));
        const dW = new Float64Array(weight.length), dB = new Float64Array(bias.length);
        out.push(conv2dForwardFast(x, weight, bias, g), conv2dBackwardFast(x, dy, weight, dW, dB, g, true)!, dW, dB);
      }
      return out;
    };
    const native = run(loadNativeBackend()!), wasm = run(loadWasmBackend()!);
    native.forEach((a, i) => expect(Array.from(a).every((v, e) => Object.is(v, wasm[i][e])), `array ${i}`).toBe(true));
  });
});
