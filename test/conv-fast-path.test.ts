/**
 * The image layers' fast paths (backend passes) against their readable code
 * (fastPath = false), on every backend: Conv2d (one image at a time through
 * src/tensor/conv2d-fast.ts), ReLU, BatchNorm2d and MaxPool2d. Conv2d's forward,
 * weight gradient and input gradient are the same products and copies in the
 * same order, so they must be equal bit for bit (only the bias gradient sums in
 * another order: to 1e-12); BatchNorm2d's per-channel sums run in four lanes
 * (to 1e-12); ReLU and MaxPool2d bit for bit. Gradcheck passes on the fast
 * paths, and a LeNet with BatchNorm2d trains to the same numbers bit for bit on
 * the native and WebAssembly backends.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Conv2d, Conv2dOptions } from "../src/nn/conv2d";
import { ReLU } from "../src/nn/activations";
import { Tensor } from "../src/tensor/tensor";
import { Matrix } from "../src/tensor/matrix";
import { backend, jsBackend, Backend, useBackend } from "../src/tensor/backend";
import { loadNativeBackend } from "../src/tensor/backend-native";
import { loadWasmBackend } from "../src/tensor/backend-wasm";
import { gradcheckModule } from "../src/check/gradcheck";
import { Rng } from "../src/random/rng";
import { nativeExpectedHere } from "./helpers/native";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { MaxPool2d } from "../src/nn/pooling";
import type { BatchNormOptions } from "../src/nn/batchnorm";
import { Flatten } from "../src/nn/flatten";
import { Linear } from "../src/nn/linear";
import { Sequential } from "../src/nn/sequential";
import { SGD } from "../src/optim/sgd";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";

/** The backend the library chose when it loaded (BNLAB_BACKEND, else the fastest). */
const startBackend = backend();

const rng = new Rng("conv-fast-path-test");
const backends: Array<[string, Backend | null]> = [["js", jsBackend], ["wasm", loadWasmBackend()], ["native", nativeExpectedHere() ? loadNativeBackend() : null]];

function tensor(shape: number[]): Tensor {
  return new Tensor(shape, Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)));
}

function expectIdentical(a: Float64Array, b: Float64Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  const i = a.findIndex((v, k) => !Object.is(v, b[k]));
  expect(i === -1 ? "identical" : `${what}: entry ${i} is ${a[i]} on the fast path, ${b[i]} on the reference`).toBe("identical");
}

const CASES: Array<[number[], number, number, Conv2dOptions]> = [
  [[2, 3, 7, 6], 4, 3, { padding: 1 }],
  [[3, 2, 1, 1], 3, 3, { padding: 3, stride: 2 }],
  [[2, 1, 9, 8], 5, 2, { stride: 4 }],
  [[2, 3, 6, 6], 2, 3, { stride: 2, padding: 2, bias: false }],
  [[1, 4, 5, 5], 2, 1, {}],
  [[4, 1, 28, 28], 6, 5, { padding: 2 }],
  [[3, 6, 14, 14], 16, 5, {}],
];

describe("Conv2d's fast path", () => {
  afterEach(() => useBackend(startBackend));

  for (const [name, k] of backends) {
    it.runIf(k !== null)(`gives the reference code's output and gradients (${name} backend)`, () => {
      useBackend(k!);
      for (const [shape, out, size, options] of CASES) {
        const what = `Conv2d(${shape[1]}→${out}, ${size}, ${JSON.stringify(options)}) on [${shape}]`;
        const fast = new Conv2d(shape[1], out, size, { ...options, rng: new Rng(`conv ${what}`) });
        const reference = new Conv2d(shape[1], out, size, { ...options, rng: new Rng(`conv ${what}`) });
        reference.fastPath = false;
        const x = tensor(shape);
        const y = fast.forward(x), yRef = reference.forward(x);
        expect(y.shape).toEqual(yRef.shape);
        expectIdentical(y.data, yRef.data, `${what}: y`);
        const dy = tensor([...y.shape]);
        for (const inputGrad of [true, false]) {
          const dx = fast.backward(dy, { inputGrad }), dxRef = reference.backward(dy, { inputGrad });
          if (inputGrad) expectIdentical(dx!.data, dxRef!.data, `${what}: dx`);
          else expect([dx, dxRef]).toEqual([null, null]);
        }
        // gradients accumulated over both backward calls
        expectIdentical(fast.weight.grad.data, reference.weight.grad.data, `${what}: ∂weight`);
        if (fast.bias) {
          const worst = Math.max(...Array.from(fast.bias.grad.data, (v, i) => Math.abs(v - reference.bias!.grad.data[i]) / (1 + Math.abs(v))));
          expect(worst, `${what}: ∂bias`).toBeLessThanOrEqual(1e-12);
        }
      }
    });
  }

  it("passes gradcheck (input, weight and bias), with stride and padding", () => {
    const conv = new Conv2d(2, 3, 3, { stride: 2, padding: 1, rng: new Rng("conv-gradcheck") });
    expect(conv.fastPath).toBe(true);
    const result = gradcheckModule(conv, tensor([2, 2, 5, 5]));
    expect(result.ok, JSON.stringify(result.maxRelativeError)).toBe(true);
  });

  it("checks its input and dy exactly as the reference does (errors name the layer)", () => {
    const conv = new Conv2d(3, 2, 3);
    expect(() => conv.backward(tensor([1, 2, 3, 3]))).toThrow(/Conv2d.*forward\(\) before backward/);
    expect(() => conv.forward(tensor([1, 2, 5, 5]))).toThrow(/Conv2d/);
    expect(() => conv.forward(tensor([1, 3, 2, 2]))).toThrow(/does not fit/);
    conv.forward(tensor([1, 3, 5, 5]));
    expect(() => conv.backward(tensor([1, 2, 4, 3]))).toThrow(/Conv2d.*backward/);
  });
});

