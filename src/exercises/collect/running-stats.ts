import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { featureBatch, randomRow } from "../inputs";
import { batchProbes, bump } from "../probes";

/** Running averages of the mean and variance (PyTorch's buffers). */
export interface RunningStats {
  mean: Matrix;
  var: Matrix;
}

/** Exercise: one training step's update of the running statistics, PyTorch's convention. */
export type UpdateRunningStatsFn = (running: RunningStats, x: Matrix, momentum: number) => RunningStats;

export interface Input {
  running: RunningStats;
  x: Matrix;
  momentum: number;
}

/** The cases and probes, drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/updateRunningStats`);
  const make = (rows: number, means: number[], stds: number[], momentum: number) => ({
    label: `a ${rows}×${means.length} batch, momentum = ${momentum}`,
    input: {
      running: { mean: randomRow(rng, means.length, -1, 1), var: randomRow(rng, means.length, 0.5, 2) },
      x: featureBatch(rng, rows, means, stds),
      momentum,
    },
  });
  const cases = [
    make(4, [3, -2, 0.5], [1, 2, 0.5], 0.1),
    make(3, [1, 0, -1, 2], [0.5, 1, 1.5, 3], 0.3),
    make(5, [-1, 4], [2, 1], 0.05),
    make(4, [0.5, 2, -3], [1, 0.5, 2], 0),
    make(3, [1, -1], [2, 0.3], 1),
    make(2, [2, 0, 1], [1, 1, 0.5], 0.7),
  ];
  const base = cases[0].input;
  return { cases, probes: batchProbes(
    cases[0],
    [
      { what: "the old running mean changes", input: { ...base, running: { ...base.running, mean: bump(base.running.mean) } }, ignored: "the old running mean is not blended in", leaks: "the batch variance is centred on the batch mean, not on the running mean" },
      { what: "the old running variance changes", input: { ...base, running: { ...base.running, var: bump(base.running.var) } }, ignored: "the old running variance is not blended in" },
      { what: "momentum changes", input: { ...base, momentum: 0.3 }, ignored: "the momentum argument is never used" },
    ],
    {
      factors: (i) => ({
        "2 − m: two momentum steps instead of one": 2 - i.momentum,
        "1 − m: the old value decays twice, two momentum steps instead of one": 1 - i.momentum,
        "1/(1 − m): the old value is not multiplied by 1 − m": 1 / (1 - i.momentum),
      }),
    },
    " of x",
  ) };
}

export const updateRunningStatsCollect: ExerciseCollect<Input, UpdateRunningStatsFn> = {
  exercise: "updateRunningStats",
  draw,
  // updating `running` in place and returning it is fine; x must stay as it was
  collect: callWithFields(["running", "x", "momentum"], ["running"]),
};
