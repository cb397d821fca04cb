import { Matrix } from "../../tensor/matrix";
import { ExerciseSpec } from "../engine";
import { Malformed } from "../learner-code";
import { GuardBatchFn, Input, guardBatchCollect, describe } from "../collect/guard-batch";

const threw = (v: boolean) => ({ threw: Matrix.row([v ? 1 : 0]) });

export const guardBatchSpec: ExerciseSpec<Input, GuardBatchFn> = {
  ...guardBatchCollect,
  title: "Refuse a batch of one in training mode",
  read(values) {
    if (typeof values.threw !== "boolean") throw new Malformed("wrong-type", "The collected data has no threw flag.");
    const m = values.errorMessage;
    const helpful = values.threw && typeof m === "string" && m.trim().length > 10;
    return { ...threw(values.threw), returned: Matrix.row([values.returnedSomething === true ? 1 : 0]), helpful: Matrix.row([helpful ? 1 : 0]) };
  },
  reference: (i) => ({ ...threw(i.training && i.rows < 2), helpful: Matrix.row([i.training && i.rows < 2 ? 1 : 0]) }),
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
    {
      ids: ["guard-off-by-one"],
      outputs: (i) => threw(i.training && i.rows <= 2),
    },
    {
      ids: ["guard-off-by-one", "batch-stats-in-eval"],
      outputs: (i) => threw(i.rows <= 2),
    },
    {
      ids: ["guard-always-throws"],
      outputs: () => threw(true),
    },
    {
      ids: ["guard-always-throws"],
      message: "Your guard refuses every batch in training mode: refuse only a batch of ONE example (x.rows < 2).",
      outputs: (i) => threw(i.training),
    },
    {
      ids: ["batch-of-one", "batch-stats-in-eval"],
      message:
        "Your guard has the modes backwards: it refuses a single example in EVALUATION mode (which is fine there: running statistics) and lets it through in TRAINING mode (where its variance is 0). Refuse x.rows < 2 when training is true.",
      outputs: (i) => threw(!i.training && i.rows < 2),
    },
    {
      ids: ["wrong-axis", "batch-stats-in-eval"],
      message: "Your guard counts features (x.cols), and in both modes: refuse x.rows < 2 (examples), and only in training mode.",
      outputs: (i) => threw(i.cols < 2),
    },
    {
      ids: ["guard-unhelpful-message"],
      matches: (got, i) => got.threw.data[0] === (i.training && i.rows < 2 ? 1 : 0) && (!(i.training && i.rows < 2) || got.helpful.data[0] === 0),
    },
    {
      ids: ["guard-returns-instead-of-throwing"],
      matches: (got, i) =>
        got.threw.data[0] === 0 && (!(i.training && i.rows < 2) || got.returned.data[0] === 1),
    },
  ],
  passMessage: "Throws an Error with a helpful message for a batch of one in training mode only (whatever the number of features); a single example in eval mode and batches of 2 or more pass.",
  describeInput: describe,
  labels: { threw: "threw (1 = yes)", helpful: "threw an Error with a message of more than 10 characters (1 = yes)" },
};
