/**
 * Grading one submitted notebook, in stages, each in its own file:
 *
 * 1. take the learner's exercise cells out of it (extract-solutions.ts);
 * 2. assemble: put them into a fresh copy of the lesson's cells, built from *our* Markdown source,
 *    every check a collection cell of ours (assemble-notebook.ts);
 * 3. isolate: start a kernel of its own, one strategy per isolation mode (isolated-kernel.ts);
 * 4. run the cells there under time, memory and output limits (run-in-kernel.ts);
 * 5. judge the collected data in this process (judge-cells.ts);
 * 6. delegation: an answer that names the library's implementation of the exercise (delegation.ts),
 *    or passes only where that implementation is present (reach.ts: collected again without it),
 *    gets 0 for the exercise;
 * 7. score each exercise (scoring.ts) and give the run a status (grade-status.ts).
 *
 * Never throws for anything the submission does; a problem of the grader itself (the kernel does
 * not start) is the status "grader-error".
 */
import { assembleNotebook } from "./assemble-notebook";
import type { Submission } from "./collect-submissions";
import { EXERCISES } from "../../exercises/registry";
import { findDelegation } from "./delegation";
import { extractAnswers, type AnswerState, type ExtractedAnswer } from "./extract-solutions";
import { statusOf, type GradeStatus } from "./grade-status";
import type { IsolationMode, IsolationRequest } from "./isolated-kernel";
import { judgeCells } from "./judge-cells";
import type { LessonSource } from "./lesson-source";
import { checkedIds, collectWithout, reachedLibraryOnly } from "./reach";
import { runIsolated } from "./run-in-kernel";
import { scoreExercise, round2, type CheckRun, type ExerciseResult } from "./scoring";

export interface GradeLimits {
  cellTimeoutMs: number;
  notebookTimeoutMs: number;
  /** V8 heap limit of the kernel; the resident-memory watchdog allows `memoryLimitMb + 512`. */
  memoryLimitMb: number;
  /** Output kept per cell (bytes); more is dropped. */
  cellOutputBytes: number;
  /** Output per notebook (bytes); more stops the kernel (status output-limit). */
  notebookOutputBytes: number;
}

export const DEFAULT_LIMITS: GradeLimits = {
  cellTimeoutMs: 60_000,
  notebookTimeoutMs: 600_000,
  memoryLimitMb: 2048,
  cellOutputBytes: 1_000_000,
  notebookOutputBytes: 8_000_000,
};

export interface AnswerRun {
  exercise: string;
  state: AnswerState;
  source: string;
  /** The learner cell's own failure (compile error, exception), for the feedback. */
  error?: string;
  stdout?: string;
}

export interface SubmissionGrade {
  learner: string;
  lesson: string;
  status: GradeStatus;
  /** One line on why (empty for a clean run). */
  note: string;
  exercises: ExerciseResult[];
  answers: AnswerRun[];
  total: number;
  maxTotal: number;
  /** With a late policy: days late, the fraction taken off, the points before it, the time used. */
  late?: { days: number; penalty: number; rawTotal: number; submittedAt: string };
}

interface GradeNotebookOptions {
  projectRoot: string;
  limits: GradeLimits;
  /** Where sandboxes are made (one folder per submission, removed afterwards). */
  sandboxParent: string;
  /** "os" or "none" (trusted submissions only): see isolated-kernel.ts. */
  isolation: IsolationMode;
  /** The submission's index in its batch (picks the sandbox's uid). */
  index: number;
  /** The learner's seed (learnerSeed): every checker's inputs are drawn from it. */
  seed: string;
}

const MEMORY_SLACK_MB = 512;

/** A submission's grade from its scored exercises: the total and the maximum are their sums. */
function gradeOf(submission: Submission, status: GradeStatus, note: string, exercises: ExerciseResult[], answers: AnswerRun[]): SubmissionGrade {
  const sum = (points: (e: ExerciseResult) => number): number => round2(exercises.reduce((total, e) => total + points(e), 0));
  return { learner: submission.learner, lesson: submission.lesson, status, note, exercises, answers, total: sum((e) => e.points), maxTotal: sum((e) => e.maxPoints) };
}

