import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { jsBackend, backend, Backend, useBackend } from "../src/tensor/backend";
import { loadNativeBackend, nativeBackendError } from "../src/tensor/backend-native";
import { loadWasmBackend } from "../src/tensor/backend-wasm";
import { Rng } from "../src/random/rng";
import * as elementwise from "../src/tensor/elementwise";
import { nativeExpectedHere } from "./helpers/native";
import { backendChosenBy } from "./helpers/backend-choice";

/** The backend the library chose when it loaded (BNLAB_BACKEND, else the fastest). */
const startBackend = backend();

// The native backend must give the WebAssembly backend's results bit for bit
// (same sums in the same order, no fused multiply-add), so that a notebook
// shows the same numbers on a machine without a C compiler or AVX2.

const native = loadNativeBackend();
const wasm = loadWasmBackend();
const expected = nativeExpectedHere();
const rng = new Rng("kernel-native-test");

function random(n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.uniform(-1, 1);
  return a;
}

/** Equal bit for bit (Object.is: NaN equals NaN, +0 differs from −0), with the first difference in the message. */
function expectIdentical(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const i = actual.findIndex((v, k) => !Object.is(v, expected[k]));
  expect(i === -1 ? "identical" : `${what}: entry ${i} is ${actual[i]}, the WebAssembly backend gives ${expected[i]}`).toBe("identical");
}

type Op = "matmul" | "matmulTransA" | "matmulTransB";
const OPS: Op[] = ["matmul", "matmulTransA", "matmulTransB"];
const EDGE = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17];
const STEP_SHAPES: Array<[number, number, number]> = [
  [60, 784, 100], [100, 60, 784], [60, 100, 784], [60, 100, 100], [60, 100, 10], [10, 60, 100], [257, 301, 263],
];

/** Run op on both backends from the same starting out (which matters when accumulating). */
function both(op: Op, m: number, k: number, n: number, accumulate: boolean): [Float64Array, Float64Array] {
  const a = random(m * k + 3), b = random(k * n + 3); // longer than needed: only the first m·k, k·n are read
  const outNative = random(m * n), outWasm = new Float64Array(outNative);
  native![op](a, b, outNative, m, k, n, accumulate);
  wasm![op](a, b, outWasm, m, k, n, accumulate);
  return [outNative, outWasm];
}

