import { Matrix } from "../../tensor/matrix";
import { ExerciseInputs, ExerciseSpec } from "../engine";
import { NOTEBOOK_SEED } from "../inputs";
import { probesOn } from "../probes";
import { Rng } from "../../random/rng";
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

/** The shapes and modes of the cases: a size 1 or 2 is a kind of case and stays; `seed` draws every other size in 3…8. */
const KINDS: Input[] = [
  { rows: 1, cols: 5, training: true },
  { rows: 1, cols: 5, training: false },
  { rows: 5, cols: 1, training: true },
  { rows: 2, cols: 3, training: true },
  { rows: 4, cols: 3, training: false },
  { rows: 1, cols: 1, training: true },
  { rows: 3, cols: 2, training: true },
  { rows: 2, cols: 5, training: false },
  { rows: 1, cols: 2, training: false },
  { rows: 3, cols: 1, training: false },
];

function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/guardBatch`);
  const size = (n: number) => (n <= 2 ? n : rng.int(3, 9));
  const cases = KINDS.map((k) => ({ rows: size(k.rows), cols: size(k.cols), training: k.training })).map((input) => ({ label: describe(input), input }));
  // around the first case, a batch of one in training mode (which the guard refuses)
  const base = cases[0].input;
  const probes = probesOn(cases[0], [
    { what: "x has a single feature (x.cols = 1)", input: { ...base, cols: 1 }, leaks: "a batch's size is its number of examples (x.rows); the number of features must not matter" },
    { what: "training is false", input: { ...base, training: false }, ignored: "a batch of one must be refused in training mode only" },
    { what: "x has two examples", input: { ...base, rows: 2 }, ignored: "a batch of two or more examples must pass; only a batch of one is refused" },
  ]);
  return { cases, probes };
}

const describe = (i: Input) => `a ${i.rows}×${i.cols} batch in ${i.training ? "training" : "eval"} mode`;
const threw = (v: boolean) => ({ threw: Matrix.row([v ? 1 : 0]) });

export const guardBatchSpec: ExerciseSpec<Input, GuardBatchFn> = {
  exercise: "guardBatch",
  title: "Refuse a batch of one in training mode",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect(fn, input, calls) {
    const x = Matrix.fromArray(Array.from({ length: input.rows }, (_, i) => Array.from({ length: input.cols }, (_, j) => i + 0.5 * j)));
    try {
      const { result } = calls.call(fn, [x, input.training], ["x", "training"]);
      return { threw: false, returnedSomething: result !== undefined };
    } catch (e) {
      if (e instanceof LearnerThrew && !isStubError(e.thrown)) {
        const t = e.thrown;
        return { threw: true, message: describeThrown(t), errorMessage: t instanceof Error && typeof t.message === "string" ? t.message : null };
      }
      throw e;
    }
  },
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
