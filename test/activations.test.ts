import { describe, expect, it } from "vitest";
import { ReLU, Sigmoid, sigmoid, Tanh } from "../src/nn/activations";
import { Matrix } from "../src/tensor/matrix";
import { gradcheckEach, images } from "./helpers/image-layers";

const x = Matrix.fromArray([[-2, -0.5, 0], [0.5, 1, 3]]);

describe("ReLU", () => {
  it("max(0, x), and passes the gradient only where x > 0 (0 at the kink x = 0)", () => {
    const relu = new ReLU();
    expect(relu.forward(x).toArray()).toEqual([[0, 0, 0], [0.5, 1, 3]]);
    expect(relu.backward(Matrix.full(2, 3, 2)).toArray()).toEqual([[0, 0, 0], [2, 2, 2]]);
    expect(relu.toString()).toBe("ReLU");
    expect(relu.parameters()).toEqual([]);
  });
});

describe("Sigmoid", () => {
  it("σ(x) = 1/(1 + e^−x), σ(0) = 1/2, σ(−x) = 1 − σ(x)", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(sigmoid(-2) + sigmoid(2)).toBeCloseTo(1, 15);
  });

  it("is stable far into saturation (no NaN, no overflow)", () => {
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(Number.isFinite(sigmoid(-745))).toBe(true);
  });

  it("backward is dy·σ(1 − σ): at most 1/4, almost 0 when saturated", () => {
    const s = new Sigmoid();
    s.forward(Matrix.row([0, 20]));
    const dx = s.backward(Matrix.row([1, 1]));
    expect(dx.get(0, 0)).toBe(0.25);
    expect(dx.get(0, 1)).toBeLessThan(1e-8);
    expect(s.toString()).toBe("Sigmoid");
  });
});

describe("Tanh", () => {
  it("tanh(x) and backward dy·(1 − tanh²)", () => {
    const t = new Tanh();
    const y = t.forward(x);
    expect(y.get(1, 1)).toBeCloseTo(Math.tanh(1), 15);
    const dx = t.backward(Matrix.ones(2, 3));
    expect(dx.get(0, 2)).toBe(1);
    expect(dx.get(1, 1)).toBeCloseTo(1 - Math.tanh(1) ** 2, 15);
    expect(t.toString()).toBe("Tanh");
  });
});

describe("activations in eval mode", () => {
  it("compute the same thing as in training", () => {
    for (const make of [() => new ReLU(), () => new Sigmoid(), () => new Tanh()]) {
      expect(make().eval().forward(x).data).toEqual(make().forward(x).data);
    }
  });
});

describe("activations on image Tensors: gradcheck (relative error < 1e-7)", () => {
  const x = images([3, 2, 5, 4], 1, 1.5, 0.5);
  gradcheckEach([
    ["ReLU on a Tensor", () => new ReLU(), x, ["train"]],
    ["Sigmoid on a Tensor", () => new Sigmoid(), x, ["train"]],
    ["Tanh on a Tensor", () => new Tanh(), x, ["train"]],
  ]);
});
