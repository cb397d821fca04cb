import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { CheckResult } from "../check-result";
import { formatMatrix, formatNumber, hang } from "../compare";
import { perExampleShapes } from "../inputs";
import { CheckSpec, Mistake, Outputs, runCheck } from "../engine";
import { expectMatrix, field } from "../learner-code";
import { featureBatch, randomRow } from "../inputs";
import { MisconceptionId } from "../misconceptions";
import { statsVariant } from "../variants";

/** Running averages of the mean and variance (PyTorch's buffers). */
export interface RunningStats {
  mean: Matrix;
  var: Matrix;
}

/** Exercise: one training step's update of the running statistics, PyTorch's convention. */
export type UpdateRunningStatsFn = (running: RunningStats, x: Matrix, momentum: number) => RunningStats;

interface Input {
  running: RunningStats;
  x: Matrix;
  momentum: number;
}

const KEYS = ["mean", "var"] as const;

/** The update, optionally with the old value weighted by momentum, or the biased variance stored. */
export function runningUpdate(input: Input, opts: { reversed?: boolean; biased?: boolean } = {}): Outputs {
  const { running, x, momentum } = input;
  const s = statsVariant(x, { axis: "features", unbiased: !opts.biased });
  const m = opts.reversed ? 1 - momentum : momentum; // weight of the new batch
  return {
    mean: running.mean.scale(1 - m).add(s.mu.scale(m)),
    var: running.var.scale(1 - m).add(s.variance.scale(m)),
  };
}

function mistakes(): Mistake<Input>[] {
  const m = (ids: MisconceptionId[], opts: { reversed?: boolean; biased?: boolean }): Mistake<Input> => ({
    ids,
    outputs: (input: Input) => runningUpdate(input, opts),
  });
  return [
    m(["momentum-reversed"], { reversed: true }),
    m(["biased-running-variance"], { biased: true }),
    m(["momentum-reversed", "biased-running-variance"], { reversed: true, biased: true }),
  ];
}

function cases(): Array<{ label: string; input: Input }> {
  const rng = new Rng("bnlab/exercises/updateRunningStats");
  const make = (rows: number, means: number[], stds: number[], momentum: number) => ({
    label: `a ${rows}×${means.length} batch, momentum = ${momentum}`,
    input: {
      running: { mean: randomRow(rng, means.length, -1, 1), var: randomRow(rng, means.length, 0.5, 2) },
      x: featureBatch(rng, rows, means, stds),
      momentum,
    },
  });
  return [make(4, [3, -2, 0.5], [1, 2, 0.5], 0.1), make(3, [1, 0, -1, 2], [0.5, 1, 1.5, 3], 0.3), make(5, [-1, 4], [2, 1], 0.05)];
}

export const updateRunningStatsSpec: CheckSpec<Input, UpdateRunningStatsFn> = {
  exercise: "updateRunningStats",
  title: "Running statistics update (PyTorch momentum)",
  cases: cases(),
  collect(fn, input, calls) {
    // updating `running` in place and returning it is fine; x must stay as it was
    return { result: calls.call(fn, [input.running, input.x, input.momentum], ["running", "x", "momentum"], ["running"]).result };
  },
  read({ result }) {
    return {
      mean: expectMatrix(field(result, "mean", KEYS), "mean", "1×D, one per feature"),
      var: expectMatrix(field(result, "var", KEYS), "var", "1×D, one per feature"),
    };
  },
  reference: runningUpdate,
  mistakes: mistakes(),
  passMessage:
    "running = (1 − m)·running + m·batch, with momentum m the weight of the new batch and the unbiased batch variance stored; checked with m = 0.1, 0.3 and 0.05.",
  describeInput: (input) =>
    [
      hang("running.mean = ", formatMatrix(input.running.mean)),
      hang("running.var = ", formatMatrix(input.running.var)),
      hang("x = ", formatMatrix(input.x)),
      `momentum = ${formatNumber(input.momentum)}`,
    ].join("\n"),
  labels: { mean: "running mean", var: "running variance" },
  axisShapes: (input) => perExampleShapes(input.x),
  shapeHint: "The batch statistics are per feature: 1×D rows (x.meanRows()), the shape of the running buffers.",
};

export function checkUpdateRunningStats(fn: UpdateRunningStatsFn): CheckResult {
  return runCheck(updateRunningStatsSpec, fn);
}
