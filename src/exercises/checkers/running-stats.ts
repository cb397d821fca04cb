import { ExerciseSpec, readMatrixFields, Mistake, Outputs, describeValues } from "../engine";
import { perExampleShapes } from "../inputs";
import { MisconceptionId } from "../misconceptions";
import { statsVariant } from "../variants";
import { constantOutput, predicted, transposedOutput } from "../generic-mistakes";
import { UpdateRunningStatsFn, Input, updateRunningStatsCollect } from "../collect/running-stats";

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
  const m = (ids: MisconceptionId[], opts: Parameters<typeof runningUpdate>[1], message?: string) => predicted<Input>(ids, (input) => runningUpdate(input, opts), message);
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

export const updateRunningStatsSpec: ExerciseSpec<Input, UpdateRunningStatsFn> = {
  ...updateRunningStatsCollect,
  title: "Running statistics update (PyTorch momentum)",
  read: readMatrixFields({ mean: "1×D, one per feature", var: "1×D, one per feature" }),
  reference: runningUpdate,
  mistakes: mistakes(),
  passMessage:
    "running = (1 − m)·running + m·batch, with momentum m the weight of the new batch and the unbiased batch variance stored; checked with m = 0.1, 0.3, 0.05, 0, 1 and 0.7 (N = 2 to 5).",
  describeInput: (i) => describeValues({ "running.mean": i.running.mean, "running.var": i.running.var, x: i.x, momentum: i.momentum }),
  labels: { mean: "running mean", var: "running variance" },
  axisShapes: (input) => perExampleShapes(input.x),
  shapeHint: "The batch statistics are per feature: 1×D rows (x.meanRows()), the shape of the running buffers.",
};
