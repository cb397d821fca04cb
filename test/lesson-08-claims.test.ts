/**
 * What lesson 8 says, checked with the same functions and seeds (src/experiments/cnn.ts).
 * Claims are qualitative comparisons with margins, not exact accuracies.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as cnn from "../src/experiments/cnn";
import { Tensor } from "../src/tensor/tensor";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { LayerNorm } from "../src/nn/layernorm";
import { GroupNorm } from "../src/nn/groupnorm";

describe("lesson 8: which numbers share one μ and σ²", () => {
  it("the picture's groups: BN per channel, LayerNorm per example, InstanceNorm per (n, c), GroupNorm per (n, group)", () => {
    const N = 4, C = 6;
    const count = (m: cnn.AxesMethod) => new Set(Array.from({ length: N * C }, (_, i) => cnn.statisticsGroup(m, Math.floor(i / C), i % C, C))).size;
    expect(count("BatchNorm2d")).toBe(C);
    expect(count("LayerNorm")).toBe(N);
    expect(count("InstanceNorm2d")).toBe(N * C);
    expect(count("GroupNorm (2 groups)")).toBe(2 * N);
    const fig = cnn.axesFigure(4, 6, 9);
    expect(fig.frames?.map((f) => f.name)).toEqual(cnn.AXES_METHODS);
  });

  it("the layers normalize those groups to mean 0 and std ≈ 1", () => {
    const x = new Tensor([4, 3, 5, 5]).map((_, i) => Math.sin(i * 0.37) * (1 + (Math.floor(i / 25) % 3)) + (Math.floor(i / 75) - 1.5));
    const groups = (t: Tensor, g: (n: number, c: number) => number, k: number) => {
      const s = Array.from({ length: k }, () => [] as number[]);
      t.data.forEach((v, i) => s[g(Math.floor(i / 75), Math.floor(i / 25) % 3)].push(v));
      return s.map((vals) => {
        const m = vals.reduce((a, b) => a + b, 0) / vals.length;
        return [m, Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length)];
      });
    };
    for (const [m, sd] of [...groups(new BatchNorm2d(3).forward(x), (n, c) => c, 3), ...groups(new LayerNorm([3, 5, 5]).forward(x), (n) => n, 4), ...groups(new GroupNorm(3, 3).forward(x), (n, c) => 3 * n + c, 12)]) {
      expect(Math.abs(m)).toBeLessThan(1e-12);
      expect(sd).toBeGreaterThan(0.99);
      expect(sd).toBeLessThanOrEqual(1);
    }
  });
});

describe("lesson 8: experiments", () => {
  let e1: cnn.BnComparison;
  beforeAll(() => {
    e1 = cnn.withAndWithoutBn();
  }, 600_000);

  it("the LeNet with BatchNorm2d learns faster: higher accuracy early, reaches 90% in fewer steps, ends at least as high", () => {
    const none = e1.runs.none.history.eval, bn = e1.runs.batch.history.eval;
    const at = (h: typeof none, step: number) => h.testAccuracy[h.step.indexOf(step)];
    expect(at(bn, 30)).toBeGreaterThan(at(none, 30) + 0.05);
    const s90bn = cnn.stepsTo(e1.runs.batch.history, 0.9);
    const s90none = cnn.stepsTo(e1.runs.none.history, 0.9);
    expect(s90bn).not.toBeNull();
    expect(s90none === null || s90bn! < s90none).toBe(true);
    expect(e1.runs.batch.accuracy).toBeGreaterThanOrEqual(e1.runs.none.accuracy - 0.01);
  });

  it("per-channel statistics: recorded every 25 steps for 16 channels", () => {
    expect(e1.stats.batch.steps).toEqual([0, 25, 50, 75, 100, 125, 150]);
    expect(e1.stats.none.std.every((r) => r.length === 16)).toBe(true);
  });

  it("the learning-rate sweep: BN is at least as good at every lr, and better at the largest", () => {
    const e2 = cnn.lrSweep();
    e2.lrs.forEach((_, i) => expect(e2.accuracy.batch[i]).toBeGreaterThanOrEqual(e2.accuracy.none[i] - 0.02));
    const last = e2.lrs.length - 1;
    expect(e2.accuracy.batch[last]).toBeGreaterThan(e2.accuracy.none[last] + 0.1);
  }, 600_000);

  it("10 convolutions: the plain network's first-layer gradient vanishes and it barely trains; BN and residual connections train", () => {
    const e3 = cnn.deepComparison();
    const by = Object.fromEntries(e3.map((r) => [r.kind, r]));
    const ratio = (k: string) => by[k].gradients[0] / by[k].gradients.at(-1)!;
    expect(ratio("plain")).toBeLessThan(0.01);
    expect(ratio("batch")).toBeGreaterThan(0.1);
    expect(by.plain.run.accuracy).toBeLessThan(0.3);
    expect(by.batch.run.accuracy).toBeGreaterThan(0.5);
    expect(by.residual.run.accuracy).toBeGreaterThan(by.plain.run.accuracy + 0.2);
  }, 600_000);

  it("small batches: in this CNN BatchNorm2d does NOT collapse at B = 2 (its statistics also average over H·W), unlike lesson 5's MLP", () => {
    const e4 = cnn.batchSizeComparison();
    const i2 = e4.batchSizes.indexOf(2);
    expect(e4.accuracy.batch[i2]).toBeGreaterThan(0.75);
    expect(Math.abs(e4.accuracy.group[i2] - e4.accuracy.batch[i2])).toBeLessThan(0.05);
  }, 600_000);
});
