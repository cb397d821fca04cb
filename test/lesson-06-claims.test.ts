/**
 * Lesson 6 (capstone: with and without BN): the claims the lesson makes on its seeded runs.
 * Same functions, same seeds as lessons/06-capstone.md (src/experiments/capstone.ts); the sweeps
 * here run a subset of the lesson's grid (each run is identical to the lesson's cell of that grid).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { History } from "../src/train/fit";
import { Sequential } from "../src/nn/sequential";
import { Linear } from "../src/nn/linear";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Sigmoid, ReLU } from "../src/nn/activations";
import { normalInit } from "../src/random/init";
import { Rng } from "../src/random/rng";
import {
  FIGURE1,
  SWEEP,
  checkBnNet,
  checkStepsToTarget,
  figure1Run,
  percentileDrift,
  stepsToTarget,
  initScaleSweep,
  learningRateSweep,
  type EvalHistory,
} from "../src/experiments/capstone";

const last = (v: number[]) => v[v.length - 1];

describe("lesson 6: Figure 1 at our scale (784-100-100-100-10 sigmoid, N(0, 0.05²), lr 1, batch 60, 2,500 steps)", () => {
  let base: History;
  let bn: History;
  beforeAll(() => {
    base = figure1Run({ batchNorm: false }).history;
    bn = figure1Run({ batchNorm: true }).history;
  }, 120_000);

  it("BN reaches 90% test accuracy in fewer steps than the baseline (several times fewer)", () => {
    const sBase = stepsToTarget(base, FIGURE1.target);
    const sBN = stepsToTarget(bn, FIGURE1.target);
    expect(sBN).not.toBeNull();
    expect(sBase).not.toBeNull(); //  the baseline gets there too, within the 2,500 steps
    expect(sBN! * 3).toBeLessThanOrEqual(sBase!);
  });

  it("BN's final test accuracy is at least the baseline's, and BN is above it from the first evaluations on", () => {
    expect(last(bn.eval.testAccuracy)).toBeGreaterThanOrEqual(last(base.eval.testAccuracy));
    expect(last(bn.eval.testAccuracy)).toBeGreaterThan(0.92);
    // Figure 1(a): with BN the test accuracy is higher at every evaluation after step 0
    bn.eval.step.forEach((step, i) => {
      if (step > 0) expect(bn.eval.testAccuracy[i]).toBeGreaterThanOrEqual(base.eval.testAccuracy[i]);
    });
  });

  it("the baseline's sigmoid-input percentiles drift far more than BN's", () => {
    const dBase = percentileDrift(base);
    const dBN = percentileDrift(bn);
    expect(dBase.medianRange).toBeGreaterThan(2.5 * dBN.medianRange);
    expect(dBase.widthRange).toBeGreaterThan(2 * dBN.widthRange);
    expect(Math.abs(dBase.medianLast - dBase.medianFirst)).toBeGreaterThan(1); //  "falls by a couple of units"
    expect(Math.abs(dBN.medianLast - dBN.medianFirst)).toBeLessThan(0.75);
  });
});

describe("lesson 6: sweeps (196-64-64-64-10 sigmoid on 14×14 digits, 250 steps)", () => {
  it("init scale: BN trains at every scale of the sweep; the baseline only near 0.3–1", () => {
    const s = initScaleSweep({ scales: [0.001, 0.01, 3, 0.3] });
    expect(s.lr).toBe(SWEEP.lr);
    for (const i of [0, 1, 2]) expect(s.withBN[i]).toBeGreaterThan(0.7);
    for (const i of [0, 1]) expect(s.withoutBN[i]).toBeLessThan(0.2); //  stuck at chance
    expect(s.withoutBN[3]).toBeGreaterThan(0.8);
  }, 60_000);

  it("learning rate: at lr 10 BN still trains at every init scale of the heatmap, the baseline at none", () => {
    const lr = 10;
    expect(SWEEP.lrs).toContain(lr);
    const s = learningRateSweep({ lrs: [lr] });
    expect(s.scales).toEqual(SWEEP.heatmapScales);
    for (const i of s.scales.keys()) {
      expect(s.withBN[i][0]).toBeGreaterThan(0.8);
      const b = s.withoutBN[i][0];
      expect(Number.isNaN(b) || b < 0.2).toBe(true);
    }
    // and the baseline does train at its own best rate (so the comparison is fair)
    expect(initScaleSweep({ scales: [0.3], lr: 3 }).withoutBN[0]).toBeGreaterThan(0.75);
  }, 60_000);
});

describe("lesson 6: exercise checkers", () => {
  const good = (h: EvalHistory, t: number) => stepsToTarget(h, t);
  it("6.1 passes the reference and names each mistake", () => {
    expect(checkStepsToTarget(good).ok).toBe(true);
    const stub = () => {
      throw new Error("TODO: implement stepsToTarget — see the exercise above (Exercise 6.1)");
    };
    expect(checkStepsToTarget(stub).kind).toBe("not-implemented");
    const wrong: Record<string, (h: EvalHistory, t: number) => unknown> = {
      "train accuracy": (h, t) => {
        const i = h.trainAccuracy!.findIndex((a) => a >= t);
        return i < 0 ? null : h.steps![i];
      },
      "index of the evaluation": (h, t) => {
        const i = h.eval.testAccuracy.findIndex((a) => a >= t);
        return i < 0 ? null : i;
      },
      "the one before": (h, t) => {
        const i = h.eval.testAccuracy.findIndex((a) => a >= t);
        return i < 0 ? null : h.eval.step[i - 1];
      },
      "the one after": (h, t) => {
        const i = h.eval.testAccuracy.findIndex((a) => a >= t);
        return i < 0 ? null : h.eval.step[i + 1];
      },
      "> instead of ≥": (h, t) => {
        const i = h.eval.testAccuracy.findIndex((a) => a > t);
        return i < 0 ? null : h.eval.step[i];
      },
      "no null": (h, t) => {
        const i = h.eval.testAccuracy.findIndex((a) => a >= t);
        return i < 0 ? -1 : h.eval.step[i];
      },
    };
    for (const [name, fn] of Object.entries(wrong)) {
      const r = checkStepsToTarget(fn as (h: EvalHistory, t: number) => number | null);
      expect(r.ok, name).toBe(false);
      expect(r.kind, name).toBe("misconception");
      expect(r.message, name).toContain(name === "no null" ? "no null" : name);
    }
  });

  it("6.2 passes the right order and names BN after the activation, a redundant bias, no BN, BN on the logits", () => {
    const build = (order: "right" | "after" | "bias" | "none" | "logits" | "relu") => (seed: number) => {
      const rng = new Rng(seed);
      const init = normalInit(0.05);
      const layers = [];
      const sizes = [784, 100, 100, 100];
      for (let i = 0; i < 3; i++) {
        const lin = new Linear(sizes[i], sizes[i + 1], { bias: order === "bias" || order === "none", init, rng });
        const act = order === "relu" ? new ReLU() : new Sigmoid();
        if (order === "none") layers.push(lin, act);
        else if (order === "after") layers.push(lin, act, new BatchNorm1d(100));
        else layers.push(lin, new BatchNorm1d(100), act);
      }
      layers.push(new Linear(100, 10, { init, rng }));
      if (order === "logits") layers.push(new BatchNorm1d(10));
      return new Sequential(...layers);
    };
    expect(checkBnNet(build("right")).ok).toBe(true);
    const expected: Record<string, string> = {
      after: "batch norm after the activation",
      bias: "a Linear bias right before batch norm",
      none: "no batch norm",
      logits: "batch norm on the logits",
      relu: "wrong activation",
    };
    for (const [order, name] of Object.entries(expected)) {
      const r = checkBnNet(build(order as "after"));
      expect(r.ok, order).toBe(false);
      expect(r.message, order).toContain(name);
    }
  });
});
