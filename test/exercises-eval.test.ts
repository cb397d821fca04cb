import { describe, expect, it } from "vitest";
import { Module } from "../src/nn/module";
import { checkBatchMeanStd, checkEvaluateAccuracy, checkGuardBatch } from "../src/exercises";
import type { LabelledData } from "../src/exercises";
import { evaluateAccuracySpec } from "../src/exercises/checkers/evaluate-accuracy";
import { batchMeanStd, evaluateAccuracy, guardBatch } from "../src/exercises/solutions";
import { expectCatalogueMessage, expectKind, expectMisconception, expectPass, stub } from "./exercises-helpers";

const accuracyOf = (model: Module, data: LabelledData) =>
  model.forward(data.x).argmaxRows().filter((p, i) => p === data.y[i]).length / data.y.length;

describe("checkEvaluateAccuracy", () => {
  it("uses a model whose training-mode accuracy differs from its eval-mode accuracy", () => {
    const input = evaluateAccuracySpec.cases[0].input;
    expect(input.trainModeAccuracy).not.toBeCloseTo(0.75, 6);
    expect(accuracyOf(input.model().eval(), input.data)).toBe(0.75);
  });

  it("passes the reference solution and the common eval() … train() pattern", () => {
    expectPass(checkEvaluateAccuracy(evaluateAccuracy));
    expectPass(
      checkEvaluateAccuracy((model, data) => {
        model.eval();
        const acc = accuracyOf(model, data);
        model.train();
        return acc;
      }),
    );
  });

  it("names forgetting eval()", () => {
    expectCatalogueMessage(checkEvaluateAccuracy(accuracyOf), "forgot-eval");
  });

  it("names forgetting eval() when evaluation in mini-batches changed the running statistics", () => {
    const r = checkEvaluateAccuracy((model, data) => {
      let correct = 0;
      for (let start = 0; start < data.y.length; start += 4) {
        const idx = Array.from({ length: Math.min(4, data.y.length - start) }, (_, k) => start + k);
        const pred = model.forward(data.x.selectRows(idx)).argmaxRows();
        correct += pred.filter((p, k) => p === data.y[idx[k]]).length;
      }
      return correct / data.y.length;
    });
    expectMisconception(r, "forgot-eval");
  });

  it("names forgetting eval() when BatchNorm refuses one example at a time", () => {
    const r = checkEvaluateAccuracy((model, data) => {
      let correct = 0;
      for (let i = 0; i < data.y.length; i++) if (model.forward(data.x.selectRows([i])).argmaxRows()[0] === data.y[i]) correct++;
      return correct / data.y.length;
    });
    expectMisconception(r, "forgot-eval");
    expect(r.message).toContain("BatchNorm refused a single example");
  });

  it("names a model left in eval mode", () => {
    expectCatalogueMessage(checkEvaluateAccuracy((model, data) => accuracyOf(model.eval(), data)), "mode-not-restored");
  });

  it("names a percentage, and handles the stub", () => {
    const r = checkEvaluateAccuracy((model, data) => 100 * evaluateAccuracy(model, data));
    expectMisconception(r, "accuracy-not-fraction");
    expect(r.details).toContain("expected accuracy = [1×1] [0.75]");
    expectKind(checkEvaluateAccuracy(stub("evaluateAccuracy", "4.2")), "not-implemented");
  });
});

describe("checkGuardBatch", () => {
  it("passes the reference solution", () => expectPass(checkGuardBatch(guardBatch)));
  it("names a missing guard (a batch of one accepted in training)", () => {
    expectCatalogueMessage(checkGuardBatch(() => undefined), "batch-of-one");
  });
  it("names a guard on the wrong axis and a guard that also refuses eval mode", () => {
    const cols = checkGuardBatch((x, training) => {
      if (training && x.cols < 2) throw new Error("batch of one");
    });
    expectMisconception(cols, "wrong-axis");
    expect(cols.message).toContain("x.rows");
    expectMisconception(
      checkGuardBatch((x) => {
        if (x.rows < 2) throw new Error("batch of one");
      }),
      "batch-stats-in-eval",
    );
  });
  it("gives a counterexample for a guard that is too strict, and recognises the stub", () => {
    expectKind(
      checkGuardBatch((x, training) => {
        if (training && x.rows <= 2) throw new Error("too small");
      }),
      "counterexample",
    );
    expectKind(checkGuardBatch(stub("guardBatch", "5.2")), "not-implemented");
  });
});

describe("checkBatchMeanStd", () => {
  it("passes the reference solution", () => expectPass(checkBatchMeanStd(batchMeanStd)));
  it("names 1/B, no shrinking, and the variance given for the standard deviation", () => {
    expectCatalogueMessage(checkBatchMeanStd((s, b) => s / b), "mean-spread-one-over-b");
    expectCatalogueMessage(checkBatchMeanStd((s) => s), "mean-spread-constant");
    expectMisconception(checkBatchMeanStd((s, b) => (s * s) / b), "variance-std-confusion");
  });
  it("gives a counterexample otherwise, and names NaN", () => {
    expectKind(checkBatchMeanStd((s, b) => s / Math.sqrt(b - 1)), "counterexample");
    expectKind(checkBatchMeanStd(() => NaN), "nan");
  });
});
