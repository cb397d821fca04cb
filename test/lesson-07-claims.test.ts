/**
 * Lesson 7 (why does batch norm help?): every result the lesson states, on the same seeded runs
 * (src/experiments/why-bn.ts, the functions and seeds lessons/07-why-batchnorm-helps.md calls).
 * Stated numbers are checked to the precision the prose gives them (a few tenths of a point).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  WHY,
  landscapeStudy,
  learningRateStudy,
  noisyBnStudy,
  regularizationStudy,
  scaleInvariance,
  scaleStudy,
  type LandscapeStudy,
  type LearningRateStudy,
  type MeanError,
  type NoisyBnStudy,
  type RegularizationStudy,
  type ScaleStudy,
} from "../src/experiments/why-bn";

const LONG = 900_000; //  a shared 2-core machine can be ten times slower than an idle one
/** A stated percentage: the mean rounds to it (±0.06 points for one decimal), in fractions. */
const percent = (m: MeanError, stated: number, tol = 0.0006) => expect(Math.abs(m.mean * 100 - stated) / 100).toBeLessThanOrEqual(tol);
const diffError = (a: MeanError, b: MeanError) => Math.sqrt(a.error ** 2 + b.error ** 2);
/**
 * A study run one seed more at a time, yielding to the event loop in between (so that vitest's worker
 * answers its main process during the long runs), then on all its seeds: the runs are cached, so the
 * last call trains nothing new and returns exactly the study.
 */