/** A grade of 0 with `status` and its note: every exercise of `source` (none without one) unscored. */
export function zeroGrade(submission: Submission, status: GradeStatus, note: string, source?: LessonSource, answers: ExtractedAnswer[] = []): SubmissionGrade {
  const exercises = (source?.exercises ?? []).map((spec) => scoreExercise(spec, answers.find((a) => a.exercise === spec)?.state ?? "missing", new Map<number, CheckRun>()));
  return gradeOf(submission, status, note, exercises, answers.map((a) => ({ exercise: a.exercise.id, state: a.state, source: a.source })));
}

export async function gradeNotebook(submission: Submission, source: LessonSource, options: GradeNotebookOptions): Promise<SubmissionGrade> {
  const zero = (status: GradeStatus, note: string, answers: ExtractedAnswer[] = []): SubmissionGrade => zeroGrade(submission, status, note, source, answers);
  if (submission.file === null) return zero("missing", "no notebook handed in");
  if (typeof submission.text !== "string") return zero("invalid-notebook", `cannot read the file (${submission.readError ?? "not read"})`);
  const extracted = extractAnswers(submission.text, source);
  if (!extracted.ok) return zero(extracted.status, extracted.reason);
  try {
    return await gradeAnswers(submission, source, extracted.answers, extracted.notes, options);
  } catch (err) {
    return zero("grader-error", (err as Error).message.split("\n")[0], extracted.answers);
  }
}

async function gradeAnswers(
  submission: Submission,
  source: LessonSource,
  answers: ExtractedAnswer[],
  notes: string[],
  options: GradeNotebookOptions,
): Promise<SubmissionGrade> {
  const { limits } = options;
  const answerAt = new Map(answers.map((answer) => [answer.exercise.index, answer]));
  const assembled = assembleNotebook(source, answers, options.seed);
  const { notebook, roles } = assembled;
  const request: IsolationRequest = {
    mode: options.isolation,
    projectRoot: options.projectRoot,
    sandboxParent: options.sandboxParent,
    name: `${submission.learner}-${submission.lesson}`,
    index: options.index,
    memoryLimitMb: limits.memoryLimitMb,
    cellOutputBytes: limits.cellOutputBytes,
  };
  const residentLimitMb = limits.memoryLimitMb + MEMORY_SLACK_MB;
  const runLimits = { ...limits, residentLimitMb };
  const ids = checkedIds(source, assembled);
  let reachStarted = (): void => undefined;
  const bothStarted = new Promise<void>((resolve) => (reachStarted = resolve));
  // the main kernel's cells run once the reach kernel is up too
  const main = runIsolated(request, notebook, runLimits, bothStarted);
  const [run, without] = await Promise.all([main, collectWithout(source, assembled, ids, answers, request, runLimits, main, reachStarted)]);
  const { runs, checkRuns } = judgeCells(roles, run, assembled.seed);

  // delegation: the names in the cell first (a fast message), then what the answer reaches
  const reached = reachedLibraryOnly(checkRuns, without);
  const delegated: string[] = [];
  const exercises = source.exercises.map((spec) => {
    const answer = answerAt.get(spec.index);
    const scored = scoreExercise(spec, answer?.state ?? "missing", checkRuns);
    const id = ids.get(spec.index);
    const spelled = answer?.state === "answered" ? findDelegation(spec.name, answer.source, id ? EXERCISES[id].forbids : []) : null;
    const delegation = spelled ?? reached.get(spec.index);
    if (!delegation) return scored;
    delegated.push(`exercise ${spec.id} uses ${delegation.name}: 0 points`);
    return { ...scored, points: 0, delegated: delegation.message, checks: scored.checks.map((c) => ({ ...c, passed: false, report: delegation.message })) };
  });
  const answerRuns: AnswerRun[] = answers.map((answer) => {
    const cell = runs.get(answer.exercise.index);
    const failure = cell?.error ? `${cell.error.ename}: ${cell.error.evalue}` : undefined;
    return {
      exercise: answer.exercise.id,
      state: answer.state,
      source: answer.source,
      ...(failure && cell?.status !== "not-run" ? { error: failure } : {}),
      ...(cell?.stdout ? { stdout: cell.stdout } : {}),
    };
  });
  const { status, note } = statusOf({
    ...limits,
    ...run,
    residentLimitMb,
    errors: run.errors.map((e) => ({ ...e, cellIndex: roles[e.cellIndex].lessonIndex })),
    answers,
    runs,
  });
  const allNotes = [note, ...delegated, ...notes].filter((n) => n !== "");
  return gradeOf(submission, status, allNotes.join("; "), exercises, answerRuns);
}
