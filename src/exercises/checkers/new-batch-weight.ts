import { Matrix } from "../../tensor/matrix";
import { CheckResult } from "../check-result";
import { CheckSpec, Mistake, runCheck } from "../engine";
import { expectNumber } from "../learner-code";

/**
 * Exercise: the weight of the new batch in the running average, PyTorch's rule:
 * momentum when it is a number, 1/numBatchesTracked when it is null (a cumulative average), where
 * numBatchesTracked already counts the current batch (1 on the first batch).
 */
export type NewBatchWeightFn = (momentum: number | null, numBatchesTracked: number) => number;

interface Input {
  momentum: number | null;
  numBatchesTracked: number;
}

const scalar = (v: number) => ({ weight: Matrix.row([v]) });

function weight(input: Input, opts: { reversed?: boolean; offset?: number } = {}): number {
  if (input.momentum === null) return 1 / (input.numBatchesTracked + (opts.offset ?? 0));
  return opts.reversed ? 1 - input.momentum : input.momentum;
}

function mistakes(): Mistake<Input>[] {
  return [
    {
      ids: ["momentum-reversed"],
      message: "You return 1 − momentum, the weight of the OLD value. In PyTorch's convention momentum itself is the weight of the new batch.",
      outputs: (i: Input) => scalar(weight(i, { reversed: true })),
    },
    { ids: ["cumulative-off-by-one"], outputs: (i: Input) => scalar(weight(i, { offset: 1 })) },
    { ids: ["cumulative-off-by-one"], outputs: (i: Input) => scalar(weight(i, { offset: -1 })) },
  ];
}

const CASES: Input[] = [
  { momentum: 0.1, numBatchesTracked: 5 },
  { momentum: 0.3, numBatchesTracked: 1 },
  { momentum: null, numBatchesTracked: 1 },
  { momentum: null, numBatchesTracked: 2 },
  { momentum: null, numBatchesTracked: 10 },
];

const describe = (i: Input) => `momentum = ${i.momentum}, numBatchesTracked = ${i.numBatchesTracked}`;

export const newBatchWeightSpec: CheckSpec<Input, NewBatchWeightFn> = {
  exercise: "newBatchWeight",
  title: "Weight of the new batch (momentum or cumulative average)",
  cases: CASES.map((input) => ({ label: describe(input), input })),
  collect(fn, input, calls) {
    return { result: calls.call(fn, [input.momentum, input.numBatchesTracked], ["momentum", "numBatchesTracked"]).result };
  },
  read({ result }) {
    return scalar(expectNumber(result, "The weight"));
  },
  reference: (i) => scalar(weight(i)),
  mistakes: mistakes(),
  passMessage: "momentum is the weight of the new batch, and momentum = null gives 1/k on the k-th batch (a plain average of all batches so far).",
  describeInput: describe,
  labels: { weight: "weight" },
};

export function checkNewBatchWeight(fn: NewBatchWeightFn): CheckResult {
  return runCheck(newBatchWeightSpec, fn);
}
