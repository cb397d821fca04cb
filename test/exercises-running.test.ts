import { checkers } from "../src/exercises/check";
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import type { BnState, RunningStats } from "../src/exercises";
import { solutions } from "./helpers/solutions";
const { batchStats, forwardWithMode, newBatchWeight, updateRunningStats } = solutions;
import { expectCatalogueMessage, expectKind, expectMisconception, expectPass, stub } from "./exercises-helpers";

/** A learner's update, with switchable mistakes. */
function update(running: RunningStats, x: Matrix, momentum: number, o: { reversed?: boolean; biased?: boolean } = {}): RunningStats {
  const n = x.rows;
  const { mu, variance } = batchStats(x);
  const batchVar = o.biased ? variance : variance.scale(n / (n - 1));
  const keep = o.reversed ? momentum : 1 - momentum;
  return { mean: running.mean.scale(keep).add(mu.scale(1 - keep)), var: running.var.scale(keep).add(batchVar.scale(1 - keep)) };
}

describe("checkers.updateRunningStats", () => {
  it("passes the reference solution and an in-place update of `running`", () => {
    expectPass(checkers.updateRunningStats(updateRunningStats));
    expectPass(
      checkers.updateRunningStats((running, x, m) => {
        const { mu, variance } = batchStats(x);
        running.mean.scaleInPlace(1 - m).addInPlace(mu, m);
        running.var.scaleInPlace(1 - m).addInPlace(variance.scale(x.rows / (x.rows - 1)), m);
        return running;
      }),
    );
  });

  it("names the reversed momentum convention and the biased running variance", () => {
    expectCatalogueMessage(checkers.updateRunningStats((r, x, m) => update(r, x, m, { reversed: true })), "momentum-reversed");
    expectCatalogueMessage(checkers.updateRunningStats((r, x, m) => update(r, x, m, { biased: true })), "biased-running-variance");
    expectMisconception(
      checkers.updateRunningStats((r, x, m) => update(r, x, m, { reversed: true, biased: true })),
      "momentum-reversed",
      "biased-running-variance",
    );
  });

  it("shows a shape error from per-example statistics with a hint, and detects x modified in place", () => {
    const axis = checkers.updateRunningStats((r, x, m) => ({ mean: r.mean.scale(1 - m).add(x.meanCols().scale(m)), var: r.var }));
    expectKind(axis, "error");
    expect(axis.message).toContain("1×D rows");
    expectKind(
      checkers.updateRunningStats((r, x, m) => {
        x.scaleInPlace(2);
        return updateRunningStats(r, x, m);
      }),
      "misconception",
    );
  });

  it("names running values simply replaced by the batch's (here with the biased variance too)", () => {
    expectMisconception(
      checkers.updateRunningStats((_r, x) => ({ mean: x.meanRows(), var: batchStats(x).variance })),
      "running-replaced-by-batch",
      "biased-running-variance",
    );
  });
});

describe("checkers.newBatchWeight", () => {
  it("passes the reference solution", () => expectPass(checkers.newBatchWeight(newBatchWeight)));
  it("names the reversed convention and the off-by-one cumulative average", () => {
    expectMisconception(checkers.newBatchWeight((m, k) => (m === null ? 1 / k : 1 - m)), "momentum-reversed");
    expectCatalogueMessage(checkers.newBatchWeight((m, k) => (m === null ? 1 / (k + 1) : m)), "cumulative-off-by-one");
  });
  it("rejects a non-number and names null treated as 0", () => {
    expectKind(checkers.newBatchWeight((() => "0.1") as never), "wrong-type");
    expectMisconception(checkers.newBatchWeight((m) => m ?? 0), "ignores-argument");
  });
});

/** A learner's mode-aware forward, with switchable mistakes. */
function modeForward(o: {
  runningInTraining?: boolean;
  reversed?: boolean;
  biased?: boolean;
  updateInEval?: boolean;
  batchStatsInEval?: boolean;
  refuseSingle?: boolean;
}) {
  return (state: BnState, x: Matrix, training: boolean): Matrix => {
    if (o.refuseSingle && x.rows < 2) throw new Error("need at least 2 examples");
    const batch = batchStats(x);
    if (training || o.updateInEval) {
      const r = update({ mean: state.runningMean, var: state.runningVar }, x, state.momentum, o);
      state.runningMean.copyFrom(r.mean); // in place
      state.runningVar.copyFrom(r.var);
    }
    const useBatch = training ? !o.runningInTraining : o.batchStatsInEval;
    const mean = useBatch ? batch.mu : state.runningMean;
    const variance = useBatch ? batch.variance : state.runningVar;
    return x.sub(mean).div(variance.map((v) => Math.sqrt(v + state.eps))).mul(state.gamma).add(state.beta);
  };
}

describe("checkers.forwardWithMode", () => {
  it("passes the reference solution (new matrices) and an in-place one", () => {
    expectPass(checkers.forwardWithMode(forwardWithMode));
    expectPass(checkers.forwardWithMode(modeForward({})));
  });

  it("names running statistics updated in eval mode", () => {
    expectCatalogueMessage(checkers.forwardWithMode(modeForward({ updateInEval: true })), "running-updated-in-eval");
  });

  it("names batch statistics used in eval mode, and a single example refused in eval mode", () => {
    expectCatalogueMessage(checkers.forwardWithMode(modeForward({ batchStatsInEval: true })), "batch-stats-in-eval");
    const r = checkers.forwardWithMode(modeForward({ refuseSingle: true }));
    expectMisconception(r, "batch-stats-in-eval");
    expect(r.message).toContain("single example in evaluation mode");
  });

  it("names the running statistics used in training, the reversed momentum and the biased running variance", () => {
    expectCatalogueMessage(checkers.forwardWithMode(modeForward({ runningInTraining: true })), "running-stats-in-training");
    expectCatalogueMessage(checkers.forwardWithMode(modeForward({ reversed: true })), "momentum-reversed");
    expectCatalogueMessage(checkers.forwardWithMode(modeForward({ biased: true })), "biased-running-variance");
  });

  it("handles the stub and an x modified in place", () => {
    expectKind(checkers.forwardWithMode(stub("forwardWithMode", "4.1")), "not-implemented");
    expectKind(
      checkers.forwardWithMode((s, x, t) => {
        const y = forwardWithMode(s, x, t);
        x.fill(0);
        return y;
      }),
      "misconception",
    );
  });

  it("names running statistics that are never updated (updated on a copy of the state)", () => {
    const r = checkers.forwardWithMode((s, x, t) => forwardWithMode({ ...s }, x, t));
    expectMisconception(r, "running-not-updated");
    expect(r.details).toContain("running mean after the training step");
  });

  it("names both halves of a forward pass with its two branches swapped", () => {
    const swapped = (s: BnState, x: Matrix, training: boolean) => forwardWithMode(s, x, !training);
    const r = checkers.forwardWithMode(swapped);
    expect(r.kind).toBe("misconception");
    expect(r.misconceptions).toEqual(expect.arrayContaining(["running-stats-in-training", "batch-stats-in-eval"]));
  });
});
