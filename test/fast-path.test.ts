// The fast paths of the training step against the readable reference code:
// BatchNorm1d's fused backend passes (fastPath) against its step-by-step
// forward/backward, with both backends; and backward(dy, { inputGrad: false }).
import { afterEach, describe, expect, it } from "vitest";
import { BatchNorm1d, BatchNormOptions } from "../src/nn/batchnorm";
import { Linear } from "../src/nn/linear";
import { Sequential } from "../src/nn/sequential";
import { Sigmoid } from "../src/nn/activations";
import { Matrix } from "../src/tensor/matrix";
import { backend, jsBackend, useBackend } from "../src/tensor/backend";
import { loadNativeBackend } from "../src/tensor/backend-native";
import { loadWasmBackend } from "../src/tensor/backend-wasm";
import { gradcheckModule } from "../src/check/gradcheck";
import { Rng } from "../src/random/rng";

/** The backend the library chose when it loaded (BNLAB_BACKEND, else the fastest). */
const startBackend = backend();

const rng = new Rng("fast-path-test");
function randn(rows: number, cols: number, mean = 0, std = 1): Matrix {
  return new Matrix(rows, cols, rng.normalArray(rows * cols, mean, std));
}

/** max |a − b| / (1 + |b|) ≤ 1e-12 */
function expectClose(a: Matrix, b: Matrix): void {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]) / (1 + Math.abs(b.data[i])));
  expect(worst).toBeLessThanOrEqual(1e-12);
}

const VARIANTS: Array<[string, BatchNormOptions]> = [
  ["default", {}],
  ["affine off", { affine: false }],
  ["momentum null", { momentum: null }],
  ["no running stats", { trackRunningStats: false }],
  ["eps 0.1, momentum 0.3", { eps: 0.1, momentum: 0.3 }],
];

/** Two identical BatchNorm1d layers (γ, β moved off 1 and 0), one on the fast path and one on the reference. */
function pair(features: number, options: BatchNormOptions): [BatchNorm1d, BatchNorm1d] {
  const fast = new BatchNorm1d(features, options);
  const reference = new BatchNorm1d(features, options);
  reference.fastPath = false;
  const gamma = randn(1, features, 1, 0.3), beta = randn(1, features);
  for (const bn of [fast, reference]) {
    bn.weight.value.copyFrom(gamma);
    bn.bias.value.copyFrom(beta);
  }
  return [fast, reference];
}

describe.each([
  // the native backend where it exists (x86-64 Linux with AVX2: test/backend-native.test.ts), else the WebAssembly one again
  ["the native backend", () => useBackend(loadNativeBackend() ?? loadWasmBackend()!)],
  ["the WebAssembly backend", () => useBackend(loadWasmBackend()!)],
  ["the TypeScript backend", () => useBackend(jsBackend)],
])("BatchNorm1d's fast path with %s", (_, selectBackend) => {
  afterEach(() => useBackend(startBackend));

  for (const [label, options] of VARIANTS) {
    it(`matches the reference code in train and eval mode (${label})`, () => {
      selectBackend();
      for (const [N, C] of [[60, 100], [2, 1], [7, 13], [33, 5]]) {
        const [fast, reference] = pair(C, options);
        for (const mode of ["train", "train", "eval", "train", "eval"]) {
          for (const bn of [fast, reference]) bn.train(mode === "train");
          const x = randn(N, C, 2, 3), dy = randn(N, C);
          const y = [fast.forward(x), reference.forward(x)];
          expectClose(y[0], y[1]);
          const dx = [fast.backward(dy), reference.backward(dy)];
          expectClose(dx[0], dx[1]);
          expectClose(fast.weight.grad, reference.weight.grad);
          expectClose(fast.bias.grad, reference.bias.grad);
          expectClose(fast.runningMean, reference.runningMean);
          expectClose(fast.runningVar, reference.runningVar);
          expect(fast.numBatchesTracked).toBe(reference.numBatchesTracked);
        }
      }
    });
  }

  it("passes gradcheck on both paths, in train and eval mode", () => {
    selectBackend();
    for (const fastPath of [true, false]) {
      for (const affine of [true, false]) {
        const bn = new BatchNorm1d(4, { affine });
        bn.fastPath = fastPath;
        bn.weight.value.copyFrom(randn(1, 4, 1, 0.3));
        const x = randn(6, 4, 1, 2);
        expect(gradcheckModule(bn, x).ok).toBe(true);
        bn.forward(x); // running stats away from 0 and 1
        bn.eval();
        expect(gradcheckModule(bn, x).ok).toBe(true);
      }
    }
  });

  it("returns a new output every call (no buffer shared between calls)", () => {
    selectBackend();
    const bn = new BatchNorm1d(3, { affine: false });
    const x1 = randn(4, 3), x2 = randn(4, 3);
    const y1 = bn.forward(x1), y1Copy = y1.clone();
    bn.forward(x2);
    expect(y1.data).toEqual(y1Copy.data);
  });
});

describe("backward(dy, { inputGrad: false })", () => {
  function mlp(): Sequential {
    const r = new Rng("fast-path-mlp");
    return new Sequential(new Linear(7, 5, { rng: r }), new BatchNorm1d(5), new Sigmoid(), new Linear(5, 3, { rng: r }));
  }

  it("gives the same parameter gradients as a full backward, and returns null", () => {
    const x = randn(9, 7), dy = randn(9, 3);
    const full = mlp(), lean = mlp();
    full.forward(x);
    lean.forward(x);
    const dx = full.backward(dy);
    expect(dx.shape).toEqual([9, 7]);
    expect(lean.backward(dy, { inputGrad: false })).toBeNull();
    const a = full.namedParameters(), b = lean.namedParameters();
    a.forEach(([name, p], i) => {
      expect(b[i][0]).toBe(name);
      expect(b[i][1].grad.data).toEqual(p.grad.data);
    });
  });

  it("still returns dx when asked ({ inputGrad: true } or no options), also for a nested Sequential", () => {
    const x = randn(4, 7), dy = randn(4, 3);
    const model = new Sequential(mlp());
    model.forward(x);
    const dx = model.backward(dy, { inputGrad: true });
    expect(dx?.shape).toEqual([4, 7]);
    model.forward(x);
    expect(model.backward(dy, { inputGrad: false })).toBeNull();
    const linear = new Linear(3, 2);
    linear.forward(randn(2, 3));
    expect(linear.backward(randn(2, 2), { inputGrad: false })).toBeNull();
    expect(linear.backward(randn(2, 2)).shape).toEqual([2, 3]);
  });

  it("leaves gradcheckModule's dx of a Sequential correct", () => {
    expect(gradcheckModule(mlp(), randn(6, 7)).ok).toBe(true);
  });
});

describe("Sigmoid's fast path", () => {
  afterEach(() => useBackend(startBackend));

  it("matches the reference loop to 1e-15 with both backends, and passes gradcheck", () => {
    for (const k of [loadNativeBackend() ?? loadWasmBackend()!, loadWasmBackend()!, jsBackend]) {
      useBackend(k);
      const fast = new Sigmoid(), reference = new Sigmoid();
      reference.fastPath = false;
      for (const [N, C] of [[60, 100], [1, 1], [3, 7]]) {
        const x = randn(N, C, 0, 8), dy = randn(N, C);
        const y = [fast.forward(x), reference.forward(x)];
        expectClose(y[0], y[1]);
        expectClose(fast.backward(dy), reference.backward(dy));
      }
      expect(gradcheckModule(fast, randn(5, 4)).ok).toBe(true);
    }
  });
});