describe("the native backend", () => {
  // Where it cannot exist (not x86-64 Linux with AVX2), only the first test runs: it checks the fallback.
  const onNative = it.runIf(expected);
  afterEach(() => {
    useBackend(startBackend);
  });

  it("is built, current with backends/native/backend.c, usable on this CPU, and the default backend (x86-64 Linux with AVX2)", () => {
    expect(wasm).not.toBeNull();
    if (!expected) {
      // no AVX2 here: the WebAssembly backend is the default, and the reason is given
      expect(native).toBeNull();
      expect(nativeBackendError).toMatch(/AVX2|not built|dlopen|invalid ELF|wrong ELF/);
      expect(startBackend.name).toBe("wasm-simd");
      return;
    }
    expect(nativeBackendError).toBeNull();
    expect(native).not.toBeNull();
    expect(startBackend.name).toBe("native-avx2");
    expect(backend().name).toBe("native-avx2");
  });

  for (const op of OPS) {
    onNative(`${op}: the WebAssembly backend's results bit for bit, on every small shape (K = 0 included) and the step's shapes`, () => {
      for (const m of EDGE) {
        for (const k of [0, ...EDGE]) {
          for (const n of EDGE) {
            const [a, b] = both(op, m, k, n, false);
            expectIdentical(a, b, `${op} ${m}×${k}×${n}`);
          }
        }
      }
      for (const [m, k, n] of STEP_SHAPES) {
        const [a, b] = both(op, m, k, n, false);
        expectIdentical(a, b, `${op} ${m}×${k}×${n}`);
      }
    });
  }

  onNative("matmulTransA accumulates into out exactly as the WebAssembly backend", () => {
    for (const [m, k, n] of [[100, 60, 784], [3, 5, 7], [13, 1, 9], [1, 1, 1]] as Array<[number, number, number]>) {
      const [a, b] = both("matmulTransA", m, k, n, true);
      expectIdentical(a, b, `matmulTransA += ${m}×${k}×${n}`);
    }
  });

  onNative("matches the TypeScript reference backend on the step's shapes (to 1e-12; its transB sums in another order)", () => {
    for (const op of OPS) {
      for (const [m, k, n] of STEP_SHAPES) {
        const a = random(m * k), b = random(k * n);
        const out = new Float64Array(m * n), ref = new Float64Array(m * n);
        native![op](a, b, out, m, k, n);
        jsBackend[op](a, b, ref, m, k, n);
        const worst = Math.max(...Array.from(out, (v, i) => Math.abs(v - ref[i]) / (1 + Math.abs(ref[i]))));
        expect(worst).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  onNative("batch norm's fused passes: the WebAssembly backend's results bit for bit (affine or not, batch or running statistics)", () => {
    for (const n of [1, 2, 3, 5, 60]) {
      for (const c of [1, 2, 3, 4, 5, 7, 100]) {
        for (const affine of [true, false]) {
          for (const batchStats of [true, false]) {
            const x = random(n * c, 3);
            const [meanN, varN, meanW, varW] = [0, 1, 2, 3].map(() => new Float64Array(c));
            native!.batchNormStats(x, meanN, varN, n, c);
            wasm!.batchNormStats(x, meanW, varW, n, c);
            expectIdentical(meanN, meanW, "mean");
            expectIdentical(varN, varW, "variance");
            const invStd = varN.map((v) => 1 / Math.sqrt(v + 1e-5));
            const gamma = affine ? random(c) : null, beta = affine ? random(c) : null;
            const [xhatN, yN, xhatW, yW] = [0, 1, 2, 3].map(() => new Float64Array(n * c));
            native!.batchNormNormalize(x, meanN, invStd, gamma, beta, xhatN, yN, n, c);
            wasm!.batchNormNormalize(x, meanN, invStd, gamma, beta, xhatW, yW, n, c);
            expectIdentical(xhatN, xhatW, "xhat");
            expectIdentical(yN, yW, "y");
            const dy = random(n * c);
            const dgammaN = affine ? random(c) : null, dbetaN = affine ? random(c) : null;
            const dgammaW = dgammaN && new Float64Array(dgammaN), dbetaW = dbetaN && new Float64Array(dbetaN);
            const dxN = new Float64Array(n * c), dxW = new Float64Array(n * c);
            native!.batchNormBackward(dy, xhatN, invStd, gamma, dgammaN, dbetaN, dxN, n, c, batchStats);
            wasm!.batchNormBackward(dy, xhatN, invStd, gamma, dgammaW, dbetaW, dxW, n, c, batchStats);
            expectIdentical(dxN, dxW, `dx ${n}×${c}`);
            if (affine) {
              expectIdentical(dgammaN!, dgammaW!, "dgamma");
              expectIdentical(dbetaN!, dbetaW!, "dbeta");
            }
          }
        }
      }
    }
  });

  onNative("sigmoid: the WebAssembly backend's results bit for bit, extremes, zeros, infinities and NaN included", () => {
    const special = [0, -0, 1, -1, 30, -30, 700, -700, 708, -708, 709, -709, 745, -745, 800, -800, Infinity, -Infinity, NaN, 1e-300, -1e-300, 5e-324];
    for (const len of [0, 1, 2, 3, 4, 5, 7, special.length, 1001]) {
      const x = len === special.length ? Float64Array.from(special) : random(len, 40);
      const yN = new Float64Array(len), yW = new Float64Array(len);
      native!.sigmoid(x, yN, len);
      wasm!.sigmoid(x, yW, len);
      expectIdentical(yN, yW, `sigmoid of ${len}`);
    }
  });

  onNative("the elementwise passes (axpy, sumRows, addRow, sigmoidBackward): the TypeScript reference's results bit for bit", () => {
    for (const len of [0, 1, 3, 4, 5, 8, 13, 6000, 78400]) {
      const x = random(len, 5), y = random(len);
      const yN = new Float64Array(y), yRef = new Float64Array(y);
      for (const alpha of [1, -0.1, 0.37]) {
        native!.axpy(alpha, x, yN, len);
        elementwise.axpy(alpha, x, yRef, len);
      }
      expectIdentical(yN, yRef, `axpy of ${len}`);
      const s = random(len).map((v) => (v + 1) / 2), dy = random(len);
      const dxN = new Float64Array(len), dxRef = new Float64Array(len);
      native!.sigmoidBackward(s, dy, dxN, len);
      elementwise.sigmoidBackward(s, dy, dxRef, len);
      expectIdentical(dxN, dxRef, `sigmoidBackward of ${len}`);
    }
    for (const [rows, cols] of [[0, 3], [1, 1], [60, 100], [60, 10], [7, 13], [5, 4], [3, 0]]) {
      const x = random(rows * cols, 3), row = random(cols);
      const sumN = random(cols), sumRef = random(cols); // written whole, whatever was there
      native!.sumRows(x, sumN, rows, cols);
      elementwise.sumRows(x, sumRef, rows, cols);
      expectIdentical(sumN, sumRef, `sumRows ${rows}×${cols}`);
      const xN = new Float64Array(x), xRef = new Float64Array(x);
      native!.addRow(xN, row, rows, cols);
      elementwise.addRow(xRef, row, rows, cols);
      expectIdentical(xN, xRef, `addRow ${rows}×${cols}`);
    }
  });

  onNative("throws a RangeError, not a crash, for arrays shorter than the sizes or arguments of the wrong type", () => {
    const k = native!;
    expect(() => k.matmul(new Float64Array(3), new Float64Array(4), new Float64Array(4), 2, 2, 2)).toThrow(/matmul: an array is shorter/);
    expect(() => k.matmulTransB(new Float64Array(4), new Float64Array(4), new Float64Array(3), 2, 2, 2)).toThrow(RangeError);
    expect(() => k.sigmoid(new Float64Array(2), new Float64Array(1), 2)).toThrow(/sigmoid/);
    const notFloat64 = new Float32Array(4) as unknown as Float64Array;
    expect(() => k.matmul(notFloat64, new Float64Array(4), new Float64Array(4), 2, 2, 2)).toThrow(/expected a Float64Array/);
    expect(() => k.matmul(new Float64Array(4), new Float64Array(4), new Float64Array(4), -1, 2, 2)).toThrow(/non-negative/);
    expect(() => k.axpy(2, new Float64Array(3), new Float64Array(2), 3)).toThrow(/axpy: an array is shorter/);
    expect(() => k.addRow(new Float64Array(6), new Float64Array(2), 2, 3)).toThrow(/addRow/);
  });

  onNative("trains the reference MLP to the same numbers as the WebAssembly backend", async () => {
    const { mlp } = await import("../src/train/mlp");
    const { CrossEntropyLoss } = await import("../src/loss/cross-entropy");
    const { SGD } = await import("../src/optim/sgd");
    const { Matrix } = await import("../src/tensor/matrix");
    const run = (k: Backend): number[] => {
      useBackend(k);
      const model = mlp({ sizes: [784, 100, 100, 100, 10], activation: "sigmoid", batchNorm: true, seed: 3 });
      const opt = new SGD(model.parameters(), { lr: 0.5 });
      const lossFn = new CrossEntropyLoss();
      const data = new Rng("kernel-native-mlp");
      const losses: number[] = [];
      for (let step = 0; step < 20; step++) {
        const x = new Matrix(60, 784);
        for (let i = 0; i < x.size; i++) x.data[i] = data.uniform(0, 1);
        const y = Array.from({ length: 60 }, () => Math.floor(data.uniform(0, 10)));
        opt.zeroGrad();
        losses.push(lossFn.forward(model.forward(x), y));
        model.backward(lossFn.backward(), { inputGrad: false });
        opt.step();
      }
      return losses;
    };
    expect(run(native!)).toEqual(run(wasm!));
  });
});

describe("loading the native backend", () => {
  it.runIf(expected)("refuses a binary built from another version of backend.c, and says to rebuild", () => {
    const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-native-")), "backend.c");
    fs.writeFileSync(other, fs.readFileSync(path.join(__dirname, "..", "backends", "native", "backend.c"), "utf8") + "\n/* edited */\n");
    expect(loadNativeBackend({ source: other })).toBeNull();
    expect(nativeBackendError).toMatch(/another version .*npm run build:native/);
  });

  it("returns null for a missing or broken binary, and the WebAssembly backend is used", () => {
    expect(loadNativeBackend({ file: path.join(os.tmpdir(), "no-such-backend.node") })).toBeNull();
    expect(nativeBackendError).toMatch(/not built/);
    const bogus = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-native-")), "backend.node");
    fs.writeFileSync(bogus, "not a shared library");
    expect(loadNativeBackend({ file: bogus })).toBeNull();
    expect(nativeBackendError).not.toBeNull();
  });

  it("BNLAB_BACKEND=wasm selects the WebAssembly backend even where the native one loads", () => {
    expect(backendChosenBy("wasm")).toEqual({ name: "wasm-simd", stderr: "" });
  });

  it.runIf(expected)("`npm run build:native` rebuilds it from source with the same source hash", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-native-")), "backend.node");
    execFileSync(process.execPath, [path.join(__dirname, "..", "scripts", "build-native.mjs"), "--out", out, "--quiet"], { stdio: "pipe" });
    const rebuilt = loadNativeBackend({ file: out });
    expect(nativeBackendError).toBeNull();
    expect(rebuilt).not.toBeNull();
    expect(fs.readFileSync(`${out}.hash`, "utf8")).toBe(fs.readFileSync(path.join(__dirname, "..", "src", "tensor", "native", "backend.node.hash"), "utf8"));
  });
});
