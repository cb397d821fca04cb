import { CheckResult } from "./check-result";
import { collectWith, judgeWith } from "./engine";
import { Collected } from "./protocol-types";
import { byExercise, isExerciseId, specOf } from "./registry";
import { COLLECT_PARTS } from "./collect/index"; // a file path: tslab cannot resolve directory imports

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
 *
 * Without a seed both use the notebook's fixed inputs. The grader passes each learner's seed to
 * both (the collector in the kernel, the judge in its own process, from the course secret it alone
 * holds), so the inputs differ per learner and no answer can be keyed to them in advance.
 */

/** Run the learner's function on the checker's inputs (drawn from `seed`, if given); JSON-serializable data. Never throws. */
export type Collector = (fn: unknown, seed?: string) => Collected;
/** Judge collected (untrusted) data against the inputs of `seed` (the notebook's without one). Pure; never throws. */
export type Judge = (data: unknown, seed?: string) => CheckResult;

// a seed that is not a string is none: a collector never throws
const seedOf = (seed: unknown): string | undefined => (typeof seed === "string" ? seed : undefined);
export const collectors = byExercise<Collector>((id) => (fn, seed) => collectWith(COLLECT_PARTS[id], fn, seedOf(seed)));
export const judges = byExercise<Judge>((id) => (data, seed) => judgeWith(specOf(id), data, seedOf(seed)));

/** The judge of an exercise id, or undefined (own keys only: "constructor" is not an id). */
export function judgeFor(exercise: string): Judge | undefined {
  return isExerciseId(exercise) ? judges[exercise] : undefined;
}