async function seedBySeed<T>(study: (seeds: number[]) => T, seeds: readonly number[]): Promise<T> {
  for (let k = 1; k < seeds.length; k++) {
    study(seeds.slice(0, k));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return study(seeds.slice());
}

describe("§1 noisy BN (sigmoid MLP, 200 steps, lr 1, 5 seeds)", () => {
  let s: NoisyBnStudy;
  beforeAll(async () => {
    s = await seedBySeed(noisyBnStudy, WHY.seeds);
  }, LONG);

  it("noisy BN's inputs move about three times as far per step as without BN (0.75 vs 0.25; BN 0.16)", () => {
    expect(s.shift.noisy.mean).toBeCloseTo(0.75, 2);
    expect(s.shift.none.mean).toBeCloseTo(0.25, 2);
    expect(s.shift.bn.mean).toBeCloseTo(0.16, 2);
    expect(s.shift.noisy.mean / s.shift.none.mean).toBeGreaterThan(2.5);
    expect(s.shift.noisy.mean - s.shift.none.mean).toBeGreaterThan(5 * diffError(s.shift.noisy, s.shift.none));
  });

  it("test accuracy: noisy BN 88.5 ± 0.9%, BN 89.5 ± 0.3%, no BN 82.0 ± 1.2%", () => {
    percent(s.accuracy.noisy, 88.5, 0.0006);
    percent(s.accuracy.bn, 89.5, 0.0006);
    percent(s.accuracy.none, 82.0, 0.0006);
    expect(s.accuracy.noisy.error * 100).toBeCloseTo(0.9, 0);
    expect(s.accuracy.bn.error * 100).toBeCloseTo(0.3, 0);
    expect(s.accuracy.none.error * 100).toBeCloseTo(1.2, 0);
  });

  it("noisy BN is within about a point of BN (about one s.e. of the difference) and far above no BN", () => {
    const d = s.accuracy.bn.mean - s.accuracy.noisy.mean;
    expect(Math.abs(d)).toBeLessThan(0.015);
    expect(Math.abs(d)).toBeLessThan(1.5 * diffError(s.accuracy.bn, s.accuracy.noisy)); //  cannot tell them apart
    expect(s.accuracy.noisy.mean - s.accuracy.none.mean).toBeGreaterThan(3 * diffError(s.accuracy.noisy, s.accuracy.none));
  });
});

describe("§2–3 gradient ICS and the landscape along the gradient (5 seeds each)", () => {
  let sig: LandscapeStudy;
  let relu: LandscapeStudy;
  beforeAll(async () => {
    sig = await seedBySeed((seeds) => landscapeStudy("sigmoid", seeds), WHY.seeds);
    relu = await seedBySeed((seeds) => landscapeStudy("relu", seeds), WHY.seeds);
  }, LONG);
  const after0 = (steps: number[]) => steps.map((s, t) => [s, t] as const).filter(([s]) => s > 0).map(([, t]) => t);

  it("probes at steps 0, 50, …, 200 with step sizes ¼…4 × lr; ICS of every weight matrix above the first (3 layers)", () => {
    expect(sig.steps).toEqual([0, 50, 100, 150, 200]);
    expect(relu.stepSizes).toEqual([0.025, 0.05, 0.1, 0.2, 0.4]);
    expect(sig.layers[0].length).toBe(3);
    expect(sig.layers[1].length).toBe(3);
  });

  it("differs from the paper: with BN the output layer's gradient keeps a cosine ≥ 0.98 after step 0; without BN 0.35–0.65 (sigmoid), 0.2–0.55 (ReLU)", () => {
    for (const study of [sig, relu]) {
      const top = study.layers[0].length - 1;
      for (const t of after0(study.steps)) expect(study.icsCosine.bn[top][t].mean).toBeGreaterThanOrEqual(0.98);
    }
    const cosNone = (study: LandscapeStudy) => after0(study.steps).map((t) => study.icsCosine.none[study.layers[0].length - 1][t].mean);
    for (const c of cosNone(sig)) expect(c >= 0.35 && c <= 0.65, `sigmoid ${c}`).toBe(true);
    for (const c of cosNone(relu)) expect(c >= 0.2 && c <= 0.55, `ReLU ${c}`).toBe(true);
  });

  it("at the end of training the relative ICS ‖G−G′‖/‖G‖ is two to four times smaller with BN in every layer above the first", () => {
    for (const study of [sig, relu]) {
      const last = study.steps.length - 1;
      for (let j = 0; j < study.layers[0].length; j++) {
        const ratio = study.icsRelative.none[j][last].mean / study.icsRelative.bn[j][last].mean;
        expect(ratio, `${study.activation} layer ${j}`).toBeGreaterThan(1.8);
        expect(ratio, `${study.activation} layer ${j}`).toBeLessThan(4.5);
      }
    }
  });

  it("after step 0, BN's loss range, gradient change and β along the gradient are lower at every checkpoint, for both networks", () => {
    for (const study of [sig, relu]) {
      for (const t of after0(study.steps)) {
        const range = (n: string) => study.lossRange[n].max[t] - study.lossRange[n].min[t];
        expect(range("bn"), `${study.activation} step ${study.steps[t]}`).toBeLessThan(range("none"));
        expect(study.gradChange.bn.max[t]).toBeLessThan(study.gradChange.none.max[t]);
        expect(study.beta.bn[t].mean).toBeLessThan(study.beta.none[t].mean);
      }
    }
  });

  it("ReLU: β is 2.5–3.5× lower with BN after step 0; 12–16 without, 4–5.5 with; at step 0 BN's loss range is the larger one", () => {
    for (const t of after0(relu.steps)) {
      const ratio = relu.beta.none[t].mean / relu.beta.bn[t].mean;
      expect(ratio).toBeGreaterThan(2.2);
      expect(ratio).toBeLessThan(3.7);
      expect(relu.beta.none[t].mean).toBeGreaterThan(11.5);
      expect(relu.beta.none[t].mean).toBeLessThan(16.5);
      expect(relu.beta.bn[t].mean).toBeGreaterThan(4);
      expect(relu.beta.bn[t].mean).toBeLessThan(5.5);
    }
    const range0 = (n: string) => relu.lossRange[n].max[0] - relu.lossRange[n].min[0];
    expect(range0("bn")).toBeGreaterThan(range0("none"));
  });
});

describe("§4 the largest learning rate that trains (100 steps, 3 seeds, ≥ 50% test accuracy)", () => {
  let s: LearningRateStudy;
  beforeAll(async () => {
    s = await seedBySeed(learningRateStudy, WHY.lrSeeds);
  }, LONG);

  it("BN trains at ten times larger rates: sigmoid 10 instead of 1, ReLU 3 instead of 0.3", () => {
    expect(s.largest["sigmoid/none"]).toBe(1);
    expect(s.largest["sigmoid/bn"]).toBe(10);
    expect(s.largest["relu/none"]).toBe(0.3);
    expect(s.largest["relu/bn"]).toBe(3);
  });

  it("the sigmoid network without BN reaches only 66% at its best rate; the ReLU one fails from 1 on", () => {
    const i1 = s.lrs.indexOf(1);
    expect(Math.round(s.accuracy["sigmoid/none"][i1].mean * 100)).toBe(66);
    for (const [i, lr] of s.lrs.entries()) if (lr >= 1) expect(s.accuracy["relu/none"][i].mean).toBeLessThan(WHY.trainsAbove);
  });

  it("without BN the sigmoid network saturates (finite loss); the ReLU network ends at chance from 3 on, one of its nine runs there diverging", () => {
    let diverged = 0;
    for (const runs of s.runs["sigmoid/none"]) for (const r of runs) expect(r.diverged).toBe(false);
    expect(s.runs["sigmoid/none"].flat()).toHaveLength(s.lrs.length * WHY.lrSeeds.length);
    for (const [i, lr] of s.lrs.entries()) {
      if (lr < 3) continue;
      for (const r of s.runs["relu/none"][i]) {
        expect(r.options.lr).toBe(lr);
        if (r.diverged) diverged += 1;
        else expect(r.testAccuracy).toBeLessThanOrEqual(0.11);
      }
    }
    for (const r of s.runs["relu/none"][s.lrs.indexOf(30)]) expect(r.history.loss.at(-1)!).toBeGreaterThan(4); //  chance would be ln 10 ≈ 2.3
    expect(diverged).toBe(1);
  });
});

describe("§5 regularization (ReLU 196-64-64-10, 1,000 digits, 200 steps of 64, 5 seeds)", () => {
  let s: RegularizationStudy;
  const by = (name: string) => [...s.configs, ...s.ghost].find((c) => c.name === name)!;
  beforeAll(async () => {
    s = await seedBySeed(regularizationStudy, WHY.seeds);
  }, LONG);

  it("BN: test 88.3 ± 0.3% vs 86.1 ± 0.1% (about 2 points), train 99.6% vs 92.8%, gap 11.3 ± 0.4 vs 6.7 ± 0.4 points", () => {
    percent(by("BN").test, 88.3);
    percent(by("no BN").test, 86.1);
    expect(by("BN").test.error * 100).toBeCloseTo(0.3, 0);
    expect(by("BN").test.mean - by("no BN").test.mean).toBeGreaterThan(3 * diffError(by("BN").test, by("no BN").test));
    percent(by("BN").train, 99.6);
    percent(by("no BN").train, 92.8);
    percent(by("BN").gap, 11.3);
    percent(by("no BN").gap, 6.7);
    expect(by("BN").gap.mean).toBeGreaterThan(by("no BN").gap.mean); //  a LARGER gap with BN
  });

  it("dropout: gap 5.5 ± 0.3 points, test 84.1%; BN + dropout test 87.4%, below BN alone", () => {
    percent(by("dropout").gap, 5.5);
    percent(by("dropout").test, 84.1);
    percent(by("BN + dropout").test, 87.4);
    expect(by("BN + dropout").test.mean).toBeLessThan(by("BN").test.mean);
  });

  it("ghost batches: the gap shrinks from 11.3 (64) to 10.4 (16) and 8.0 points (4), training accuracy 99.6% → 93.4%; test 88.3% and 88.4% at 64 and 16, 85.4% at 4", () => {
    expect(s.ghostSizes).toEqual([4, 16, 64]);
    const gaps = s.ghost.map((g) => g.gap.mean);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]); //  monotone in the ghost size
    percent(by("ghost 4").gap, 8.0);
    percent(by("ghost 16").gap, 10.4);
    percent(by("ghost 64").gap, 11.3);
    percent(by("ghost 4").train, 93.4);
    percent(by("ghost 64").train, 99.6);
    percent(by("ghost 64").test, 88.3);
    percent(by("ghost 16").test, 88.4);
    percent(by("ghost 4").test, 85.4);
    const [a, b] = [by("ghost 16"), by("ghost 64")];
    expect(Math.abs(a.test.mean - b.test.mean)).toBeLessThanOrEqual(Math.max(a.test.error, b.test.error));
  });
});

