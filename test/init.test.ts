import { describe, expect, it } from "vitest";
import { initWeights, kaimingInit, normalInit, pytorchInit, xavierInit } from "../src/random/init";
import { Rng } from "../src/random/rng";
import { Matrix } from "../src/tensor/matrix";

function std(m: Matrix): number {
  const mean = m.mean();
  let v = 0;
  for (const x of m.data) v += (x - mean) ** 2;
  return Math.sqrt(v / m.size);
}

describe("weight initializers", () => {
  it("weights have PyTorch's layout: (fanOut × fanIn)", () => {
    expect(initWeights(784, 100, xavierInit(), new Rng(0)).shape).toEqual([100, 784]);
  });

  it("normalInit(std) draws N(0, std²)", () => {
    const w = initWeights(400, 300, normalInit(0.01), new Rng(1));
    expect(Math.abs(w.mean())).toBeLessThan(0.0002);
    expect(std(w) / 0.01).toBeCloseTo(1, 2);
  });

  it("normalInit rejects a negative std", () => {
    expect(() => normalInit(-1)).toThrow("normalInit: std must be ≥ 0, got -1");
  });

  it("xavierInit draws U(−a, a) with a = √(6 / (fanIn + fanOut)), so std = a/√3", () => {
    const fanIn = 300, fanOut = 200;
    const a = Math.sqrt(6 / (fanIn + fanOut));
    const w = initWeights(fanIn, fanOut, xavierInit(), new Rng(2));
    expect(w.maxAbs()).toBeLessThanOrEqual(a);
    expect(w.maxAbs()).toBeGreaterThan(0.99 * a);
    expect(std(w) / (a / Math.sqrt(3))).toBeCloseTo(1, 2);
  });

  it("kaimingInit draws N(0, 2/fanIn), He's choice for ReLU", () => {
    const fanIn = 500;
    const w = initWeights(fanIn, 200, kaimingInit(), new Rng(3));
    expect(std(w) / Math.sqrt(2 / fanIn)).toBeCloseTo(1, 2);
  });

  it("pytorchInit draws U(−1/√fanIn, 1/√fanIn), nn.Linear's default", () => {
    const fanIn = 256;
    const w = initWeights(fanIn, 300, pytorchInit(), new Rng(4));
    expect(w.maxAbs()).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    expect(std(w) / (1 / Math.sqrt(3 * fanIn))).toBeCloseTo(1, 2);
  });

  it("uniform init with an explicit bound", () => {
    const w = initWeights(100, 100, { kind: "uniform", bound: 0.5 }, new Rng(5));
    expect(w.maxAbs()).toBeLessThanOrEqual(0.5);
    expect(std(w) / (0.5 / Math.sqrt(3))).toBeCloseTo(1, 1);
  });

  it("the same seed gives the same weights", () => {
    expect(initWeights(5, 4, kaimingInit(), new Rng(9)).data).toEqual(initWeights(5, 4, kaimingInit(), new Rng(9)).data);
  });
});
