import { Matrix } from "../../tensor/matrix";
import { ExerciseCollect, ExerciseInputs } from "../engine";
import { probesOn } from "../probes";
import { Rng } from "../../random/rng";
import { LearnerThrew, isStubError } from "../learner-code";

/**
 * Exercise: a guard run before batch norm normalizes x. It throws an Error (with a helpful
 * message) when x cannot be normalized — a batch of one in training mode — and returns otherwise.
 */
export type GuardBatchFn = (x: Matrix, training: boolean) => void;

export interface Input {
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

export const describe = (i: Input) => `a ${i.rows}×${i.cols} batch in ${i.training ? "training" : "eval"} mode`;

export const guardBatchCollect: ExerciseCollect<Input, GuardBatchFn> = {
  exercise: "guardBatch",
  draw,
  collect(fn, input, calls) {
    const x = Matrix.fromArray(Array.from({ length: input.rows }, (_, i) => Array.from({ length: input.cols }, (_, j) => i + 0.5 * j)));
    try {
      const { result } = calls.call(fn, [x, input.training], ["x", "training"]);
      return { threw: false, returnedSomething: result !== undefined };
    } catch (e) {
      if (e instanceof LearnerThrew && !isStubError(e.thrown)) {
        const t = e.thrown;
        return { threw: true, errorMessage: t instanceof Error && typeof t.message === "string" ? t.message : null };
      }
      throw e;
    }
  },
};
