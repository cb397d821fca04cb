import { describe, expect, it } from "vitest";
import { evaluate, fit, loadMnist, mlp } from "../src";

describe("learning on MNIST", () => {
  it("the 784-100-100-100-10 sigmoid MLP with batch norm reaches ≥ 90% test accuracy (SGD, batch 60)", () => {
    const { train, test } = loadMnist({ seed: 0 });
    const model = mlp({ sizes: [784, 100, 100, 100, 10], activation: "sigmoid", batchNorm: true, seed: 0 });
    const history = fit(model, { train, test }, { steps: 1000, batchSize: 60, lr: 0.5, evalEvery: 250, evalSize: 500 });
    const final = evaluate(model, test);
    const stepsPerSecond = history.steps.length / (history.wallTimeMs / 1000);
    console.log(`MNIST BN MLP: ${stepsPerSecond.toFixed(1)} steps/s, test accuracy ${(100 * final.accuracy).toFixed(1)}%`);
    expect(final.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(model.training).toBe(true);
  });
});
