/** What stepsToTarget (exercise 6.1, and the capstone lesson's demos) reads: the test evaluations of a History. */
export interface EvalHistory {
  steps?: number[];
  trainAccuracy?: number[];
  eval: { step: number[]; testAccuracy: number[] };
}

/** The first evaluated step whose TEST accuracy is at least `target`, or null if none is. */
export function stepsToTarget(history: EvalHistory, target: number): number | null {
  const { step, testAccuracy } = history.eval;
  for (let i = 0; i < step.length; i++) {
    if (testAccuracy[i] >= target) return step[i];
  }
  return null;
}
