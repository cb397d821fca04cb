import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { EvalHistory } from "../../train/steps-to-target";
import { probesOn } from "../probes";
import { Rng } from "../../random/rng";

/** Exercise 6.1: the first evaluated step at which the TEST accuracy reaches the target, or null. */
export type StepsToTargetFn = (history: EvalHistory, target: number) => number | null;

export interface Input {
  history: EvalHistory;
  target: number;
}

/**
 * Seven histories, each a kind of case (rising, an exact hit, never reached, …); `seed` draws the
 * steps' offset and a shift of every accuracy and target that keeps each case's kind; the probes
 * change the first.
 */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/stepsToTarget`);
  const offset = Math.floor(rng.uniform(0, 40));
  const shift = Math.round(rng.uniform(-50, 9)) / 1000;
  const steps = Array.from({ length: 540 }, (_, i) => i + 1);
  // the training batches reach 90% long before the test set does
  const trainAccuracy = steps.map((s) => Math.min(0.99, 0.5 + s / 120));
  const history = (step: number[], testAccuracy: number[]): EvalHistory => ({ steps, trainAccuracy, eval: { step, testAccuracy } });
  const pct = (xs: number[]) => xs.map((a) => `${Math.round(a * 1000) / 10}%`).join(", ");
  const make = (at: number[], accuracies: number[], goal: number, what: string) => {
    const [step, acc, target] = [at.map((s) => s + offset), accuracies.map((a) => a + shift), goal + shift];
    return { label: `${what}: test accuracy ${pct(acc)} at steps ${step.join(", ")}; target ${pct([target])}`, input: { history: history(step, acc), target } };
  };
  const every100 = [0, 100, 200, 300, 400];
  const cases = [
    make(every100, [0.1, 0.85, 0.91, 0.95, 0.96], 0.9, "rising"),
    make(every100, [0.1, 0.8, 0.88, 0.9, 0.93], 0.9, "an exact hit"),
    make(every100, [0.1, 0.5, 0.7, 0.8, 0.85], 0.9, "never reached"),
    make(every100, [0.2, 0.92, 0.86, 0.94, 0.91], 0.9, "with a dip after reaching it"),
    make([0, 50, 150, 300, 450], [0.3, 0.6, 0.75, 0.72, 0.8], 0.7, "uneven steps, another target"),
    make([10, 60, 110], [0.97, 0.95, 0.99], 0.95, "reached at the first evaluation"),
    make([0, 200, 400], [0.4, 0.5, 0.81], 0.8, "reached at the last evaluation"),
  ];
  const base = cases[0].input;
  /** The base history with the evaluations' steps or accuracies replaced. */
  const evals = (step: number[], testAccuracy: number[]): Input => ({ ...base, history: { ...base.history, eval: { step, testAccuracy } } });
  const acc = base.history.eval.testAccuracy;
  return { cases, probes: probesOn(cases[0], [
    { what: "every eval.step grows by 1000", input: evals(base.history.eval.step.map((s) => s + 1000), acc), ignored: "the answer is not read from history.eval.step" },
    { what: "the test accuracy at evaluation 1 rises above the target", input: evals(base.history.eval.step, acc.map((a, i) => (i === 1 ? 0.93 : a))), ignored: "the first evaluation with test accuracy ≥ target is not what you return" },
    { what: "the test accuracy at the last evaluation drops", input: evals(base.history.eval.step, acc.map((a, i) => (i === acc.length - 1 ? 0.5 : a))), leaks: "evaluations after the first that reaches the target must not matter" },
    { what: "the target rises to 95%", input: { ...base, target: 0.95 } },
  ]) };
}

export const stepsToTargetCollect: ExerciseCollect<Input, StepsToTargetFn> = {
  exercise: "stepsToTarget",
  draw,
  collect: callWithFields(["history", "target"]),
};
