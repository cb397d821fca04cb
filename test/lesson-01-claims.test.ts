/**
 * Lesson 1 (normalize): the claims the lesson makes on its seeded data.
 * Same functions, same seeds as lessons/01-normalize.md; the learner's solutions are the library's
 * reference solutions (test/helpers/solutions).
 */
import { checkers } from "../src/exercises/check";
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { gradcheck, gradcheckModule, numericalGradient, relativeError } from "../src/check/gradcheck";
import { solutions } from "./helpers/solutions";
const { batchStats, normalize, batchNormBackward } = solutions;
import {
  columnStats,
  hiddenPreactivations,
  mnistBatch,
  normalizeRows,
  spreadUnits,
  stagesFigure,
  tinyBatch,
  withGammaBeta,
} from "../src/experiments/normalize";

const EPS = 1e-5;

/** The lesson's normalizeBackward (Exercise 1.3's solution). */
function normalizeBackward(dxhat: Matrix, x: Matrix, eps: number): Matrix {
  const { mu, variance } = batchStats(x);
  const s = variance.map((v) => Math.sqrt(v + eps));
  const xhat = x.sub(mu).div(s);
  return dxhat.sub(dxhat.meanRows()).sub(xhat.mul(dxhat.mul(xhat).meanRows())).div(s);
}

const constantStats = (dxhat: Matrix, x: Matrix, eps: number) => dxhat.div(batchStats(x).variance.map((v) => Math.sqrt(v + eps)));
const min = (a: number[]) => Math.min(...a);
const max = (a: number[]) => Math.max(...a);

