import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { formatMatrix, formatNumber, hang } from "../compare";
import { ExerciseSpec, readMatrixFields, callWithFields, Mistake, Outputs } from "../engine";
import { NOTEBOOK_SEED, featureBatch, perExampleShapes, randomRow } from "../inputs";
import { MisconceptionId } from "../misconceptions";
import { statsVariant } from "../variants";
import { constantOutput, transposedOutput } from "../generic-mistakes";
import { batchProbes } from "../probes";

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


/** The update, optionally with the old value weighted by momentum, or the biased variance stored. */
export function runningUpdate(
  input: Input,
  opts: { reversed?: boolean; biased?: boolean; momentum?: number; std?: boolean } = {},
): Outputs {
  const { running, x } = input;
  const momentum = opts.momentum ?? input.momentum;
  const s = statsVariant(x, { axis: "features", unbiased: !opts.biased });
  const batchVar = opts.std ? s.variance.map(Math.sqrt) : s.variance;
  const m = opts.reversed ? 1 - momentum : momentum; // weight of the new batch
  return {
    mean: running.mean.scale(1 - m).add(s.mu.scale(m)),
    var: running.var.scale(1 - m).add(batchVar.scale(m)),
  };
}

function mistakes(): Mistake<Input>[] {
  const m = (ids: MisconceptionId[], opts: Parameters<typeof runningUpdate>[1], message?: string): Mistake<Input> => ({
    ids,
    outputs: (input: Input) => runningUpdate(input, opts),
    ...(message ? { message } : {}),
  });
  const out: Mistake<Input>[] = [
    m(["momentum-reversed"], { reversed: true }),
    m(["biased-running-variance"], { biased: true }),
    m(["momentum-reversed", "biased-running-variance"], { reversed: true, biased: true }),
    m(["running-replaced-by-batch"], { momentum: 1 }),
    m(["running-replaced-by-batch", "biased-running-variance"], { momentum: 1, biased: true }),
    m(["running-not-updated"], { momentum: 0 }, "Your update returns the old running statistics: blend in the batch's, running = (1 − m)·running + m·batch."),
    m(
      ["variance-std-confusion"],
      { std: true },
      "You blend the batch's standard deviation into the running VARIANCE: use the (unbiased) batch variance.",
    ),
    {
      ids: ["swapped-fields"],
      message: "The running mean and variance are swapped: return { mean: the updated mean, var: the updated variance }.",
      outputs: (input: Input) => {
        const r = runningUpdate(input);
        return { mean: r.var, var: r.mean };
      },
    },
    transposedOutput<Input>(),
    constantOutput<Input>(["mean", "var"]),
  ];
  // a fixed weight of the new batch, whichever convention wrote it (0.1 new = 0.9 old)
  for (const c of [0.1, 0.9, 0.01, 0.99]) {
    out.push(
      m(
        ["ignores-argument"],
        { momentum: c },
        `Your update gives the new batch a fixed weight ${c} (a momentum written in your code) instead of using the momentum argument: ` +
          "the checker passes other values, including 0 and 1. In PyTorch's convention momentum is the weight of the new batch.",
      ),
    );
  }
  return out;
}

function cases(seed: string): Array<{ label: string; input: Input }> {
  const rng = new Rng(`${seed}/updateRunningStats`);
  const make = (rows: number, means: number[], stds: number[], momentum: number) => ({
    label: `a ${rows}×${means.length} batch, momentum = ${momentum}`,
    input: {
      running: { mean: randomRow(rng, means.length, -1, 1), var: randomRow(rng, means.length, 0.5, 2) },
      x: featureBatch(rng, rows, means, stds),
      momentum,
    },
  });
  return [
    make(4, [3, -2, 0.5], [1, 2, 0.5], 0.1),
    make(3, [1, 0, -1, 2], [0.5, 1, 1.5, 3], 0.3),
    make(5, [-1, 4], [2, 1], 0.05),
    make(4, [0.5, 2, -3], [1, 0.5, 2], 0),
    make(3, [1, -1], [2, 0.3], 1),
    make(2, [2, 0, 1], [1, 1, 0.5], 0.7),
  ];
}

const bump = (row: Matrix) => row.map((v, _i, j) => v + 0.5 + 0.25 * j);

/** The cases and probes, drawn from `seed`. */
function draw(seed: string) {
  const drawn = cases(seed);
  const base = drawn[0].input;
  return { cases: drawn, probes: batchProbes(
    drawn[0],
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

export const updateRunningStatsSpec: ExerciseSpec<Input, UpdateRunningStatsFn> = {
  exercise: "updateRunningStats",
  title: "Running statistics update (PyTorch momentum)",
  ...draw(NOTEBOOK_SEED),
  draw,
  // updating `running` in place and returning it is fine; x must stay as it was
  collect: callWithFields(["running", "x", "momentum"], ["running"]),
  read: readMatrixFields({ mean: "1×D, one per feature", var: "1×D, one per feature" }),
  reference: runningUpdate,
  mistakes: mistakes(),
  passMessage:
    "running = (1 − m)·running + m·batch, with momentum m the weight of the new batch and the unbiased batch variance stored; checked with m = 0.1, 0.3, 0.05, 0, 1 and 0.7 (N = 2 to 5).",
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
