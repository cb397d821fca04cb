/**
 * The image layers' fast paths (kernel passes) against their readable code
 * (fastPath = false), on every kernel: Conv2d (one image at a time through
 * src/tensor/conv2d-fast.ts) and ReLU. Conv2d's forward, weight gradient and
 * input gradient are the same products and copies in the same order, so they
 * must be equal bit for bit; only the bias gradient sums in another order
 * (to 1e-12). And gradcheck passes on the fast path.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Conv2d, Conv2dOptions } from "../src/nn/conv2d";
import { ReLU } from "../src/nn/activations";
import { Tensor } from "../src/tensor/tensor";
import { Matrix } from "../src/tensor/matrix";
import { defaultKernel, jsKernel, Kernel, useKernel } from "../src/tensor/kernel";
import { loadNativeKernel } from "../src/tensor/kernel-native";
import { loadWasmKernel } from "../src/tensor/kernel-wasm";
import { gradcheckModule } from "../src/check/gradcheck";
import { Rng } from "../src/random/rng";
import { nativeExpectedHere } from "./helpers/native";

const rng = new Rng("conv-fast-path-test");
const kernels: Array<[string, Kernel | null]> = [["js", jsKernel], ["wasm", loadWasmKernel()], ["native", nativeExpectedHere() ? loadNativeKernel() : null]];

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
  afterEach(() => useKernel(defaultKernel()));

  for (const [name, k] of kernels) {
    it.runIf(k !== null)(`gives the reference code's output and gradients (${name} kernel)`, () => {
      useKernel(k!);
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
  afterEach(() => useKernel(defaultKernel()));
  for (const [name, k] of kernels) {
    it.runIf(k !== null)(`gives the reference loops' numbers bit for bit on Tensors and Matrices, special values included (${name} kernel)`, () => {
      useKernel(k!);
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
