import { describe, expect, it } from "vitest";
import { Linear } from "../src/nn/linear";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { kaimingInit, normalInit } from "../src/random/init";

/** A Linear(2→3) with weights and bias we choose. */
function fixed(): Linear {
  const l = new Linear(2, 3);
  l.weight.value.copyFrom(Matrix.fromArray([[1, 2], [0, -1], [3, 0.5]])); // (out × in), as in PyTorch
  l.bias!.value.copyFrom(Matrix.row([0.5, 0, -1]));
  return l;
}

describe("Linear", () => {
  it("computes y = x·Wᵀ + b, with W of shape (out × in)", () => {
    const y = fixed().forward(Matrix.fromArray([[1, 1], [2, -1]]));
    expect(y.toArray()).toEqual([[3.5, -1, 2.5], [0.5, 1, 4.5]]);
  });

  it("backward: ∂L/∂W = dyᵀ·x, ∂L/∂b = Σ over the batch, ∂L/∂x = dy·W", () => {
    const l = fixed();
    const x = Matrix.fromArray([[1, 1], [2, -1]]);
    l.forward(x);
    const dy = Matrix.fromArray([[1, 0, 2], [0, 1, -1]]);
    const dx = l.backward(dy);
    expect(l.weight.grad.toArray()).toEqual([[1, 1], [2, -1], [0, 3]]);
    expect(l.bias!.grad.toArray()).toEqual([[1, 1, 1]]);
    expect(dx.toArray()).toEqual([[7, 3], [-3, -1.5]]);
  });

  it("gradients accumulate over backward calls until zeroGrad()", () => {
    const l = fixed();
    const x = Matrix.fromArray([[1, 2]]);
    const dy = Matrix.fromArray([[1, 1, 1]]);
    l.forward(x);
    l.backward(dy);
    l.backward(dy);
    expect(l.bias!.grad.toArray()).toEqual([[2, 2, 2]]);
    l.zeroGrad();
    expect(l.weight.grad.sum()).toBe(0);
    expect(l.bias!.grad.sum()).toBe(0);
  });

  it("bias: false has no bias parameter (before BatchNorm it would be redundant)", () => {
    const l = new Linear(4, 3, { bias: false });
    expect(l.bias).toBeNull();
    expect(l.parameters().map((p) => p.name)).toEqual(["weight"]);
    expect(l.numParameters()).toBe(12);
    expect(l.toString()).toBe("Linear(4→3, bias=false)");
  });

  it("has PyTorch's parameter names and shapes", () => {
    const l = new Linear(784, 100);
    expect(l.namedParameters().map(([n, p]) => [n, p.value.shape])).toEqual([["weight", [100, 784]], ["bias", [1, 100]]]);
    expect(l.numParameters()).toBe(78500);
    expect(l.toString()).toBe("Linear(784→100)");
  });

  it("initializes like PyTorch by default: weight and bias in U(−1/√in, 1/√in)", () => {
    const l = new Linear(64, 32);
    const bound = 1 / Math.sqrt(64);
    expect(l.weight.value.maxAbs()).toBeLessThanOrEqual(bound);
    expect(l.bias!.value.maxAbs()).toBeLessThanOrEqual(bound);
    expect(l.bias!.value.maxAbs()).toBeGreaterThan(0);
  });

  it("an explicit init draws the weights and starts the bias at zero", () => {
    const l = new Linear(100, 50, { init: normalInit(0.01), rng: new Rng(1) });
    expect(l.weight.value.maxAbs()).toBeLessThan(0.06);
    expect(l.bias!.value.maxAbs()).toBe(0);
  });

  it("the same rng seed gives the same weights; the default is a fixed seed", () => {
    const a = new Linear(5, 4, { init: kaimingInit(), rng: new Rng(3) });
    const b = new Linear(5, 4, { init: kaimingInit(), rng: new Rng(3) });
    expect(a.weight.value.data).toEqual(b.weight.value.data);
    expect(new Linear(5, 4).weight.value.data).toEqual(new Linear(5, 4).weight.value.data);
  });
});
