import { Matrix } from "../../tensor/matrix";
import { ExerciseSpec, Mistake, Outputs } from "../engine";
import { MisconceptionId } from "../misconceptions";
import { stepsToTarget } from "../../train/steps-to-target";
import { StepsToTargetFn, Input, stepsToTargetCollect } from "../collect/steps-to-target";

/** An answer as outputs: null → isNull 1; a number → its value; anything else → NaN (never right). */
function answer(v: unknown): Outputs {
  if (v === null) return { isNull: Matrix.row([1]), value: Matrix.row([0]) };
  return { isNull: Matrix.row([0]), value: Matrix.row([typeof v === "number" ? v : NaN]) };
}

type History = Input["history"];
const reached = (a: number, target: number) => a >= target;
/** The index of the last entry for which `ok` holds, or −1. */
const lastIndex = (xs: readonly number[], ok: (x: number) => boolean) => xs.reduce((last, x, i) => (ok(x) ? i : last), -1);
/** The answer read by `pick` from the first evaluation (or, with `train`, training step) i whose accuracy is `ok`; null when none is. */
const atFirst =
  (pick: (h: History, i: number) => number | undefined, ok = reached, train = false) =>
  ({ history: h, target }: Input) => {
    const i = (train ? h.trainAccuracy ?? [] : h.eval.testAccuracy).findIndex((a) => ok(a, target));
    return i < 0 ? null : pick(h, i);
  };

/** What each mistake answers (null where it would answer null). */
const ANSWERS: Array<{ ids: MisconceptionId[]; message?: string; answer: (i: Input) => number | null | undefined }> = [
  {
    ids: ["steps-train-accuracy"],
    message:
      "train accuracy instead of test accuracy: your answer is the first step where the accuracy on the TRAINING batch reached the target. " +
      "A training batch is what the network is fitting right now (and only 60 examples): it runs ahead of, and is noisier than, the " +
      "test accuracy. Read history.eval.testAccuracy.",
    answer: atFirst((h, i) => (h.steps ?? [])[i], reached, true),
  },
  {
    ids: ["steps-index-not-step"],
    message:
      "the index of the evaluation, not its step: your answer is the position of the evaluation in history.eval.testAccuracy. " +
      "Evaluations happen every few steps: return history.eval.step[i], the step at which it was measured.",
    answer: atFirst((_h, i) => i),
  },
  {
    ids: ["steps-index-not-step"],
    message: "the accuracy, not the step: your answer is the test accuracy of the first evaluation that reaches the target; return its step, history.eval.step[i].",
    answer: atFirst((h, i) => h.eval.testAccuracy[i]),
  },
  {
    ids: ["steps-off-by-one"],
    message: "off by one evaluation (the one before): return the step of the first evaluation with accuracy ≥ target itself.",
    answer: atFirst((h, i) => h.eval.step[i - 1]),
  },
  {
    ids: ["steps-off-by-one"],
    message: "off by one evaluation (the one before): return the step of the first evaluation with accuracy ≥ target itself.",
    answer: atFirst((h, i) => h.eval.step[Math.max(0, i - 1)]),
  },
  {
    ids: ["steps-off-by-one"],
    message: "off by one evaluation (the one after): return the step of the first evaluation with accuracy ≥ target itself.",
    answer: atFirst((h, i) => h.eval.step[i + 1]),
  },
  {
    ids: ["steps-strict-inequality"],
    message: "> instead of ≥: an accuracy exactly equal to the target reaches it.",
    answer: atFirst((h, i) => h.eval.step[i], (a, target) => a > target),
  },
  {
    ids: ["steps-assumes-rising"],
    message: "assumes the accuracy only rises: you return the step after the LAST evaluation below the target. Return the FIRST evaluation with accuracy ≥ target.",
    answer: ({ history: h, target }) => {
      const last = lastIndex(h.eval.testAccuracy, (a) => a < target);
      return last + 1 < h.eval.step.length ? h.eval.step[last + 1] : null;
    },
  },
  {
    ids: ["steps-assumes-rising"],
    message: "assumes the accuracy only rises: you return the LAST evaluation at or above the target. Return the FIRST one.",
    answer: ({ history: h, target }) => {
      const last = lastIndex(h.eval.testAccuracy, (a) => reached(a, target));
      return last < 0 ? null : h.eval.step[last];
    },
  },
  {
    ids: ["steps-assumes-rising"],
    message: "the step of the BEST evaluation: the question is when the accuracy FIRST reached the target, not when it peaked.",
    answer: ({ history: h, target }) => {
      const acc = h.eval.testAccuracy;
      if (!acc.some((a) => a >= target)) return null;
      return h.eval.step[acc.indexOf(Math.max(...acc))];
    },
  },
  {
    ids: ["ignores-argument"],
    message: "the target is hard-coded (90%): use the target argument, the checker varies it.",
    answer: ({ history: h }) => stepsToTarget(h, 0.9),
  },
  {
    ids: ["steps-train-accuracy", "steps-index-not-step"],
    answer: atFirst((_h, i) => i, reached, true),
  },
];

