/**
 * Lesson 4 (eval mode): the claims the lesson makes on its seeded runs.
 * Same functions, same seeds as lessons/04-eval-mode.md.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Sequential } from "../src/nn/sequential";
import { Dataset } from "../src/data/dataset";
import { evaluate } from "../src/train/evaluate";
import {
  accuracyByBatchSize,
  batchDependence,
  findUnsureExample,
  trainBnMlp,
  trainModeAccuracy,
  withStateRestored,
} from "../src/experiments/eval-mode";

describe("lesson 4: eval mode", () => {
  let model: Sequential;
  let test: Dataset;
  let evalAccuracy: number;

  beforeAll(() => {
    ({ model, test } = trainBnMlp({ steps: 300, seed: 0 }));
    evalAccuracy = evaluate(model, test).accuracy;
  }, 60_000);

  it("trains a BN MLP to over 93% test accuracy in 300 steps", () => {
    expect(evalAccuracy).toBeGreaterThan(0.93);
  });

  it("in training mode one digit's prediction changes with its batch-mates; in eval mode it does not", () => {
    const index = findUnsureExample(model, test);
    const dep = batchDependence(model, test, { index, trials: 30, batchSize: 16, seed: 0 });
    expect(dep.evalPred).toBe(dep.label);
    expect(Math.max(...dep.evalProb) - Math.min(...dep.evalProb)).toBeLessThan(1e-12);
    expect(Math.max(...dep.trainProb) - Math.min(...dep.trainProb)).toBeGreaterThan(0.5);
    const wrong = dep.trainPred.filter((p) => p !== dep.label).length;
    expect(wrong).toBeGreaterThanOrEqual(1); // some batches flip the prediction
    expect(wrong).toBeLessThan(15); //          but not most of them
  });

  it("accuracy measured in training mode depends on the batch size and is lower for small batches", () => {
    const before = model.stateDict();
    const m = accuracyByBatchSize(model, test, [2, 4, 8, 16, 64, 256, 1000]);
    expect(m.evalMode).toBe(evalAccuracy);
    expect(m.trainMode[0]).toBeLessThan(m.evalMode - 0.3); // batch 2: far worse
    expect(m.trainMode[3]).toBeLessThan(m.evalMode - 0.02); // batch 16
    expect(Math.abs(m.trainMode[6] - m.evalMode)).toBeLessThan(0.01); // batch 1000: looks right
    for (let i = 1; i < m.trainMode.length; i++) expect(m.trainMode[i]).toBeGreaterThanOrEqual(m.trainMode[i - 1]);
    expect(model.stateDict()).toEqual(before); // restored
  });

  it("evaluating in training mode changes the running statistics (and the eval accuracy); eval mode does not", () => {
    const bn1 = model.at(1) as BatchNorm1d;
    withStateRestored(model, () => {
      const before = bn1.runningMean.clone();
      trainModeAccuracy(model, test, 16);
      expect(bn1.numBatchesTracked).toBe(300 + 63);
      expect(bn1.runningMean.sub(before).maxAbs()).toBeGreaterThan(0.05);
      expect(evaluate(model, test).accuracy).toBeLessThan(evalAccuracy);
      model.eval();
      const frozen = bn1.runningMean.clone();
      model.forward(test.x);
      expect(bn1.runningMean.sub(frozen).maxAbs()).toBe(0);
    });
    expect(evaluate(model, test).accuracy).toBe(evalAccuracy);
  });

  it("a single example works in eval mode and is refused in training mode", () => {
    const one = test.x.selectRows([0]);
    expect(model.eval().forward(one).rows).toBe(1);
    model.train();
    expect(() => model.forward(one)).toThrow(/Sequential layer 1: BatchNorm1d.*more than 1 value per feature when training/);
  });

  it("train() and eval() reach every layer of the Sequential", () => {
    model.eval();
    expect([model, ...model.layers].every((l) => l.training === false)).toBe(true);
    model.train();
    expect([model, ...model.layers].every((l) => l.training === true)).toBe(true);
  });
});
