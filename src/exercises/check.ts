import { CheckResult } from "./check-result";
import { runCheck } from "./engine";
import { ExerciseFn, ExerciseId, byExercise, specOf } from "./registry";
import { quietInNotebook, report } from "./report";

type Checkers = { readonly [K in ExerciseId]: (fn: ExerciseFn<K>) => CheckResult };

/** The pure checkers by exercise id: collect and judge the learner's function, print nothing. */
export const checkers = byExercise((id) => (fn: unknown) => runCheck(specOf(id), fn)) as Checkers;

/**
 * The notebook-facing checkers: `check.batchStats(batchStats)` in a visible check cell collects
 * (runs the function on the checker's inputs), judges the collected data, and prints
 * "✓ …" or "✗ …" with the diagnosis (nothing for a machine to read: the grader judges collected
 * data itself, see protocol.ts), and returns the result, shown as nothing by tslab.
 * They never throw because of the learner's code.
 */
export const check = byExercise((id) => (fn: unknown) => {
  const result = runCheck(specOf(id), fn);
  report(result);
  return quietInNotebook(result);
}) as Checkers;