describe("ReLU's fast path", () => {
  afterEach(() => useBackend(startBackend));
  for (const [name, k] of backends) {
    it.runIf(k !== null)(`gives the reference loops' numbers bit for bit on Tensors and Matrices, special values included (${name} backend)`, () => {
      useBackend(k!);
      const special = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1, -1];
      for (const x of [tensor([2, 3, 5, 7]), new Matrix(3, 13, Float64Array.from({ length: 39 }, (_, i) => (i % 4 ? rng.uniform(-1, 1) : special[i % 9])))]) {
        const fast = new ReLU(), reference = new ReLU();
        reference.fastPath = false;
        const dy = x.map((v) => v * 3 - 1);
        expectIdentical(fast.forward(x as Tensor).data, reference.forward(x as Tensor).data, "y");
        expectIdentical(fast.backward(dy as Tensor).data, reference.backward(dy as Tensor).data, "dx");
      }
    });
  }
});

describe("BatchNorm2d's fast path", () => {
  afterEach(() => useBackend(startBackend));
  const VARIANTS: Array<[string, BatchNormOptions]> = [
    ["default", {}],
    ["affine off", { affine: false }],
    ["momentum null", { momentum: null }],
    ["no running stats", { trackRunningStats: false }],
    ["eps 0.1, momentum 0.3", { eps: 0.1, momentum: 0.3 }],
  ];
  const close = (a: Float64Array, b: Float64Array, what: string) => {
    expect(a.length, what).toBe(b.length);
    const worst = Math.max(0, ...Array.from(a, (v, i) => Math.abs(v - b[i]) / (1 + Math.abs(b[i]))));
    expect(worst, what).toBeLessThanOrEqual(1e-12);
  };
  for (const [name, k] of backends) {
    it.runIf(k !== null)(`gives the reference code's outputs, gradients and running statistics to 1e-12, training and eval (${name} backend)`, () => {
      useBackend(k!);
      for (const [variant, options] of VARIANTS) {
        for (const shape of [[4, 3, 5, 7], [2, 6, 28, 28], [3, 2, 1, 1], [1, 5, 3, 2]]) {
          const what = `${variant} [${shape}]`;
          const fast = new BatchNorm2d(shape[1], options), reference = new BatchNorm2d(shape[1], options);
          reference.fastPath = false;
          if (fast.affine) {
            for (const layer of [fast, reference]) {
              layer.gamma.data.forEach((_, c) => (layer.gamma.data[c] = 1 + 0.1 * c));
              layer.beta.data.forEach((_, c) => (layer.beta.data[c] = 0.2 * c - 0.3));
            }
          }
          for (const mode of ["train", "train", "eval"] as const) {
            fast.train(mode === "train");
            reference.train(mode === "train");
            const x = tensor(shape).map((v) => 3 * v + 1);
            close(fast.forward(x).data, reference.forward(x).data, `${what} ${mode}: y`);
            const dy = tensor(shape);
            close(fast.backward(dy).data, reference.backward(dy).data, `${what} ${mode}: dx`);
          }
          if (fast.affine) {
            close(fast.weight.grad.data, reference.weight.grad.data, `${what}: ∂γ`);
            close(fast.bias.grad.data, reference.bias.grad.data, `${what}: ∂β`);
          }
          close(fast.runningMean.data, reference.runningMean.data, `${what}: running mean`);
          close(fast.runningVar.data, reference.runningVar.data, `${what}: running var`);
          expect(fast.numBatchesTracked).toBe(reference.numBatchesTracked);
        }
      }
    });
  }

  it("passes gradcheck on the fast path (input, γ, β), training mode", () => {
    const bn = new BatchNorm2d(3);
    expect(bn.fastPath).toBe(true);
    bn.gamma.data.set([1.5, 0.5, -1]);
    const result = gradcheckModule(bn, tensor([3, 3, 4, 2]));
    expect(result.ok, JSON.stringify(result.maxRelativeError)).toBe(true);
  });
});

