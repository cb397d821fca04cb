/**
 * Points from the grader's verdicts.
 *
 * A check (visible `check` or hidden `test` cell) passes when the grader's judge, run in the
 * grader's process on the data the learner's function produced in the sandbox, says ok; a hidden
 * test's own cell, run after that in the kernel, must also finish without an error (it can only
 * take the point away: nothing that happens in the kernel can give one). An exercise earns its
 * weight (the exercise's `points`, else the sum of its checks' points) in proportion to the points
 * of the checks it passed, rounded to 0.01.
 */
import type { CheckResult } from "../../exercises/check-result";
import { isMisconceptionId } from "../../exercises/misconceptions";
import { formatResult } from "../../exercises/report";
import type { ErrorInfo } from "../jupyter/error-info";
import type { AnswerState } from "./extract-solutions";
import type { LessonExercise, GradedCell } from "./lesson-source";

export interface CellRun {
  status: "ok" | "error" | "timeout" | "dead" | "not-run";
  stdout: string;
  error?: ErrorInfo;
}

export interface CheckOutcome {
  gradeId: string;
  kind: "check" | "test";
  points: number;
  passed: boolean;
  /** For the learner: the checker's report (visible checks) or the failure's message. */
  report: string;
  /** The misconception the checker named, if any. */
  misconception?: string;
}

export interface ExerciseResult {
  id: string;
  name: string;
  maxPoints: number;
  points: number;
  answer: AnswerState;
  checks: CheckOutcome[];
  /** Set when the answer used the library's own implementation (or a way around the checks): why it got 0. */
  delegated?: string;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** What the grader knows about one check: its verdict (or why there is none) and, for a hidden test, its own cell's run. */
export interface CheckRun {
  verdict: CheckResult | null;
  /** Why there is no verdict: the collection cell failed or timed out, the data did not arrive… */
  problem?: string;
  /** The collection cell's run (for its error). */
  collection?: CellRun;
  /** A hidden test's own cell, run after the collection. */
  extra?: CellRun;
}

export function scoreCheck(check: GradedCell, run: CheckRun | undefined): CheckOutcome {
  const base = { gradeId: check.gradeId, kind: check.kind, points: check.points };
  if (!run || (!run.verdict && run.collection?.status === "not-run")) {
    return { ...base, passed: false, report: "Not run: the notebook stopped before this check (see the status above)." };
  }
  const verdict = run.verdict;
  const misconception = verdict && !verdict.ok && typeof verdict.misconception === "string" && isMisconceptionId(verdict.misconception) ? verdict.misconception : undefined;
  if (!verdict) {
    const why = run.collection && run.collection.status !== "ok" ? errorText(run.collection) : (run.problem ?? "no result");
    return { ...base, passed: false, report: check.kind === "check" ? `The check could not run: ${why}` : `Failed: ${why}` };
  }
  // a hidden test's own cell must have run, and without an error
  const extraFailed = check.kind === "test" ? run.extra === undefined || run.extra.status !== "ok" : false;
  if (verdict.ok && !extraFailed) return { ...base, passed: true, report: check.kind === "check" ? formatResult(verdict) : "Passed." };
  let report: string;
  if (check.kind === "check") report = formatResult(verdict);
  else if (!verdict.ok) report = `Failed: ${formatResult(verdict)}`;
  else report = `Failed: ${run.extra ? errorText(run.extra) : "the test did not run (the notebook stopped)"}`; // hidden tests: say why, never show their code
  return { ...base, passed: false, report, ...(misconception ? { misconception } : {}) };
}

export function scoreExercise(spec: LessonExercise, answer: AnswerState, runs: Map<number, CheckRun>): ExerciseResult {
  const checks = spec.checks.map((check) => scoreCheck(check, runs.get(check.index)));
  const total = checks.reduce((sum, check) => sum + check.points, 0);
  const passed = checks.reduce((sum, check) => sum + (check.passed ? check.points : 0), 0);
  const points = total === 0 ? 0 : round2((spec.points * passed) / total);
  return { id: spec.id, name: spec.name, maxPoints: spec.points, points, answer, checks };
}

function errorText(run: CellRun): string {
  if (run.status === "timeout") return "the cell ran out of time";
  if (run.status === "dead") return "the kernel stopped while this cell ran";
  if (!run.error) return "error";
  const first = run.error.evalue.split("\n")[0];
  return run.error.ename === "CheckFailedError" ? run.error.evalue : `${run.error.ename}: ${first}`;
}
