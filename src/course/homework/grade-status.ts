/**
 * Stage 5 of grading, the run's status: one word and one line on why, from what the kernel run
 * recorded (refused writes, memory, time, how the kernel ended, the learner's cells' errors).
 */
import type { ExtractedAnswer } from "./extract-solutions";
import type { GradeLimits } from "./grade-notebook";
import type { KernelRun } from "./run-in-kernel";
import type { CellRun } from "./scoring";

/** Every status, with what it means, for the feedback page and the docs. */
export const STATUS_TEXT = {
  ok: "graded",
  missing: "no notebook handed in",
  "invalid-notebook": "the file is not a readable notebook",
  "wrong-lesson": "this notebook belongs to another lesson",
  "compile-error": "an exercise cell does not compile",
  "runtime-error": "an exercise cell throws when it runs",
  timeout: "the notebook ran out of time",
  "memory-limit": "the notebook used more memory than allowed",
  "process-limit": "the code started more processes than allowed",
  "kernel-died": "the kernel stopped (the code exited or crashed the process)",
  "wrote-outside": "the code tried to write outside its folder",
  "output-limit": "the notebook printed more than the grader keeps",
  "grader-error": "the grader could not run this notebook (not the learner's fault; grade again)",
} as const;

export type GradeStatus = keyof typeof STATUS_TEXT;

/** What the kernel run recorded (its failed cells by lesson cell index), the limits it ran under, the answers and their cells' runs. */
export type StatusInputs = Omit<KernelRun, "cells"> &
  Pick<GradeLimits, "memoryLimitMb" | "cellTimeoutMs" | "notebookTimeoutMs" | "notebookOutputBytes"> & {
    /** The watchdog's limit (heap limit plus slack), for the note. */
    residentLimitMb: number;
    answers: readonly ExtractedAnswer[];
    runs: Map<number, CellRun>;
  };

const HEAP_EXHAUSTED = /heap out of memory|Reached heap limit|Allocation failed|Invalid array length|Array buffer allocation failed/i;
/** What Node says when fork/clone hits the sandbox's process limit (RLIMIT_NPROC): a refused spawn, or a thread it could not start. */
const NO_MORE_PROCESSES = /\bEAGAIN\b/;
const NO_MORE_THREADS = /node_watchdog|uv_thread_create|Resource temporarily unavailable|\bEAGAIN\b/;

export function statusOf(s: StatusInputs): { status: GradeStatus; note: string } {
  if (s.outputExceeded) return { status: "output-limit", note: `the notebook printed more than ${Math.round(s.notebookOutputBytes / 1e6)} MB; the kernel was stopped` };
  const answerIndexes = [...new Set(s.answers.map((a) => a.exercise.index))].sort((a, b) => a - b);
  const exerciseOf = (index: number): string => {
    const answer = s.answers.find((a) => a.exercise.index === index);
    if (answer) return `exercise ${answer.exercise.id}`;
    const checked = s.answers.find((a) => a.exercise.checks.some((c) => c.index === index));
    return checked ? `a check of exercise ${checked.exercise.id}` : "a cell of the lesson";
  };
  if (s.writes.length > 0) return { status: "wrote-outside", note: `refused: ${s.writes.slice(0, 3).join(", ")}` };
  if (s.memoryExceededMb !== null) return { status: "memory-limit", note: `resident memory passed ${s.residentLimitMb} MB; the kernel was stopped` };
  const fatal = s.errors.find((e) => e.kind === "dead" || e.kind === "timeout" || e.kind === "notebook-timeout");
  if (fatal && (fatal.kind === "timeout" || fatal.kind === "notebook-timeout")) {
    const limit = fatal.kind === "timeout" ? `${s.cellTimeoutMs / 1000} s per cell` : `${s.notebookTimeoutMs / 1000} s per notebook`;
    return { status: "timeout", note: `${exerciseOf(fatal.cellIndex)} ran longer than ${limit}` };
  }
  if (fatal || s.exit) {
    if (HEAP_EXHAUSTED.test(s.kernelLog)) return { status: "memory-limit", note: `the kernel ran out of its ${s.memoryLimitMb} MB heap` };
    if (NO_MORE_THREADS.test(s.kernelLog)) {
      return { status: "process-limit", note: `the code started more processes than the sandbox allows: the kernel could not start a thread while running ${fatal ? exerciseOf(fatal.cellIndex) : "the notebook"} and stopped` };
    }
    const how = s.exit ? (s.exit.signal ? `was killed by ${s.exit.signal}` : `exited with code ${s.exit.code}`) : "stopped";
    return { status: "kernel-died", note: `the kernel ${how} while running ${fatal ? exerciseOf(fatal.cellIndex) : "the notebook"}` };
  }
  for (const index of answerIndexes) {
    const run = s.runs.get(index);
    if (run?.status === "error" && run.error?.ename === "TypeScriptError") return { status: "compile-error", note: `${exerciseOf(index)}: ${run.error.evalue.split("\n")[0]}` };
  }
  for (const index of answerIndexes) {
    const run = s.runs.get(index);
    if (run?.status === "error" && NO_MORE_PROCESSES.test(run.error?.evalue ?? "")) {
      return { status: "process-limit", note: `the code started more processes than the sandbox allows: ${exerciseOf(index)} could not start the next one (${run.error?.evalue.split("\n")[0]})` };
    }
    if (run?.status === "error") return { status: "runtime-error", note: `${exerciseOf(index)}: ${run.error?.ename}: ${run.error?.evalue.split("\n")[0]}` };
  }
  return { status: "ok", note: "" };
}
