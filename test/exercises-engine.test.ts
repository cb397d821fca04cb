import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import {
  CHECK_MARKER,
  CheckFailedError,
  MISCONCEPTIONS,
  MISCONCEPTION_IDS,
  assertPasses,
  check,
  checkers,
  formatResult,
  report,
} from "../src/exercises";
import { drawn, type ExerciseSpec, type Outputs } from "../src/exercises/engine";
import { closeMatrices } from "../src/exercises/compare";
import { batchStatsSpec } from "../src/exercises/checkers/batch-stats";
import { normalizeSpec } from "../src/exercises/checkers/normalize";
import { batchNormForwardSpec } from "../src/exercises/checkers/batchnorm-forward";
import { batchNormBackwardSpec } from "../src/exercises/checkers/batchnorm-backward";
import { recoverIdentitySpec } from "../src/exercises/checkers/recover-identity";
import { updateRunningStatsSpec } from "../src/exercises/checkers/running-stats";
import { newBatchWeightSpec } from "../src/exercises/checkers/new-batch-weight";
import { guardBatchSpec } from "../src/exercises/checkers/guard-batch";
import { batchMeanStdSpec } from "../src/exercises/checkers/batch-mean-std";
import { solutions } from "./helpers/solutions";
import { stub } from "./exercises-helpers";

afterEach(() => vi.restoreAllMocks());

describe("the misconception catalogue", () => {
  it("has a name and an explanation for every id", () => {
    for (const id of MISCONCEPTION_IDS) {
      expect(MISCONCEPTIONS[id].id).toBe(id);
      expect(MISCONCEPTIONS[id].name.length).toBeGreaterThan(5);
      expect(MISCONCEPTIONS[id].explanation.length).toBeGreaterThan(30);
    }
  });

  // shared/COURSE.md, "Misconceptions an exercise checker must recognise and name" (9 bullets, several naming two mistakes)
  it("covers every misconception the course plan lists", () => {
    const fromPlan = [
      "wrong-axis",
      "unbiased-variance",
      "biased-running-variance",
      "eps-forgotten",
      "eps-outside-sqrt",
      "gamma-beta-swapped",
      "affine-before-normalize",
      "momentum-reversed",
      "running-updated-in-eval",
      "batch-stats-in-eval",
      "backward-constant-stats",
      "forgot-eval",
      "batch-of-one",
    ] as const;
    for (const id of fromPlan) expect(MISCONCEPTION_IDS).toContain(id);
  });
});

describe("every checker", () => {
  it("passes its reference solution", () => {
    for (const [id, checker] of Object.entries(checkers)) {
      const solution = (solutions as Record<string, unknown>)[id];
      const result = (checker as (fn: unknown) => ReturnType<typeof checkers.batchStats>)(solution);
      expect(result.ok, `${id}: ${result.message}\n${result.details ?? ""}`).toBe(true);
      expect(result.exercise).toBe(id);
    }
  });

  it("recognises the exercise stub", () => {
    for (const [id, checker] of Object.entries(checkers)) {
      const result = (checker as (fn: unknown) => ReturnType<typeof checkers.batchStats>)(stub(id, "9.9"));
      expect(result.kind, id).toBe("not-implemented");
    }
  });

  // Every mistake a checker predicts must be told apart from the right answer and from every other
  // mistake on its inputs; otherwise a diagnosis could name the wrong one.
  const predictive: Array<[string, ExerciseSpec<never, never>]> = [
    ["batchStats", batchStatsSpec as never],
    ["normalize", normalizeSpec as never],
    ["batchNormForward", batchNormForwardSpec as never],
    ["batchNormBackward", batchNormBackwardSpec as never],
    ["recoverIdentity", recoverIdentitySpec as never],
    ["updateRunningStats", updateRunningStatsSpec as never],
    ["newBatchWeight", newBatchWeightSpec as never],
    ["guardBatch", guardBatchSpec as never],
    ["batchMeanStd", batchMeanStdSpec as never],
  ];
  // compared on the keys both predict (a mistake may predict dx only); no common key = different
  const same = (a: Outputs[], b: Outputs[]) =>
    a.every((o, i) => {
      const keys = Object.keys(o).filter((k) => k in b[i]);
      return keys.length > 0 && keys.every((k) => closeMatrices(o[k], b[i][k], undefined, true));
    });

  it.each(predictive)("%s: the right answer and every predicted mistake are distinguishable", (_name, spec) => {
    const inputs = drawn(spec).cases.map((c) => c.input);
    const reference = inputs.map((i) => spec.reference(i));
    const predicted = spec.mistakes.filter((m) => m.outputs).map((m) => ({ ids: m.ids.join("+"), outs: inputs.map((i) => m.outputs!(i)) }));
    for (const p of predicted) expect(same(p.outs, reference), `${p.ids} looks right`).toBe(false);
    for (let a = 0; a < predicted.length; a++) {
      for (let b = a + 1; b < predicted.length; b++) {
        if (predicted[a].ids === predicted[b].ids) continue;
        expect(same(predicted[a].outs, predicted[b].outs), `${predicted[a].ids} vs ${predicted[b].ids}`).toBe(false);
      }
    }
  });
});

describe("reporting", () => {
  const wrong = (x: Matrix) => ({ mu: x.meanRows(), variance: x.sub(x.meanRows()).map((d) => d * d).sumRows().scale(1 / (x.rows - 1)) });

  it("formats a failure as ✗ title: message, then indented details", () => {
    const text = formatResult(checkers.batchStats(wrong));
    expect(text.split("\n")[0]).toBe(
      "✗ Batch statistics (μ and σ² per feature): Your variance divides by N−1 (the unbiased estimate): batch norm normalizes with the biased variance, dividing by N.",
    );
    expect(text.split("\n")[1]).toMatch(/^ {4}On a 5×3 batch/);
  });

  it("report prints the learner's text only (no machine line), and returns it", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const text = report(checkers.batchStats(solutions.batchStats));
    expect(log).toHaveBeenCalledWith(text);
    expect(text.startsWith("✓ Batch statistics")).toBe(true);
    expect(text).not.toContain(CHECK_MARKER);
    expect(text).not.toMatch(/\{"exercise"/);
  });

  it("check.X prints once and returns a result that displays as nothing in a notebook", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const result = check.batchStats(wrong);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0][0])).toContain("✗ Batch statistics");
    expect(result.misconception).toBe("unbiased-variance");
    expect(inspect(result)).toBe("");
    expect(JSON.parse(JSON.stringify(result)).misconception).toBe("unbiased-variance");
  });

  it("assertPasses is quiet on a pass and throws the diagnosis on a failure", () => {
    expect(() => assertPasses(checkers.batchStats(solutions.batchStats))).not.toThrow();
    let caught: unknown;
    try {
      assertPasses(checkers.batchStats(wrong));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckFailedError);
    expect((caught as CheckFailedError).message).toContain("divides by N−1");
    expect((caught as CheckFailedError).result.misconception).toBe("unbiased-variance");
  });

  it("says an async function returns a Promise", () => {
    const r = checkers.batchStats((async (x: Matrix) => solutions.batchStats(x)) as never);
    expect(r.kind).toBe("wrong-type");
    expect(r.message).toContain("a Promise");
  });
});
