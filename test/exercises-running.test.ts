import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { checkForwardWithMode, checkNewBatchWeight, checkUpdateRunningStats } from "../src/exercises";
import type { BnState, RunningStats } from "../src/exercises";
import { batchStats, forwardWithMode, newBatchWeight, updateRunningStats } from "../src/exercises/solutions";
import { expectCatalogueMessage, expectKind, expectMisconception, expectPass, stub } from "./exercises-helpers";

/** A learner's update, with switchable mistakes. */
function update(running: RunningStats, x: Matrix, momentum: number, o: { reversed?: boolean; biased?: boolean } = {}): RunningStats {
  const n = x.rows;
  const { mu, variance } = batchStats(x);
  const batchVar = o.biased ? variance : variance.scale(n / (n - 1));
  const keep = o.reversed ? momentum : 1 - momentum;
  return { mean: running.mean.scale(keep).add(mu.scale(1 - keep)), var: running.var.scale(keep).add(batchVar.scale(1 - keep)) };
}

describe("checkUpdateRunningStats", () => {
  it("passes the reference solution and an in-place update of `running`", () => {
    expectPass(checkUpdateRunningStats(updateRunningStats));
    expectPass(
      checkUpdateRunningStats((running, x, m) => {
        const { mu, variance } = batchStats(x);
        running.mean.scaleInPlace(1 - m).addInPlace(mu, m);
        running.var.scaleInPlace(1 - m).addInPlace(variance.scale(x.rows / (x.rows - 1)), m);
        return running;
      }),
    );
  });

  it("names the reversed momentum convention and the biased running variance", () => {
    expectCatalogueMessage(checkUpdateRunningStats((r, x, m) => update(r, x, m, { reversed: true })), "momentum-reversed");
    expectCatalogueMessage(checkUpdateRunningStats((r, x, m) => update(r, x, m, { biased: true })), "biased-running-variance");
    expectMisconception(
      checkUpdateRunningStats((r, x, m) => update(r, x, m, { reversed: true, biased: true })),
      "momentum-reversed",
      "biased-running-variance",
    );
  });

  it("shows a shape error from per-example statistics with a hint, and detects x modified in place", () => {
    const axis = checkUpdateRunningStats((r, x, m) => ({ mean: r.mean.scale(1 - m).add(x.meanCols().scale(m)), var: r.var }));
    expectKind(axis, "error");
    expect(axis.message).toContain("1×D rows");
    expectKind(
      checkUpdateRunningStats((r, x, m) => {
        x.scaleInPlace(2);
        return updateRunningStats(r, x, m);
      }),
      "misconception",
    );
  });

  it("names running values simply replaced by the batch's (here with the biased variance too)", () => {
    expectMisconception(
      checkUpdateRunningStats((_r, x) => ({ mean: x.meanRows(), var: batchStats(x).variance })),
      "running-replaced-by-batch",
      "biased-running-variance",
    );
  });
});

describe("checkNewBatchWeight", () => {
  it("passes the reference solution", () => expectPass(checkNewBatchWeight(newBatchWeight)));
  it("names the reversed convention and the off-by-one cumulative average", () => {
    expectMisconception(checkNewBatchWeight((m, k) => (m === null ? 1 / k : 1 - m)), "momentum-reversed");
    expectCatalogueMessage(checkNewBatchWeight((m, k) => (m === null ? 1 / (k + 1) : m)), "cumulative-off-by-one");
  });
  it("rejects a non-number and names null treated as 0", () => {
    expectKind(checkNewBatchWeight((() => "0.1") as never), "wrong-type");
    expectMisconception(checkNewBatchWeight((m) => m ?? 0), "ignores-argument");
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

describe("checkForwardWithMode", () => {
  it("passes the reference solution (new matrices) and an in-place one", () => {
    expectPass(checkForwardWithMode(forwardWithMode));
    expectPass(checkForwardWithMode(modeForward({})));
  });

  it("names running statistics updated in eval mode", () => {
    expectCatalogueMessage(checkForwardWithMode(modeForward({ updateInEval: true })), "running-updated-in-eval");
  });

  it("names batch statistics used in eval mode, and a single example refused in eval mode", () => {
    expectCatalogueMessage(checkForwardWithMode(modeForward({ batchStatsInEval: true })), "batch-stats-in-eval");
    const r = checkForwardWithMode(modeForward({ refuseSingle: true }));
    expectMisconception(r, "batch-stats-in-eval");
    expect(r.message).toContain("single example in evaluation mode");
  });

  it("names the running statistics used in training, the reversed momentum and the biased running variance", () => {
    expectCatalogueMessage(checkForwardWithMode(modeForward({ runningInTraining: true })), "running-stats-in-training");
    expectCatalogueMessage(checkForwardWithMode(modeForward({ reversed: true })), "momentum-reversed");
    expectCatalogueMessage(checkForwardWithMode(modeForward({ biased: true })), "biased-running-variance");
  });

  it("handles the stub and an x modified in place", () => {
    expectKind(checkForwardWithMode(stub("forwardWithMode", "4.1")), "not-implemented");
    expectKind(
      checkForwardWithMode((s, x, t) => {
        const y = forwardWithMode(s, x, t);
        x.fill(0);
        return y;
      }),
      "misconception",
    );
  });

  it("names running statistics that are never updated (updated on a copy of the state)", () => {
    const r = checkForwardWithMode((s, x, t) => forwardWithMode({ ...s }, x, t));
    expectMisconception(r, "running-not-updated");
    expect(r.details).toContain("running mean after the training step");
  });

  it("names both halves of a forward pass with its two branches swapped", () => {
    const swapped = (s: BnState, x: Matrix, training: boolean) => forwardWithMode(s, x, !training);
    const r = checkForwardWithMode(swapped);
    expect(r.kind).toBe("misconception");
    expect(r.misconceptions).toEqual(expect.arrayContaining(["running-stats-in-training", "batch-stats-in-eval"]));
  });
});