describe("MaxPool2d's fast path", () => {
  afterEach(() => useBackend(startBackend));
  for (const [name, k] of backends) {
    it.runIf(k !== null)(`gives the reference code's output and gradient bit for bit, ties and overlapping windows included (${name} backend)`, () => {
      useBackend(k!);
      for (const [size, stride] of [[2, undefined], [2, 1], [3, 2], [1, undefined], [3, 4]] as Array<[number, number | undefined]>) {
        for (const shape of [[2, 3, 8, 8], [2, 2, 7, 5], [1, 1, 3, 3], [64, 6, 28, 28]]) {
          if (size > shape[2] || size > shape[3]) continue;
          const fast = new MaxPool2d(size, stride), reference = new MaxPool2d(size, stride);
          reference.fastPath = false;
          const x = tensor(shape).map((v, i) => (i % 3 === 0 ? Math.round(2 * v) : i % 7 === 0 ? -Infinity : v)); // ties and −∞
          const y = fast.forward(x), yRef = reference.forward(x);
          expect(y.shape).toEqual(yRef.shape);
          expectIdentical(y.data, yRef.data, `MaxPool2d(${size}, ${stride}) [${shape}]: y`);
          const dy = tensor([...y.shape]);
          expectIdentical(fast.backward(dy).data, reference.backward(dy).data, `MaxPool2d(${size}, ${stride}) [${shape}]: dx`);
        }
      }
    });
  }

  it("lets a NaN win its window, as PyTorch's max_pool2d does", () => {
    const pool = new MaxPool2d(2);
    const y = pool.forward(new Tensor([1, 1, 2, 4], Float64Array.from([1, NaN, 5, 2, 3, 4, 1, NaN])));
    expect(Array.from(y.data)).toEqual([NaN, NaN]);
    const dx = pool.backward(new Tensor([1, 1, 1, 2], Float64Array.from([10, 20])));
    expect(Array.from(dx.data)).toEqual([0, 10, 0, 0, 0, 0, 0, 20]);
  });
});

describe("a LeNet-style CNN with BatchNorm2d", () => {
  afterEach(() => useBackend(startBackend));
  it.runIf(nativeExpectedHere())("trains to the same losses and weights, bit for bit, on the native and WebAssembly backends", () => {
    const run = (k: Backend): number[] => {
      useBackend(k);
      const r = new Rng("lenet-same-numbers");
      const model = new Sequential<Tensor, Matrix>(
        new Conv2d(1, 6, 5, { padding: 2, rng: r }), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2),
        new Conv2d(6, 16, 5, { rng: r }), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2), new Flatten(),
        new Linear(400, 120, { rng: r }), new ReLU(), new Linear(120, 84, { rng: r }), new ReLU(), new Linear(84, 10, { rng: r }),
      );
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const lossFn = new CrossEntropyLoss();
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const x = new Tensor([8, 1, 28, 28], Float64Array.from({ length: 8 * 784 }, () => r.uniform(0, 1)));
        const y = Array.from({ length: 8 }, () => Math.floor(r.uniform(0, 10)));
        opt.zeroGrad();
        losses.push(lossFn.forward(model.forward(x), y));
        model.backward(lossFn.backward(), { inputGrad: false });
        opt.step();
      }
      return [...losses, ...model.parameters().flatMap((p) => Array.from(p.value.data))];
    };
    const native = run(loadNativeBackend()!), wasm = run(loadWasmBackend()!);
    expect(native.length).toBe(wasm.length);
    expect(native.findIndex((v, i) => !Object.is(v, wasm[i]))).toBe(-1);
  });
});
