import { Matrix } from "../../tensor/matrix";
import { describeArguments } from "../probes";
import { ExerciseSpec, Mistake, readNumber } from "../engine";
import { constantOutput, predicted } from "../generic-mistakes";
import { NewBatchWeightFn, Input, newBatchWeightCollect } from "../collect/new-batch-weight";

const scalar = (v: number) => ({ weight: Matrix.row([v]) });
function weight(input: Input, opts: { reversed?: boolean; offset?: number } = {}): number {
  if (input.momentum === null) return 1 / (input.numBatchesTracked + (opts.offset ?? 0));
  return opts.reversed ? 1 - input.momentum : input.momentum;
}

function mistakes(): Mistake<Input>[] {
  const cumulative = (i: Input) => 1 / i.numBatchesTracked;
  const when = (ids: Mistake<Input>["ids"], f: (i: Input) => number, message?: string) => predicted<Input>(ids, (i) => scalar(f(i)), message);
  return [
    when(
      ["momentum-reversed"],
      (i) => weight(i, { reversed: true }),
      "You return 1 − momentum, the weight of the OLD value. In PyTorch's convention momentum itself is the weight of the new batch.",
    ),
    when(
      ["momentum-reversed"],
      (i) => (i.momentum === null ? 1 - cumulative(i) : i.momentum),
      "With momentum = null you return 1 − 1/k, the weight of the OLD average: the k-th batch's own weight is 1/k.",
    ),
    when(["cumulative-off-by-one"], (i) => weight(i, { offset: 1 })),
    when(["cumulative-off-by-one"], (i) => weight(i, { offset: -1 })),
    when(
      ["ignores-argument"],
      cumulative,
      "You always return 1/k: when momentum is a number, it IS the weight of the new batch; 1/k is only for momentum = null.",
    ),
    ...[0.1, 0, 1].map((c) =>
      when(
        ["ignores-argument"],
        (i) => (i.momentum === null ? c : i.momentum),
        `With momentum = null you return ${c}: null means a cumulative average, where the k-th batch gets weight 1/k (k = numBatchesTracked).`,
      ),
    ),
    when(["momentum-zero-as-null"], (i) => (i.momentum || cumulative(i))),
    when(["momentum-zero-as-null", "cumulative-off-by-one"], (i) => (i.momentum || 1 / (i.numBatchesTracked + 1))),
    when(["momentum-zero-as-null", "momentum-reversed"], (i) => (i.momentum ? 1 - i.momentum : cumulative(i))),
    constantOutput<Input>(["weight"]),
  ];
}

export const newBatchWeightSpec: ExerciseSpec<Input, NewBatchWeightFn> = {
  ...newBatchWeightCollect,
  title: "Weight of the new batch (momentum or cumulative average)",
  read: readNumber("weight", "The weight"),
  reference: (i) => scalar(weight(i)),
  mistakes: mistakes(),
  passMessage: "momentum is the weight of the new batch (0 and 1 included), and momentum = null gives 1/k on the k-th batch (a plain average of all batches so far).",
  describeInput: describeArguments,
  labels: { weight: "weight" },
};
