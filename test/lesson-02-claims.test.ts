/**
 * Lesson 2 (γ and β): the claims the lesson makes on its seeded runs.
 * Same functions, same seeds as lessons/02-gamma-beta.md; the learner's solutions are the library's
 * reference solutions (test/helpers/solutions).
 */
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Linear } from "../src/nn/linear";
import { Sequential } from "../src/nn/sequential";
import { gradcheckModule } from "../src/check/gradcheck";
import { solutions } from "./helpers/solutions";
const { batchNormForward, normalize, recoverIdentity } = solutions;
import { hiddenPreactivations, mnistBatch } from "../src/experiments/normalize";
import {
  SIGMOID_SETTINGS,
  biasBeforeBn,
  bnLayers,
  sigmoidFigure,
  sigmoidInputs,
  sigmoidRegions,
  trainBnSigmoid,
} from "../src/experiments/gamma-beta";

const EPS = 1e-5;
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe("lesson 2: γ and β", () => {
  const { z } = hiddenPreactivations(1000);
  const batch = z.selectRows(rows(0, 60));
  const nextBatch = z.selectRows(rows(60, 60));

  it("BatchNorm1d with weight = γ, bias = β computes γ·x̂ + β", () => {
    const gamma = Matrix.row(Array.from({ length: 100 }, (_, j) => 0.5 + (j % 4)));
    const beta = Matrix.row(Array.from({ length: 100 }, (_, j) => (j % 3) - 1));
    const bn = new BatchNorm1d(100);
    bn.weight.value.copyFrom(gamma);
    bn.bias.value.copyFrom(beta);
    expect(bn.forward(batch).sub(batchNormForward(batch, gamma, beta, EPS)).maxAbs()).toBeLessThan(1e-12);
  });

  it("γ = √(σ² + ε), β = μ gives back the batch exactly, but the next batch only approximately", () => {
    const { gamma, beta } = recoverIdentity(batch, EPS);
    const bn = new BatchNorm1d(100);
    bn.weight.value.copyFrom(gamma);
    bn.bias.value.copyFrom(beta);
    expect(bn.forward(batch).sub(batch).maxAbs()).toBeLessThan(1e-14);
    const off = bn.forward(nextBatch).sub(nextBatch).maxAbs();
    expect(off).toBeGreaterThan(0.01); //  "differences of 0.02 …"
    expect(off).toBeLessThan(0.04);
    expect(nextBatch.sub(nextBatch.meanRows()).maxAbs()).toBeCloseTo(0.08, 2); // "… on values that spread ±0.08"
  });

  it("sigmoid regions: x̂ is 69% linear and 0.3% saturated; γ = 8 makes it 10% linear and 71% saturated", () => {
    const xhat = Array.from(normalize(z, EPS).data);
    const at = (gamma: number, beta: number) => sigmoidRegions(xhat.map((v) => gamma * v + beta));
    const start = at(1, 0);
    expect(start.linear).toBeCloseTo(0.689, 3);
    expect(start.saturated).toBeCloseTo(0.003, 3);
    expect(at(0.5, 0).linear).toBeGreaterThan(0.95);
    expect(at(4, 0).saturated).toBeGreaterThan(0.45);
    expect(at(8, 0).linear).toBeCloseTo(0.10, 2);
    expect(at(8, 0).saturated).toBeCloseTo(0.71, 2);
    // the slider: one frame per setting, the title of each states the fractions
    const fig = sigmoidFigure(xhat, SIGMOID_SETTINGS);
    expect(fig.frames?.length).toBe(SIGMOID_SETTINGS.length);
    expect(fig.layout.title?.text).toContain("69% of inputs in the linear region, 0.3% saturated");
  });

  it("training (500 steps) grows every γ of the 3rd BN layer above 1.25, β negative, linear fraction 69% → < 45%", () => {
    const run = trainBnSigmoid({ steps: 500 });
    const acc = run.history.eval.testAccuracy;
    expect(acc[acc.length - 1]).toBeGreaterThan(0.85);
    const [, , third] = bnLayers(run.model);
    expect(Math.min(...third.gamma.data)).toBeGreaterThan(1.25);
    expect(Math.max(...third.beta.data)).toBeLessThan(0);
    const inputs = sigmoidInputs(run.model, run.train.x, 600);
    expect(sigmoidRegions(inputs[2].data).linear).toBeLessThan(0.45);
    for (const k of [0, 1]) expect(sigmoidRegions(inputs[k].data).linear).toBeLessThan(0.65);
  }, 60_000);

  it("a Linear bias before BN: outputs identical for any bias, its gradient ~1e-12 of the weights'", () => {
    const r = biasBeforeBn(mnistBatch(60), 100, [0.1, 1, 10, 100]);
    expect(Math.max(...r.outputDifference)).toBeLessThan(1e-11);
    expect(r.biasGradMax).toBeLessThan(1e-9 * r.weightGradMax);
    expect(r.weightGradMax).toBeGreaterThan(1);
  });

  it("gradcheckModule marks the bias gradient as zero and passes the rest", () => {
    const x = mnistBatch(60).selectRows(rows(0, 6)).sliceCols(400, 420);
    const result = gradcheckModule(new Sequential(new Linear(20, 8), new BatchNorm1d(8)), x);
    expect(result.ok).toBe(true);
    const zero = result.entries.filter((e) => e.zero).map((e) => e.name);
    expect(zero).toEqual(["0.bias"]);
  });
});
