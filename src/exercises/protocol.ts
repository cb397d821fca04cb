import { CheckResult } from "./check-result";
import { collectWith, judgeWith } from "./engine";
import { Collected } from "./protocol-types";
import { byExercise, isExerciseId, specOf } from "./registry";

/**
 * The checkers as a two-part protocol, for a grader that runs learner code in a sandbox:
 *
 *   const data = collectors.batchStats(batchStats);   // in the kernel: runs the learner's function
 *   const json = JSON.stringify(data);                 // … crosses the process boundary …
 *   const result = judges.batchStats(JSON.parse(json)); // in the grader: pure, runs no learner code
 *
 * `collect` runs the learner's function on the checker's seeded inputs (copies, under a time limit)
 * and returns JSON data; `judge` recomputes the expected values from the same seeded inputs and
 * returns the CheckResult. A judge treats its data as untrusted: malformed or forged data gives an
 * "error" result, never an exception. checkers.X(fn) = judges.X(collectors.X(fn)).
 */

/** Run the learner's function on the checker's inputs; JSON-serializable data. Never throws. */
export type Collector = (fn: unknown) => Collected;
/** Judge collected (untrusted) data. Pure; never throws. */
export type Judge = (data: unknown) => CheckResult;

export const collectors = byExercise<Collector>((id) => (fn) => collectWith(specOf(id), fn));
export const judges = byExercise<Judge>((id) => (data) => judgeWith(specOf(id), data));

/** The judge of an exercise id, or undefined (own keys only: "constructor" is not an id). */
export function judgeFor(exercise: string): Judge | undefined {
  return isExerciseId(exercise) ? judges[exercise] : undefined;
}