function mistakes(): Mistake<Input>[] {
  const out: Mistake<Input>[] = ANSWERS.map((m) => ({ ids: m.ids, message: m.message, outputs: (i: Input) => answer(m.answer(i)) }));
  // each of them, and the right answer, without the null: anything but null when the target is never reached
  const noNull = (predict: (i: Input) => unknown) => (got: Outputs, i: Input) => {
    const p = answer(predict(i));
    if (p.isNull.data[0] === 1) return got.isNull.data[0] === 0;
    return got.isNull.data[0] === 0 && Object.is(got.value.data[0], p.value.data[0]);
  };
  const NO_NULL =
    "no null when the target is never reached: return null (not -1, 0, undefined, Infinity or the last step), so that a run that never gets there does not look like a fast one.";
  out.push({ ids: ["steps-no-null"], message: NO_NULL, matches: noNull((i) => stepsToTarget(i.history, i.target)) });
  // a mistake with the null missing as well, only when both show: the mistake on a case where it answers a
  // number other than the right one, the missing null on a case where the mistake answers null
  const shows = (predict: (i: Input) => unknown) => (got: Outputs, i: Input, expected: Outputs) => {
    const p = answer(predict(i));
    const differs = !Object.is(p.isNull.data[0], expected.isNull.data[0]) || !Object.is(p.value.data[0], expected.value.data[0]);
    return p.isNull.data[0] === 0 && differs && Object.is(got.value.data[0], p.value.data[0]);
  };
  const answersNull = (predict: (i: Input) => unknown) => (i: Input) => answer(predict(i)).isNull.data[0] === 1;
  for (const m of ANSWERS) {
    out.push({
      ids: [...m.ids, "steps-no-null"],
      message: `${m.message ?? ""} And ${NO_NULL}`.trim(),
      matchesAll: (got, inputs, expected) =>
        inputs.every((i, c) => noNull(m.answer)(got[c], i)) && inputs.some((i, c) => shows(m.answer)(got[c], i, expected[c])) && inputs.some(answersNull(m.answer)),
    });
  }
  return out;
}

export const stepsToTargetSpec: ExerciseSpec<Input, StepsToTargetFn> = {
  ...stepsToTargetCollect,
  title: "Steps to reach a target test accuracy",
  read: ({ result }) => answer(result),
  reference: (i) => answer(stepsToTarget(i.history, i.target)),
  mistakes: mistakes(),
  passMessage:
    "the first evaluated step with test accuracy ≥ target (an exact hit counts, dips do not matter), and null when it is never reached; checked on 7 histories.",
  describeInput: (i) => `target = ${i.target}\neval.step = [${i.history.eval.step.join(", ")}]\neval.testAccuracy = [${i.history.eval.testAccuracy.join(", ")}]`,
  labels: { isNull: "null? (1 = yes)", value: "answer" },
};
