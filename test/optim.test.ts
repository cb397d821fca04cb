import { describe, expect, it } from "vitest";
import { Adam, Matrix, Parameter, SGD } from "../src";

/** A one-number parameter p with value v. */
function scalar(v: number): Parameter {
  return new Parameter("p", Matrix.row([v]));
}

/** Run optimizer steps with the given gradients; return p after each step. */
function run(p: Parameter, opt: { step(): void }, grads: number[]): number[] {
  return grads.map((g) => {
    p.grad.data[0] = g;
    opt.step();
    return p.value.data[0];
  });
}

describe("SGD", () => {
  it("plain SGD: p = p − lr·g", () => {
    const p = new Parameter("w", Matrix.fromArray([[1, 2], [3, 4]]));
    p.grad = Matrix.fromArray([[1, -1], [0.5, 0]]);
    new SGD([p], { lr: 0.1 }).step();
    expect(p.value.toArray()).toEqual([[0.9, 2.1], [2.95, 4]]);
  });

  it("momentum: b = g on the first step, then b = μ·b + g", () => {
    const p = scalar(0);
    // b: 1, 0.9·1 + 1 = 1.9, 0.9·1.9 + 1 = 2.71; p −= 0.1·b
    const values = run(p, new SGD([p], { lr: 0.1, momentum: 0.9 }), [1, 1, 1]);
    [-0.1, -0.29, -0.561].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 14));
  });

  it("dampening scales the new gradient in the buffer, but not on the first step", () => {
    const p = scalar(0);
    // b: 1 (first step, undampened), then 0.9·1 + 0.5·1 = 1.4
    const values = run(p, new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 }), [1, 1]);
    [-0.1, -0.24].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 14));
  });

  it("nesterov: g = g + μ·b", () => {
    const p = scalar(0);
    // step 1: b = 1, g = 1 + 0.9·1 = 1.9; step 2: b = 1.9, g = 1 + 0.9·1.9 = 2.71
    const values = run(p, new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), [1, 1]);
    [-0.19, -0.461].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 14));
  });

  it("weight decay adds λ·p to the gradient (before momentum)", () => {
    const p = scalar(2);
    // g = 0 + 0.1·2 = 0.2 → p = 1.9; g = 0.19 → p = 1.805
    const values = run(p, new SGD([p], { lr: 0.5, weightDecay: 0.1 }), [0, 0]);
    [1.9, 1.805].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 14));
    const q = scalar(2);
    // with momentum: b = 0.2 → 1.9; b = 0.9·0.2 + 0.19 = 0.37 → 1.715
    const withMomentum = run(q, new SGD([q], { lr: 0.5, weightDecay: 0.1, momentum: 0.9 }), [0, 0]);
    [1.9, 1.715].forEach((v, i) => expect(withMomentum[i]).toBeCloseTo(v, 14));
  });

  it("keeps one momentum buffer per parameter", () => {
    const a = scalar(0);
    const b = scalar(0);
    const opt = new SGD([a, b], { lr: 1, momentum: 0.5 });
    a.grad.data[0] = 1;
    b.grad.data[0] = -2;
    opt.step();
    opt.step();
    expect(a.value.data[0]).toBeCloseTo(-(1 + 1.5), 14);
    expect(b.value.data[0]).toBeCloseTo(2 + 3, 14);
    expect(opt.stepCount).toBe(2);
  });

  it("zeroGrad clears every gradient", () => {
    const p = scalar(1);
    p.grad.data[0] = 5;
    new SGD([p], { lr: 1 }).zeroGrad();
    expect(p.grad.data[0]).toBe(0);
  });

  it("lr can be changed between steps (a schedule)", () => {
    const p = scalar(0);
    const opt = new SGD([p], { lr: 1 });
    opt.lr = 0.25;
    expect(run(p, opt, [1])).toEqual([-0.25]);
    expect(() => (opt.lr = -1)).toThrow("SGD: learning rate lr must be a finite number ≥ 0, got -1");
  });

  it("validates its options with actionable messages", () => {
    const p = [scalar(0)];
    expect(() => new SGD(p, { lr: -0.1 })).toThrow("SGD: learning rate lr must be a finite number ≥ 0, got -0.1");
    expect(() => new SGD(p, { lr: NaN })).toThrow("SGD: learning rate lr must be a finite number ≥ 0, got NaN");
    expect(() => new SGD(p, { lr: 0.1, momentum: -0.5 })).toThrow("SGD: momentum must be in [0, ∞), got -0.5");
    expect(() => new SGD(p, { lr: 0.1, dampening: 2 })).toThrow("SGD: dampening must be in [0, 1], got 2");
    expect(() => new SGD(p, { lr: 0.1, weightDecay: -1 })).toThrow("SGD: weightDecay must be in [0, ∞), got -1");
    expect(() => new SGD(p, { lr: 0.1, nesterov: true })).toThrow(
      "SGD: nesterov momentum needs momentum > 0 and dampening = 0, got momentum 0 and dampening 0",
    );
    expect(() => new SGD(p, { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(
      "SGD: nesterov momentum needs momentum > 0 and dampening = 0, got momentum 0.9 and dampening 0.1",
    );
    expect(() => new SGD([], { lr: 0.1 })).toThrow(
      "SGD: got an empty parameter list; pass model.parameters() of a model that has parameters",
    );
  });

  it("prints its settings", () => {
    expect(new SGD([scalar(0)], { lr: 0.1, momentum: 0.9, nesterov: true }).toString()).toBe(
      "SGD(lr=0.1, momentum=0.9, nesterov=true)",
    );
  });
});

describe("Adam", () => {
  it("first step moves every parameter by about lr against the sign of its gradient (bias correction)", () => {
    const p = new Parameter("w", Matrix.row([1, 1, 1]));
    p.grad = Matrix.row([2, -0.001, 0]);
    new Adam([p], { lr: 0.1 }).step();
    // m̂ = g, v̂ = g² → Δ = −lr·g / (|g| + ε)
    expect(p.value.data[0]).toBeCloseTo(1 - (0.1 * 2) / (2 + 1e-8), 15);
    expect(p.value.data[1]).toBeCloseTo(1 + (0.1 * 0.001) / (0.001 + 1e-8), 15);
    expect(p.value.data[2]).toBe(1);
  });

  it("matches the update computed by hand over two steps", () => {
    const p = scalar(1);
    const [b1, b2, lr, eps] = [0.9, 0.999, 0.1, 1e-8];
    const values = run(p, new Adam([p], { lr }), [1, 3]);
    // step 1: m = 0.1, v = 0.001, m̂ = 1, v̂ = 1
    const p1 = 1 - (lr * 1) / (1 + eps);
    // step 2: m = 0.9·0.1 + 0.1·3 = 0.39, v = 0.999·0.001 + 0.001·9 = 0.009999
    const m = b1 * 0.1 + (1 - b1) * 3;
    const v = b2 * 0.001 + (1 - b2) * 9;
    const mhat = m / (1 - b1 ** 2);
    const vhat = v / (1 - b2 ** 2);
    const p2 = p1 - (lr * mhat) / (Math.sqrt(vhat) + eps);
    expect(m).toBeCloseTo(0.39, 15);
    expect(v).toBeCloseTo(0.009999, 15);
    expect(values[0]).toBeCloseTo(p1, 14);
    expect(values[1]).toBeCloseTo(p2, 14);
  });

  it("weight decay adds λ·p to the gradient", () => {
    const p = scalar(2);
    p.grad.data[0] = 0;
    new Adam([p], { lr: 0.1, weightDecay: 0.5 }).step();
    // g = 0.5·2 = 1 → Δ = −0.1·1/(1 + ε)
    expect(p.value.data[0]).toBeCloseTo(2 - 0.1 / (1 + 1e-8), 15);
  });

  it("uses torch's defaults (lr 1e-3, betas [0.9, 0.999], eps 1e-8)", () => {
    const opt = new Adam([scalar(0)]);
    expect([opt.lr, opt.betas, opt.eps, opt.weightDecay]).toEqual([1e-3, [0.9, 0.999], 1e-8, 0]);
    expect(opt.toString()).toBe("Adam(lr=0.001, betas=[0.9, 0.999], eps=1e-8)");
  });

  it("validates its options with actionable messages", () => {
    const p = [scalar(0)];
    expect(() => new Adam(p, { lr: -1 })).toThrow("Adam: learning rate lr must be a finite number ≥ 0, got -1");
    expect(() => new Adam(p, { betas: [1, 0.999] })).toThrow("Adam: betas[0] must be in [0, 1), got 1");
    expect(() => new Adam(p, { betas: [0.9, -0.1] })).toThrow("Adam: betas[1] must be in [0, 1), got -0.1");
    expect(() => new Adam(p, { eps: -1e-8 })).toThrow("Adam: eps must be in [0, ∞), got -1e-8");
    expect(() => new Adam(p, { weightDecay: -1 })).toThrow("Adam: weightDecay must be in [0, ∞), got -1");
    expect(() => new Adam([])).toThrow("Adam: got an empty parameter list");
  });
});