describe("lesson 1: normalize", () => {
  const { z } = hiddenPreactivations(1000);
  const xg = z.selectRows([0, 1, 2, 3, 4, 5, 6, 7]).sliceCols(0, 6);
  const R = Matrix.fromArray(xg.toArray().map((row, i) => row.map((_, j) => Math.sin(3 * i + j))));

  it("the tiny batch: four digits (8, 3, 7, 5) with features on very different scales; axis 0 vs axis 1", () => {
    const { x, labels } = tinyBatch();
    expect(labels).toEqual([8, 3, 7, 5]);
    expect(x.shape).toEqual([4, 3]);
    const mu = x.meanRows();
    expect(mu.get(0, 0)).toBeCloseTo(81.03, 2); //   "how much ink … on average? (81)"
    expect(mu.get(0, 1)).toBe(15.25);
    expect(batchStats(x).variance.get(0, 1)).toBe(22.6875);
    expect(x.meanCols().get(0, 0)).toBeCloseTo(28.4, 1); // the meaningless per-example mean
    const v = columnStats(normalize(x, EPS)).std.map((s) => s * s);
    expect(v[0]).toBeCloseTo(1, 4);
    expect(v[2]).toBeGreaterThan(0.9995); //                "0.9996, not 1": ε against a variance of 0.026
    expect(v[2]).toBeLessThan(0.9997);
    expect(batchStats(x).variance.get(0, 2)).toBeCloseTo(0.026, 3);
  });

  it("MNIST: 301 of 784 pixels are constant in a batch of 60; without ε they become NaN, with ε 0", () => {
    const pixels = mnistBatch(60);
    const { mu, variance } = batchStats(pixels);
    const constant = Array.from(variance.data).filter((v) => v === 0).length;
    expect(constant).toBe(301);
    const noEps = pixels.sub(mu).div(variance.map(Math.sqrt));
    expect(Array.from(noEps.data).filter(Number.isNaN).length).toBe(301 * 60);
    const withEps = normalize(pixels, EPS);
    expect(Array.from(withEps.data).some(Number.isNaN)).toBe(false);
  });

  it("the ε table: std of x̂ inside vs outside the root", () => {
    const inside = (s: number) => Math.sqrt((s * s) / (s * s + EPS));
    const outside = (s: number) => s / (s + EPS);
    expect(inside(0.02)).toBeCloseTo(0.988, 3);
    expect(outside(0.02)).toBeCloseTo(0.9995, 4);
    expect(inside(0.003)).toBeCloseTo(0.69, 2);
    expect(outside(0.003)).toBeCloseTo(0.997, 3);
  });

  it("hidden units: offsets −0.84 … 0.84, σ 0.016 … 0.029, between-unit spread ≈ 14× the within-unit one", () => {
    expect(z.shape).toEqual([1000, 100]);
    const { mean, std } = columnStats(z);
    expect(min(mean)).toBeCloseTo(-0.84, 2);
    expect(max(mean)).toBeCloseTo(0.84, 2);
    expect(min(std)).toBeGreaterThan(0.015);
    expect(max(std)).toBeLessThan(0.03);
    const spread = columnStats(Matrix.column(mean)).std[0];
    const typical = std.reduce((a, b) => a + b, 0) / std.length;
    expect(Math.round(spread / typical)).toBe(14);
  });

  it("axis 0 gives every unit mean 0 and std 0.98–0.99 (ε); axis 1 leaves the units apart (−3 … 3) and narrow", () => {
    const right = columnStats(normalize(z, EPS));
    expect(max(right.mean.map(Math.abs))).toBeLessThan(1e-12);
    expect(min(right.std)).toBeGreaterThan(0.975);
    expect(max(right.std)).toBeLessThan(0.995);
    const wrong = columnStats(normalizeRows(z, EPS));
    expect(min(wrong.mean)).toBeLessThan(-2.9);
    expect(max(wrong.mean)).toBeGreaterThan(2.8);
    expect(max(wrong.std)).toBeLessThan(0.11);
    expect(min(wrong.std)).toBeGreaterThan(0.05);
  });

  it("the stages figure: four frames, each with its own axes", () => {
    const units = spreadUnits(z, 5);
    expect(new Set(units).size).toBe(5);
    const fig = stagesFigure(z, units, EPS);
    expect(fig.frames?.length).toBe(4);
    expect(fig.frames?.every((f) => f.layout?.xaxis?.range && f.data.length === 5)).toBe(true);
  });

  it("BatchNorm1d (γ = 1, β = 0, or affine: false) matches normalize to 1e-12", () => {
    expect(new BatchNorm1d(100).forward(z).sub(normalize(z, EPS)).maxAbs()).toBeLessThan(1e-12);
    expect(new BatchNorm1d(100, { affine: false }).forward(z).sub(normalize(z, EPS)).maxAbs()).toBeLessThan(1e-12);
  });

  it("gradient check: the full backward agrees to < 1e-8, constant statistics are off by O(1)", () => {
    const loss = () => normalize(xg, EPS).mul(R).sum();
    const good = gradcheck(loss, [{ name: "dx", value: xg, grad: normalizeBackward(R, xg, EPS) }]);
    expect(good.ok).toBe(true);
    expect(good.maxRelativeError).toBeLessThan(1e-8);
    const bad = gradcheck(loss, [{ name: "dx", value: xg, grad: constantStats(R, xg, EPS) }]);
    expect(bad.maxRelativeError).toBeGreaterThan(0.1);
    expect(relativeError(normalizeBackward(R, xg, EPS), numericalGradient(loss, xg))).toBeLessThan(1e-8);
    // the lesson's solution, wrapped for the checker, passes it; and agrees with the library's solution
    expect(checkers.batchNormBackward(withGammaBeta(normalizeBackward)).ok).toBe(true);
    const lib = batchNormBackward(R, xg, Matrix.ones(1, 6), EPS);
    expect(lib.dx.sub(normalizeBackward(R, xg, EPS)).maxAbs()).toBeLessThan(1e-10);
  });

  it("Σᵢ dxᵢ = 0 per feature; Σᵢ dxᵢ·x̂ᵢ = 0 only for ε = 0 (small, not 0, with ε = 1e-5)", () => {
    const dx = normalizeBackward(R, xg, EPS);
    const scale = dx.maxAbs() * xg.rows;
    expect(dx.sumRows().maxAbs()).toBeLessThan(1e-12 * scale);
    expect(constantStats(R, xg, EPS).sumRows().maxAbs()).toBeGreaterThan(1);
    const dx0 = normalizeBackward(R, xg, 0);
    expect(dx0.mul(normalize(xg, 0)).sumRows().maxAbs()).toBeLessThan(1e-10 * scale);
    const withEps = dx.mul(normalize(xg, EPS)).sumRows().maxAbs();
    const constant = constantStats(R, xg, EPS).mul(normalize(xg, EPS)).sumRows().maxAbs();
    expect(withEps).toBeGreaterThan(1e-3);
    expect(withEps).toBeLessThan(0.2 * constant);
  });

  it("gradcheckModule: BatchNorm1d's dx, γ and β gradients agree to < 1e-8; its backward equals normalizeBackward", () => {
    const result = gradcheckModule(new BatchNorm1d(6), xg);
    expect(result.ok).toBe(true);
    expect(result.maxRelativeError).toBeLessThan(1e-8);
    const layer = new BatchNorm1d(6);
    layer.forward(xg);
    expect(layer.backward(R).sub(normalizeBackward(R, xg, EPS)).maxAbs()).toBeLessThan(1e-10);
  });
});
