import { checkNumber, describe } from "../validate/checks";

/** What stepsToTarget (exercise 6.1, and the capstone lesson's demos) reads: the test evaluations of a History. */
export interface EvalHistory {
  steps?: number[];
  trainAccuracy?: number[];
  eval: { step: number[]; testAccuracy: number[] };
}

/** The first evaluated step whose TEST accuracy is at least `target`, or null if none is. */
export function stepsToTarget(history: EvalHistory, target: number): number | null {
  if (history === null || typeof history !== "object" || history.eval === null || typeof history.eval !== "object") {
    throw new TypeError(`capstone.stepsToTarget: history must be what fit returned (with eval.step and eval.testAccuracy), got ${describe(history)}`);
  }
  checkNumber("capstone.stepsToTarget", "target", target, { min: 0, max: 1, hint: "a test accuracy, e.g. 0.9" });
  const { step, testAccuracy } = history.eval;
  for (let i = 0; i < step.length; i++) {
    if (testAccuracy[i] >= target) return step[i];
  }
  return null;
}
