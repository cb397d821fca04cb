/**
 * Points from executed check cells.
 *
 * A check (visible `check` or hidden `test` cell) passes when it ran to the end without an error
 * **and** every checker that printed a `BNLAB_CHECK` line in it said ok (the last line per
 * checker counts). An exercise earns its weight (the exercise's `points`, else the sum of its
 * checks' points) in proportion to the points of the checks it passed, rounded to 0.01.
 */
import { CHECK_MARKER, parseMarkers } from "../../exercises/report";
import type { ErrorInfo } from "../kernel/error-info";
import type { AnswerState } from "./extract-solutions";
import type { ExerciseSpec, GradedCell } from "./lesson-source";

export type CellRunStatus = "ok" | "error" | "timeout" | "dead" | "not-run";

export interface CellRun {
  status: CellRunStatus;
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

export function scoreCheck(check: GradedCell, run: CellRun | undefined): CheckOutcome {
  const base = { gradeId: check.gradeId, kind: check.kind, points: check.points };
  if (!run || run.status === "not-run") {
    return { ...base, passed: false, report: "Not run: the notebook stopped before this check (see the status above)." };
  }
  const markers = lastPerChecker(parseMarkers(run.stdout));
  const failedMarker = markers.find((marker) => !marker.ok);
  const text = stripMarkers(run.stdout).trim();
  const misconception = failedMarker?.misconception;
  if (run.status === "ok" && !failedMarker) {
    return { ...base, passed: true, report: check.kind === "check" ? text : "Passed." };
  }
  let report: string;
  if (check.kind === "check") {
    report = text || errorText(run);
  } else {
    // Hidden tests: say why, never show their code.
    report = run.status === "ok" ? "Failed." : `Failed: ${errorText(run)}`;
  }
  return { ...base, passed: false, report, ...(misconception ? { misconception } : {}) };
}

export function scoreExercise(spec: ExerciseSpec, answer: AnswerState, runs: Map<number, CellRun>): ExerciseResult {
  const checks = spec.checks.map((check) => scoreCheck(check, runs.get(check.index)));
  const total = checks.reduce((sum, check) => sum + check.points, 0);
  const passed = checks.reduce((sum, check) => sum + (check.passed ? check.points : 0), 0);
  const points = total === 0 ? 0 : round2((spec.points * passed) / total);
  return { id: spec.id, name: spec.name, maxPoints: spec.points, points, answer, checks };
}

function lastPerChecker<T extends { exercise: string }>(markers: T[]): T[] {
  const last = new Map<string, T>();
  for (const marker of markers) last.set(marker.exercise, marker);
  return [...last.values()];
}

export function stripMarkers(stdout: string): string {
  return stdout
    .split("\n")
    .filter((line) => !line.includes(CHECK_MARKER + " "))
    .join("\n");
}

function errorText(run: CellRun): string {
  if (run.status === "timeout") return "the cell ran out of time";
  if (run.status === "dead") return "the kernel stopped while this cell ran";
  if (!run.error) return "error";
  const first = run.error.evalue.split("\n")[0];
  return run.error.ename === "CheckFailedError" ? run.error.evalue : `${run.error.ename}: ${first}`;
}
