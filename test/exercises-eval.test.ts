import { describe, expect, it } from "vitest";
import { drawn } from "../src/exercises/engine";
import { checkers } from "../src/exercises/check";
import { Module } from "../src/nn/module";
import type { LabelledData } from "../src/exercises";
import { evaluateAccuracySpec } from "../src/exercises/checkers/evaluate-accuracy";
import { solutions } from "./helpers/solutions";
const { batchMeanStd, evaluateAccuracy, guardBatch } = solutions;
import { expectCatalogueMessage, expectKind, expectMisconception, expectPass, stub } from "./exercises-helpers";

const accuracyOf = (model: Module, data: LabelledData) =>
  model.forward(data.x).argmaxRows().filter((p, i) => p === data.y[i]).length / data.y.length;

describe("checkers.evaluateAccuracy", () => {
  it("uses a model whose training-mode accuracy differs from its eval-mode accuracy", () => {
    const input = drawn(evaluateAccuracySpec).cases[0].input;
    expect(accuracyOf(input.model(), input.data)).not.toBeCloseTo(0.75, 6);
    expect(accuracyOf(input.model().eval(), input.data)).toBe(0.75);
  });

  it("passes the reference solution and the common eval() … train() pattern", () => {
    expectPass(checkers.evaluateAccuracy(evaluateAccuracy));
    expectPass(
      checkers.evaluateAccuracy((model, data) => {
        model.eval();
        const acc = accuracyOf(model, data);
        model.train();
        return acc;
      }),
    );
  });

  it("names forgetting eval()", () => {
    expectCatalogueMessage(checkers.evaluateAccuracy(accuracyOf), "forgot-eval");
  });

  it("names forgetting eval() when evaluation in mini-batches changed the running statistics", () => {
    const r = checkers.evaluateAccuracy((model, data) => {
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
    const r = checkers.evaluateAccuracy((model, data) => {
      let correct = 0;
      for (let i = 0; i < data.y.length; i++) if (model.forward(data.x.selectRows([i])).argmaxRows()[0] === data.y[i]) correct++;
      return correct / data.y.length;
    });
    expectMisconception(r, "forgot-eval");
    expect(r.message).toContain("BatchNorm refused a single example");
  });

  it("names a model left in eval mode", () => {
    expectCatalogueMessage(checkers.evaluateAccuracy((model, data) => accuracyOf(model.eval(), data)), "mode-not-restored");
  });

  it("names a percentage, and handles the stub", () => {
    const r = checkers.evaluateAccuracy((model, data) => 100 * evaluateAccuracy(model, data));
    expectMisconception(r, "accuracy-not-fraction");
    expect(r.details).toContain("expected accuracy = [1×1] [0.75]");
    expectKind(checkers.evaluateAccuracy(stub("evaluateAccuracy", "4.2")), "not-implemented");
  });
});

describe("checkers.guardBatch", () => {
  it("passes the reference solution", () => expectPass(checkers.guardBatch(guardBatch)));
  it("names a missing guard (a batch of one accepted in training)", () => {
    expectCatalogueMessage(checkers.guardBatch(() => undefined), "batch-of-one");
  });
  it("names a guard on the wrong axis and a guard that also refuses eval mode", () => {
    const cols = checkers.guardBatch((x, training) => {
      if (training && x.cols < 2) throw new Error("batch of one");
    });
    expectMisconception(cols, "wrong-axis");
    expect(cols.message).toContain("x.rows");
    expectMisconception(
      checkers.guardBatch((x) => {
        if (x.rows < 2) throw new Error("batch of one");
      }),
      "batch-stats-in-eval",
    );
  });
  it("names a guard that is too strict, and recognises the stub", () => {
    expectMisconception(
      checkers.guardBatch((x, training) => {
        if (training && x.rows <= 2) throw new Error("too small");
      }),
      "guard-off-by-one",
    );
    expectKind(checkers.guardBatch(stub("guardBatch", "5.2")), "not-implemented");
  });
});

describe("checkers.batchMeanStd", () => {
  it("passes the reference solution", () => expectPass(checkers.batchMeanStd(batchMeanStd)));
  it("names 1/B, no shrinking, and the variance given for the standard deviation", () => {
    expectCatalogueMessage(checkers.batchMeanStd((s, b) => s / b), "mean-spread-one-over-b");
    expectCatalogueMessage(checkers.batchMeanStd((s) => s), "mean-spread-constant");
    expectMisconception(checkers.batchMeanStd((s, b) => (s * s) / b), "variance-std-confusion");
  });
  it("names σ/√(B − 1), gives a counterexample otherwise, and names NaN", () => {
    expectMisconception(checkers.batchMeanStd((s, b) => s / Math.sqrt(b - 1)), "mean-spread-unbiased");
    expectKind(checkers.batchMeanStd((s, b) => s / Math.log(b + 1)), "counterexample");
    expectKind(checkers.batchMeanStd(() => NaN), "nan");
  });
});
