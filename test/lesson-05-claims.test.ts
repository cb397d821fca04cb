/**
 * Lesson 5 (small batches fail): the claims the lesson makes on its seeded runs.
 * Same functions, same seeds as lessons/05-small-batches.md. Every training run is independent
 * (its own seeded model and batch order), so the subset of runs below gives exactly the lesson's numbers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Linear } from "../src/nn/linear";
import { NormKind } from "../src/train/mlp";
import { evaluate } from "../src/train/evaluate";
import {
  BATCH_SIZES,
  BatchNoise,
  RunResult,
  batchStatNoise,
  firstLayerFeatures,
  lessonData,
  makeModel,
  nonIidComparison,
  NonIidRow,
  batchSizeSweep,
  trainModeAccuracy,
} from "../src/experiments/small-batches";

describe("lesson 5: the noise of batch statistics", () => {
  let noise: BatchNoise[];
  beforeAll(() => {
    noise = batchStatNoise(firstLayerFeatures(), { batchSizes: BATCH_SIZES, batches: 2000 });
  }, 30_000);

  it("the standard deviation of the batch mean follows σ/√B within 5% from B = 2 to 128", () => {
    for (const r of noise) expect(Math.abs(r.meanStd * Math.sqrt(r.batchSize) - 1)).toBeLessThan(0.05);
  });

  it("and not σ/B: at B = 128 it is more than 10 times σ/B", () => {
    const last = noise[noise.length - 1];
    expect(last.meanStd * last.batchSize).toBeGreaterThan(10);
  });

  it("the log-log slope of the batch-mean noise is −1/2", () => {
    const first = noise[0];
    const last = noise[noise.length - 1];
    const slope = Math.log(last.meanStd / first.meanStd) / Math.log(last.batchSize / first.batchSize);
    expect(slope).toBeGreaterThan(-0.53);
    expect(slope).toBeLessThan(-0.47);
  });

  it("the batch variance's noise matches the kurtosis formula within 5%", () => {
    for (const r of noise) expect(Math.abs(r.varStd / r.varTheory - 1)).toBeLessThan(0.05);
  });
});

describe("lesson 5: accuracy against batch size", () => {
  const runs = new Map<string, RunResult>();
  const acc = (norm: NormKind, batchSize: number) => runs.get(`${norm}/${batchSize}`)!.accuracy;

  beforeAll(() => {
    const sweep = batchSizeSweep({ methods: ["batch", "renorm", "group", "layer"], batchSizes: [2, 4, 32, 128] });
    for (const row of sweep.rows) row.runs.forEach((run, i) => runs.set(`${row.norm}/${sweep.batchSizes[i]}`, run));
  }, 120_000);

  it("BatchNorm's accuracy at B = 2 is far below its accuracy at B = 32 and 128", () => {
    expect(acc("batch", 32)).toBeGreaterThan(0.88);
    expect(acc("batch", 128)).toBeGreaterThan(0.88);
    expect(acc("batch", 2)).toBeLessThan(Math.min(acc("batch", 32), acc("batch", 128)) - 0.2);
    expect(acc("batch", 4)).toBeLessThan(acc("batch", 32) - 0.03); // still hurt at B = 4
  });

  it("GroupNorm's and LayerNorm's accuracy at B = 2 is not below their accuracy at B = 32", () => {
    for (const norm of ["group", "layer"] as NormKind[]) {
      expect(acc(norm, 2)).toBeGreaterThan(0.88);
      expect(acc(norm, 2)).toBeGreaterThan(acc(norm, 32) - 0.02);
      expect(acc(norm, 2)).toBeGreaterThan(acc("batch", 2) + 0.3);
    }
  });

  it("Batch Renorm recovers B = 4 fully and a large part of B = 2", () => {
    expect(acc("renorm", 4)).toBeGreaterThan(acc("group", 4) - 0.02);
    expect(acc("renorm", 4)).toBeGreaterThan(acc("batch", 4) + 0.03);
    const lost = acc("group", 2) - acc("batch", 2);
    const recovered = acc("renorm", 2) - acc("batch", 2);
    expect(recovered / lost).toBeGreaterThan(0.35);
    expect(acc("renorm", 2)).toBeLessThan(acc("group", 2) - 0.05); // but not all of it
  });

  it("Batch Renorm scores the same in training mode as in eval mode; BatchNorm at B = 4 does not", () => {
    const { test } = lessonData();
    for (const batchSize of [2, 4, 32]) {
      const run = runs.get(`renorm/${batchSize}`)!;
      expect(Math.abs(trainModeAccuracy(run.model, test, batchSize) - run.accuracy)).toBeLessThan(0.02);
    }
    const bn4 = runs.get("batch/4")!;
    expect(trainModeAccuracy(bn4.model, test, 4)).toBeLessThan(bn4.accuracy - 0.08);
    expect(evaluate(bn4.model, test).accuracy).toBe(bn4.accuracy); // trainModeAccuracy restored the running statistics
  });

  it("BatchNorm at B = 2 trains badly even on its own terms: high loss, first-layer weights blown up", () => {
    const finalLoss = (r: RunResult) => r.history.loss.slice(-100).reduce((s, v) => s + v, 0) / 100;
    const growth = (r: RunResult) => {
      const w = (r.model.children()[0] as Linear).weight.value;
      const w0 = (makeModel(r.norm).children()[0] as Linear).weight.value;
      return Math.sqrt(w.map((v) => v * v).sum() / w0.map((v) => v * v).sum());
    };
    expect(finalLoss(runs.get("batch/2")!)).toBeGreaterThan(1.5);
    expect(finalLoss(runs.get("batch/32")!)).toBeLessThan(0.4);
    expect(finalLoss(runs.get("group/2")!)).toBeLessThan(0.4);
    expect(growth(runs.get("batch/2")!)).toBeGreaterThan(10);
    expect(growth(runs.get("group/2")!)).toBeLessThan(4);
  });
});

describe("lesson 5: a batch of two and a batch of one", () => {
  it("with two examples every normalized value is ±1 (unless the two nearly tie)", () => {
    const y = new BatchNorm1d(3).forward(Matrix.fromArray([[0.3, 5, 100], [0.1, -7, 101]]));
    for (const v of y.data) expect(Math.abs(Math.abs(v) - 1)).toBeLessThan(1e-3);
  });

  it("BatchNorm1d refuses a batch of one in training mode, says why, and accepts it in eval mode", () => {
    const bn = new BatchNorm1d(4);
    const one = Matrix.fromArray([[0.5, -1.2, 3.0, 0.7]]);
    expect(() => bn.forward(one)).toThrow(/more than 1 value per feature when training, got a batch of 1.*variance of a single example is 0/);
    bn.eval();
    expect(bn.forward(one).rows).toBe(1);
  });
});

describe("lesson 5: non-i.i.d. batches", () => {
  let rows: NonIidRow[];
  const row = (norm: NormKind) => rows.find((r) => r.norm === norm)!;
  beforeAll(() => {
    rows = nonIidComparison({ methods: ["batch", "renorm", "group"] });
  }, 60_000);

  it("BatchNorm trained on one-class batches is at chance in eval mode, against > 88% shuffled", () => {
    expect(row("batch").shuffled.accuracy).toBeGreaterThan(0.88);
    expect(row("batch").oneClass.accuracy).toBeLessThan(0.15);
  });

  it("Batch Renorm and GroupNorm fare clearly better on one-class batches", () => {
    expect(row("renorm").oneClass.accuracy).toBeGreaterThan(row("batch").oneClass.accuracy + 0.2);
    expect(row("group").oneClass.accuracy).toBeGreaterThan(0.7);
    expect(row("group").oneClass.accuracy).toBeGreaterThan(row("renorm").oneClass.accuracy);
  });
});
