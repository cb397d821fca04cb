/**
 * Lesson 3 (running averages): the claims the lesson makes on its seeded runs.
 * Same functions, same seeds as lessons/03-running-averages.md.
 */
import { describe, expect, it } from "vitest";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { DataLoader } from "../src/data/dataloader";
import { Matrix } from "../src/tensor/matrix";
import { evaluate } from "../src/train/evaluate";
import {
  batchNormLayers,
  calibrateBatchNorm,
  convergenceRun,
  meanOver,
  mnistFeatures,
  noiseFloor,
  predictedError,
  stepsToForget,
  trainBnMlp,
} from "../src/experiments/running-averages";

describe("lesson 3: running averages", () => {
  it("steps until the initial value weighs < 1%: ln(0.01)/ln(1 − m)", () => {
    expect(stepsToForget(0.1)).toBe(44);
    expect(stepsToForget(0.01)).toBe(459);
    expect(stepsToForget(0.5)).toBe(7);
    expect(stepsToForget(0.9)).toBe(2);
    expect(0.999 ** 300).toBeCloseTo(0.74, 2); // "the initial values still weigh ≈ 74%"
  });

  it("the running variance stores N/(N−1)·σ² (4/3 for the demo batch of four)", () => {
    const source = mnistFeatures();
    const x4 = source.features.selectRows([0, 1, 2, 3]).sliceCols(0, 3);
    const bn = new BatchNorm1d(3);
    bn.forward(x4);
    const mu = x4.meanRows();
    const biased = x4.sub(mu).map((d) => d * d).meanRows();
    const stored = bn.runningVar.sub(0.9).scale(10);
    for (const r of stored.div(biased).data) expect(r).toBeCloseTo(4 / 3, 9);
    expect(bn.runningMean.sub(mu.scale(0.1)).maxAbs()).toBeLessThan(1e-15);
    // CS231n's start (running_var 0): eval outputs ≈ √10 too large after one step
    const scale = biased.map((v) => Math.sqrt((v + 1e-5) / (0.1 * v + 1e-5)));
    for (const s of scale.data) expect(s).toBeGreaterThan(3.1);
  });

  it("running_mean converges like (1 − m)^t to a noise floor √(m/(2−m)/B), as predicted", () => {
    const momenta = [0.01, 0.1, 0.5, 0.9, null] as const;
    const runs = momenta.map((m) => convergenceRun({ momentum: m, steps: 600, batchSize: 60, seed: 0 }));
    const e0 = runs[0].meanError[0];
    expect(e0).toBeGreaterThan(0.5); // the initial 0 is far from the true means
    const plateau = runs.map((r) => meanOver(r.meanError, 400, 600));

    // "with m = 0.01 the running mean is still half a standard deviation off after 50 steps"
    expect(runs[0].meanError[50]).toBeGreaterThan(0.45);
    expect(runs[0].meanError[50]).toBeLessThan(0.55);
    // measured follows the prediction in the forgetting regime
    for (const [i, t] of [[0, 50], [0, 100], [0, 200], [1, 10]] as const) {
      const pred = predictedError(runs[i].momentum, t, e0, 60);
      expect(Math.abs(runs[i].meanError[t] / pred - 1)).toBeLessThan(0.15);
    }
    // the plateau sits near the predicted noise floor (m = 0.1: about 0.03σ)
    [0.01, 0.1, 0.5, 0.9].forEach((m, i) => {
      const ratio = plateau[i] / noiseFloor(m, 60);
      expect(ratio).toBeGreaterThan(0.6);
      expect(ratio).toBeLessThan(1.4);
    });
    expect(plateau[1]).toBeGreaterThan(0.02);
    expect(plateau[1]).toBeLessThan(0.035);
    // larger momentum: forgets faster, but a higher floor
    expect(plateau[3]).toBeGreaterThan(plateau[2]);
    expect(plateau[2]).toBeGreaterThan(plateau[1]);
    expect(plateau[1]).toBeGreaterThan(plateau[0]);
    expect(runs[2].meanError[20]).toBeLessThan(runs[1].meanError[20]);
    expect(runs[1].meanError[20]).toBeLessThan(runs[0].meanError[20]);
    // the cumulative average has no floor: the smallest error of all at the end
    expect(plateau[4]).toBeLessThan(plateau[0]);
    expect(plateau[4]).toBeLessThan(0.005);
  });

  it("momentum = null is the plain average of the batch means", () => {
    const source = mnistFeatures();
    const bn = new BatchNorm1d(32, { momentum: null });
    const loader = new DataLoader({ x: source.features, y: new Array(source.features.rows).fill(0), numClasses: 1, name: "f" }, { batchSize: 60, seed: 1 });
    const means: Matrix[] = [];
    for (const batch of loader) {
      bn.forward(batch.x);
      means.push(batch.x.meanRows());
      if (means.length === 5) break;
    }
    expect(bn.numBatchesTracked).toBe(5);
    expect(bn.runningMean.sub(means.reduce((a, b) => a.add(b)).scale(1 / 5)).maxAbs()).toBeLessThan(1e-12);
  });

  it("calibration repairs stale running statistics (momentum 0.001) without changing a weight", () => {
    const { model, train, test } = trainBnMlp({ momentum: 0.001, steps: 300, seed: 0 });
    const before = evaluate(model, test);
    const weights = model.parameters().map((p) => Array.from(p.value.data));
    const oneBatch = (() => {
      calibrateBatchNorm(model, train, { batches: 1 });
      return evaluate(model, test).accuracy;
    })();
    calibrateBatchNorm(model, train);
    const after = evaluate(model, test);

    expect(before.accuracy).toBeLessThan(after.accuracy - 0.02);
    expect(before.loss).toBeGreaterThan(3 * after.loss);
    expect(after.accuracy).toBeGreaterThan(0.93);
    expect(oneBatch - before.accuracy).toBeGreaterThan((after.accuracy - before.accuracy) / 2); // a handful of batches suffice
    model.parameters().forEach((p, i) => expect(Array.from(p.value.data)).toEqual(weights[i]));
    const bns = batchNormLayers(model);
    expect(bns.every((bn) => bn.momentum === 0.001 && bn.numBatchesTracked === 20)).toBe(true);
    expect(model.training).toBe(true);
  }, 60_000);
});