describe("§6 scale invariance and the effective learning rate", () => {
  let s: ScaleStudy;
  beforeAll(async () => {
    s = await seedBySeed(scaleStudy, WHY.seeds);
  }, LONG);

  it("BN(aWx) = BN(Wx) and a·‖∇W‖ is constant (ε = 0)", () => {
    const inv = scaleInvariance();
    for (const c of inv.outputChange) expect(c).toBeLessThan(1e-12);
    for (const g of inv.gradTimesScale) expect(Math.abs(g / inv.gradTimesScale[0] - 1)).toBeLessThan(1e-12);
  });

  it("without weight decay ‖W‖ grows 12% (1.118 ± 0.002) and the relative update falls 0.041 → 0.026", () => {
    expect(s.weightDecays).toEqual([0, 0.005]);
    expect(s.growth[0].mean).toBeCloseTo(1.118, 3);
    expect(s.growth[0].error).toBeCloseTo(0.002, 3);
    expect(s.earlyUpdate[0].mean).toBeCloseTo(0.041, 3);
    expect(s.lateUpdate[0].mean).toBeCloseTo(0.026, 3);
  });

  it("with weight decay 0.005 ‖W‖ shrinks to 0.518 ± 0.004 and the relative update rises to 0.072", () => {
    expect(s.growth[1].mean).toBeCloseTo(0.518, 3);
    expect(s.growth[1].error).toBeCloseTo(0.004, 3);
    expect(s.lateUpdate[1].mean).toBeCloseTo(0.072, 3);
    expect(s.lateUpdate[1].mean).toBeGreaterThan(s.earlyUpdate[1].mean);
  });
});

describe("exercise 7.2's demonstration on the valley (1 − x)² + 10(y − x²)² from (−0.5, 0.8)", () => {
  it("the loss first falls along −∇L, then rises again past the valley floor", async () => {
    const { Matrix } = await import("../src/tensor/matrix");
    const { lossAlongGradient } = (await import("./helpers/solutions")).solutions;
    const valley = (t: InstanceType<typeof Matrix>) => {
      const [x, y] = t.data;
      return { loss: (1 - x) ** 2 + 10 * (y - x * x) ** 2, grad: Matrix.row([-2 * (1 - x) - 40 * x * (y - x * x), 20 * (y - x * x)]) };
    };
    const start = valley(Matrix.row([-0.5, 0.8])).loss;
    const { losses } = lossAlongGradient(valley, Matrix.row([-0.5, 0.8]), [0.001, 0.01, 0.03, 0.1]);
    expect(losses[0]).toBeLessThan(start);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(losses[2]).toBeLessThan(losses[1]);
    expect(losses[3]).toBeGreaterThan(start); //  overshoot
  });
});
