import { Matrix } from "../../tensor/matrix";
import { CheckResult } from "../check-result";
import { CheckSpec, runCheck } from "../engine";
import { LearnerThrew, Malformed, describeThrown, isStubError } from "../learner-code";

/**
 * Exercise: a guard run before batch norm normalizes x. It throws an Error (with a helpful
 * message) when x cannot be normalized — a batch of one in training mode — and returns otherwise.
 */
export type GuardBatchFn = (x: Matrix, training: boolean) => void;

interface Input {
  rows: number;
  cols: number;
  training: boolean;
}

const CASES: Input[] = [
  { rows: 1, cols: 5, training: true },
  { rows: 1, cols: 5, training: false },
  { rows: 5, cols: 1, training: true },
  { rows: 2, cols: 3, training: true },
  { rows: 4, cols: 3, training: false },
];

const describe = (i: Input) => `a ${i.rows}×${i.cols} batch in ${i.training ? "training" : "eval"} mode`;
const threw = (v: boolean) => ({ threw: Matrix.row([v ? 1 : 0]) });

export const guardBatchSpec: CheckSpec<Input, GuardBatchFn> = {
  exercise: "guardBatch",
  title: "Refuse a batch of one in training mode",
  cases: CASES.map((input) => ({ label: describe(input), input })),
  collect(fn, input, calls) {
    const x = Matrix.fromArray(Array.from({ length: input.rows }, (_, i) => Array.from({ length: input.cols }, (_, j) => i + 0.5 * j)));
    try {
      return { threw: false, result: calls.call(fn, [x, input.training], ["x", "training"]).result };
    } catch (e) {
      if (e instanceof LearnerThrew && !isStubError(e.thrown)) return { threw: true, message: describeThrown(e.thrown) };
      throw e;
    }
  },
  read(values) {
    if (typeof values.threw !== "boolean") throw new Malformed("wrong-type", "The collected data has no threw flag.");
    return threw(values.threw);
  },
  reference: (i) => threw(i.training && i.rows < 2),
  mistakes: [
    { ids: ["batch-of-one"], outputs: () => threw(false) },
    {
      ids: ["wrong-axis"],
      message: "Your guard counts features (x.cols). The batch size is the number of examples, the rows: x.rows.",
      outputs: (i) => threw(i.training && i.cols < 2),
    },
    {
      ids: ["batch-stats-in-eval"],
      message:
        "Your guard also refuses a single example in evaluation mode. Evaluation normalizes with the running statistics, " +
        "so one example is fine — that is how single-example inference works.",
      outputs: (i) => threw(i.rows < 2),
    },
  ],
  passMessage: "Throws for a batch of one in training mode only; a single example in eval mode and batches of 2 or more pass.",
  describeInput: describe,
  labels: { threw: "threw (1 = yes)" },
};

export function checkGuardBatch(fn: GuardBatchFn): CheckResult {
  return runCheck(guardBatchSpec, fn);
}
