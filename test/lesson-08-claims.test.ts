/**
 * What lesson 8 says, checked with the same functions and seeds (src/experiments/cnn.ts).
 * Claims are qualitative comparisons with margins, not exact accuracies.
 */
import { afterEach, describe, expect, it } from "vitest";

// The experiments are long synchronous runs: give vitest's worker a turn of the event loop between
// tests, so that its progress messages to the main process are answered (else "Timeout calling onTaskUpdate").
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
import * as cnn from "../src/experiments/cnn";
import { Tensor } from "../src/tensor/tensor";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { LayerNorm } from "../src/nn/layernorm";
import { GroupNorm } from "../src/nn/groupnorm";

describe("lesson 8: which numbers share one μ and σ²", () => {
  it("the picture's groups: BN per channel, LayerNorm per example, InstanceNorm per (n, c), GroupNorm per (n, group)", () => {
    const N = 4, C = 6, P = 9;
    const fig = cnn.axesFigure(N, C, P);
    expect(fig.frames?.map((f) => f.name)).toEqual(["BatchNorm2d", "LayerNorm", "InstanceNorm2d", "GroupNorm (2 groups)"]);
    // z[n][c·P + p]: the group of example n, channel c, position p
    const groups = fig.frames!.map((f) => (f.data[0] as { z: number[][] }).z);
    const count = (z: number[][]) => new Set(z.flat()).size;
    const [bn, ln, inorm, gn] = groups;
    expect(count(bn)).toBe(C);
    expect(count(ln)).toBe(N);
    expect(count(inorm)).toBe(N * C);
    expect(count(gn)).toBe(2 * N);
    const at = (z: number[][], n: number, c: number, p: number) => z[n][c * P + p];
    expect(at(bn, 0, 2, 0)).toBe(at(bn, 3, 2, 8)); //  BN: one channel, over examples and positions
    expect(at(ln, 1, 0, 0)).toBe(at(ln, 1, 5, 8)); //  LayerNorm: one example, over channels
    expect(at(inorm, 1, 2, 0)).toBe(at(inorm, 1, 2, 8));
    expect(at(inorm, 1, 2, 0)).not.toBe(at(inorm, 1, 3, 0));
    expect(at(gn, 1, 0, 0)).toBe(at(gn, 1, 2, 4)); //  GroupNorm: channels 0–2, then 3–5
    expect(at(gn, 1, 2, 0)).not.toBe(at(gn, 1, 3, 0));
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
  const e1 = { runs: {}, stats: {} } as cnn.BnComparison;
  for (const norm of ["none", "batch"] as const) {
    it(`the LeNet ${norm === "batch" ? "with" : "without"} BN trains in 150 steps; accuracy every 15 steps, conv2's 16 channel statistics every 25`, () => {
      const r = cnn.withAndWithoutBn({ norms: [norm] });
      e1.runs[norm] = r.runs[norm];
      e1.stats[norm] = r.stats[norm];
      expect(r.runs[norm].history.eval.step).toEqual([0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150]);
      expect(r.stats[norm].steps).toEqual([0, 25, 50, 75, 100, 125, 150]);
      expect(r.stats[norm].mean.every((c) => c.length === 16) && r.stats[norm].std.every((c) => c.length === 16)).toBe(true);
      expect(r.runs[norm].accuracy).toBeGreaterThan(0.7);
    }, 600_000);
  }

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

  // Each experiment runs in parts (one per method), in separate tests: every run is independent and
  // seeded, so the parts are the lesson's numbers, and vitest's worker is never blocked for minutes.
  const lr: Partial<Record<"none" | "batch", number[]>> = {};
  it("learning-rate sweep without BN: the plain LeNet diverges at the largest rate (lr = 1)", () => {
    const r = cnn.lrSweep({ norms: ["none"] });
    expect(r.lrs).toEqual([0.01, 0.05, 0.25, 1]);
    lr.none = r.accuracy.none;
    expect(lr.none.at(-1)!).toBeLessThan(0.2);
  }, 600_000);
  it("learning-rate sweep with BN: the LeNet trains at every rate, lr = 1 included", () => {
    lr.batch = cnn.lrSweep({ norms: ["batch"] }).accuracy.batch;
    for (const a of lr.batch) expect(a).toBeGreaterThan(0.5);
  }, 600_000);
  it("the learning-rate sweep: BN is at least as good at every lr, and better at the largest (where the plain network diverges)", () => {
    const none = lr.none!, bn = lr.batch!;
    none.forEach((a, i) => expect(bn[i]).toBeGreaterThanOrEqual(a - 0.02));
    expect(bn.at(-1)!).toBeGreaterThan(none.at(-1)! + 0.1);
  });

  const deep: Partial<Record<cnn.DeepKind, { gradients: number[]; accuracy: number }>> = {};
  const ratio = (k: cnn.DeepKind) => deep[k]!.gradients[0] / deep[k]!.gradients.at(-1)!;
  const deepRun = (kind: cnn.DeepKind) => {
    const [r] = cnn.deepComparison({ kinds: [kind] });
    expect(r.gradients).toHaveLength(10);
    deep[kind] = { gradients: r.gradients, accuracy: r.run.accuracy };
  };
  it("10 convolutions, plain: the first layer's gradient at init is < 1% of the last one's, and 60 steps barely train it", () => {
    deepRun("plain");
    expect(ratio("plain")).toBeLessThan(0.01);
    expect(deep.plain!.accuracy).toBeLessThan(0.3);
  }, 600_000);
  it("10 convolutions with BatchNorm2d: the first layer's gradient is > 10% of the last one's, and it trains past 50%", () => {
    deepRun("batch");
    expect(ratio("batch")).toBeGreaterThan(0.1);
    expect(deep.batch!.accuracy).toBeGreaterThan(0.5);
  }, 600_000);
  it("10 convolutions with residual connections (no BN): it trains past 50%", () => {
    deepRun("residual");
    expect(deep.residual!.accuracy).toBeGreaterThan(0.5);
  }, 600_000);
  it("10 convolutions: BN and residual connections each beat the plain network by more than 20 points", () => {
    expect(deep.batch!.accuracy).toBeGreaterThan(deep.plain!.accuracy + 0.2);
    expect(deep.residual!.accuracy).toBeGreaterThan(deep.plain!.accuracy + 0.2);
  });

  const small: Partial<Record<"batch" | "group", number[]>> = {};
  for (const norm of ["batch", "group"] as const) {
    it(`small batches (${norm === "batch" ? "BatchNorm2d" : "GroupNorm"}): the LeNet trains past 75% at B = 2 and B = 4`, () => {
      small[norm] = cnn.batchSizeComparison({ norms: [norm], batchSizes: [2, 4] }).accuracy[norm];
      expect(small[norm]).toHaveLength(2);
      for (const a of small[norm]!) expect(a).toBeGreaterThan(0.75);
    }, 600_000);
  }
  it("small batches: in this CNN BatchNorm2d does NOT collapse at B = 2 (its statistics also average over H·W), unlike lesson 5's MLP", () => {
    expect(Math.abs(small.group![0] - small.batch![0])).toBeLessThan(0.05);
  });
});
