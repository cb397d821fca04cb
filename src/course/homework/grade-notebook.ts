/**
 * Grading one submitted notebook:
 *
 * 1. take the learner's exercise cells out of it (extract-solutions.ts);
 * 2. put them into a fresh copy of the lesson's cells, built from *our* Markdown source: every
 *    other cell (demos, visible checks, hidden tests) is ours, so an edited or deleted check cell
 *    changes nothing; instructor-only code is left out;
 * 3. run that in a kernel of its own, in a sandbox folder (sandbox.ts), with per-cell and
 *    per-notebook time limits and a memory limit — the cells go to the kernel as messages, the
 *    graded notebook is never on disk;
 * 4. score each exercise from its checks (scoring.ts) and give the run a status.
 *
 * Never throws for anything the submission does; a problem of the grader itself (the kernel does
 * not start) is the status "grader-error".
 */
import * as fs from "node:fs";
import { executeNotebook } from "../jupyter/execute-notebook";
import type { ErrorInfo } from "../jupyter/error-info";
import { jupyterEnv } from "../jupyter/kernelspec";
import { KernelSession, type KernelSessionOptions } from "../jupyter/session";
import { NBFORMAT, NBFORMAT_MINOR, joinSource, splitLines, type CodeCell, type Notebook, type Output } from "../notebook/nbformat";
import { findDelegation } from "./delegation";
import { extractAnswers, type AnswerState, type ExtractedAnswer } from "./extract-solutions";
import type { LessonSource } from "./lesson-source";
import { createSandbox, GRADER_MARKER, guardCell, reportCell, watchMemory } from "./sandbox";
import { folderMb, INSIDE, makeIpcDir, sandboxedKernelArgv, sandboxUid } from "./os-sandbox";
import { scoreExercise, round2, type CellRun, type CheckRun, type ExerciseResult } from "./scoring";
import { collectionCell, findCheckerCall, judgeCollected, type CheckerCall } from "./collection";
import type { Submission } from "./collect-submissions";

export type GradeStatus =
  | "ok"
  | "missing"
  | "invalid-notebook"
  | "wrong-lesson"
  | "compile-error"
  | "runtime-error"
  | "timeout"
  | "memory-limit"
  | "kernel-died"
  | "wrote-outside"
  | "output-limit"
  | "grader-error";

/** What each status means, for the feedback page and the docs. */
export const STATUS_TEXT: Record<GradeStatus, string> = {
  ok: "graded",
  missing: "no notebook handed in",
  "invalid-notebook": "the file is not a readable notebook",
  "wrong-lesson": "this notebook belongs to another lesson",
  "compile-error": "an exercise cell does not compile",
  "runtime-error": "an exercise cell throws when it runs",
  timeout: "the notebook ran out of time",
  "memory-limit": "the notebook used more memory than allowed",
  "kernel-died": "the kernel stopped (the code exited or crashed the process)",
  "wrote-outside": "the code tried to write outside its folder",
  "output-limit": "the notebook printed more than the grader keeps",
  "grader-error": "the grader could not run this notebook (not the learner's fault; grade again)",
};

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

export interface GradeNotebookOptions {
  projectRoot: string;
  limits: GradeLimits;
  /** Where sandboxes are made (one folder per submission, removed afterwards). */
  sandboxParent: string;
  /** Kernel command line (default: the project's kernelspec). */
  argv?: string[];
  /**
   * "os" (default): the kernel runs in the bubblewrap sandbox (os-sandbox.ts). "none": as the
   * grader's user, with only the in-kernel guard: for trusted submissions (npm run grade --
   * --unsafe-no-sandbox).
   */
  isolation?: "os" | "none";
  /** The submission's index in its batch (picks the sandbox's uid). */
  index?: number;
}

const MEMORY_SLACK_MB = 512;

export async function gradeNotebook(submission: Submission, source: LessonSource, options: GradeNotebookOptions): Promise<SubmissionGrade> {
  const maxTotal = round2(source.exercises.reduce((sum, exercise) => sum + exercise.points, 0));
  const zero = (status: GradeStatus, note: string, answers: ExtractedAnswer[] = []): SubmissionGrade => ({
    learner: submission.learner,
    lesson: submission.lesson,
    status,
    note,
    exercises: source.exercises.map((spec) => scoreExercise(spec, answers.find((a) => a.exercise === spec)?.state ?? "missing", new Map<number, CheckRun>())),
    answers: answers.map((a) => ({ exercise: a.exercise.id, state: a.state, source: a.source })),
    total: 0,
    maxTotal,
  });
  if (submission.file === null) return zero("missing", "no notebook handed in");
  let text: string;
  if (submission.text !== undefined) {
    if (submission.text === null) return zero("invalid-notebook", `cannot read the file (${submission.readError ?? "unreadable"})`);
    text = submission.text;
  } else {
    try {
      text = fs.readFileSync(submission.file, "utf8");
    } catch (err) {
      return zero("invalid-notebook", `cannot read the file (${(err as Error).message})`);
    }
  }
  const extracted = extractAnswers(text, source);
  if (!extracted.ok) return zero(extracted.status, extracted.reason);
  try {
    return await runGrading(submission, source, extracted.answers, extracted.notes, options, maxTotal);
  } catch (err) {
    return zero("grader-error", (err as Error).message.split("\n")[0], extracted.answers);
  }
}

async function runGrading(
  submission: Submission,
  source: LessonSource,
  answers: ExtractedAnswer[],
  notes: string[],
  options: GradeNotebookOptions,
  maxTotal: number,
): Promise<SubmissionGrade> {
  const { limits } = options;
  // The graded notebook: our cells, the learner's exercise cells, and for every check or hidden
  // test a collection cell of ours (collection.ts) whose data the grader judges; a hidden test's
  // own cell runs after it (it can only take the point away). `roles` maps each cell back.
  const answerAt = new Map(answers.map((answer) => [answer.exercise.index, answer]));
  const cells: CodeCell[] = [];
  const roles: { lessonIndex: number; collect?: CheckerCall }[] = [];
  const lessonIndex: number[] = [];
  const push = (id: string, code: string, role: { lessonIndex: number; collect?: CheckerCall }): void => {
    cells.push({ cell_type: "code", execution_count: null, id, metadata: {}, outputs: [], source: splitLines(code) });
    roles.push(role);
    lessonIndex.push(role.lessonIndex);
  };
  source.lesson.cells.forEach((cell, index) => {
    if (cell.type !== "code" || cell.role.kind === "instructor") return;
    const answer = answerAt.get(index);
    if (answer) return push(`cell-${index}`, answer.source, { lessonIndex: index });
    if (cell.role.kind === "check" || cell.role.kind === "test") {
      const call = findCheckerCall(cell.source);
      if (call) {
        push(`collect-${index}`, collectionCell(call), { lessonIndex: index, collect: call });
        if (cell.role.kind === "test") push(`cell-${index}`, cell.source, { lessonIndex: index });
        return;
      }
    }
    push(`cell-${index}`, cell.source, { lessonIndex: index });
  });
  const notebook: Notebook = { nbformat: NBFORMAT, nbformat_minor: NBFORMAT_MINOR, metadata: {}, cells };

  const isolated = (options.isolation ?? "os") === "os";
  const uid = isolated ? sandboxUid(options.index ?? 0) : null;
  const ipc = isolated ? makeIpcDir(options.sandboxParent, uid) : null;
  const sandbox = isolated ? null : createSandbox(options.sandboxParent, `${submission.learner}-${submission.lesson}`, options.projectRoot, process.env);
  const scrub = (s: string): string => (sandbox ? s.split(sandbox.root).join("<submission folder>") : s);
  let session: KernelSession | undefined;
  let stopWatch = (): void => undefined;
  let memoryExceeded: number | null = null;
  let outputExceeded = false;
  let outputBytes = 0;
  const runs = new Map<number, CellRun>();
  const checkRuns = new Map<number, CheckRun>();
  const outputsAt = new Map<number, Output[]>();
  let writes: string[] = [];
  let exit: { code: number | null; signal: string | null } | null = null;
  let errors: { kind: string; cellIndex: number; error: ErrorInfo }[] = [];
  try {
    if (ipc) {
      const argv = sandboxedKernelArgv({ projectRoot: options.projectRoot, hostIpcDir: ipc.dir, memoryLimitMb: limits.memoryLimitMb, uid });
      session = await startKernel({
        cwd: ipc.dir,
        env: { PATH: "/usr/bin:/bin" },
        argv,
        ipc: { hostDir: ipc.dir, kernelDir: INSIDE.ipc },
        maxMessageBytes: limits.cellOutputBytes * 4 + 65_536,
        maxOutputBytes: limits.cellOutputBytes,
      });
    } else if (sandbox) {
      session = await startKernel({
        cwd: sandbox.cwd,
        env: jupyterEnv(sandbox.env),
        memoryLimitMb: limits.memoryLimitMb,
        maxOutputBytes: limits.cellOutputBytes,
        ...(options.argv ? { argv: options.argv } : {}),
      });
    }
    if (!session) throw new Error("no kernel");
    const kernel = session;
    const ipcDir = ipc?.dir;
    stopWatch = watchMemory(kernel.pid, limits.memoryLimitMb + MEMORY_SLACK_MB, (mb) => {
      memoryExceeded = mb;
      void kernel.kernel.kill();
    }, 200, ipcDir ? () => folderMb(ipcDir) : undefined);
    if (sandbox) {
      const guard = await kernel.execute(guardCell(sandbox.root), { timeoutMs: 30_000 });
      if (guard.status !== "ok") throw new Error(`the sandbox guard did not run: ${guard.error?.ename}: ${guard.error?.evalue}`);
    }
    const result = await executeNotebook(notebook, {
      session: kernel,
      allowErrors: true,
      cellTimeoutMs: limits.cellTimeoutMs,
      notebookTimeoutMs: limits.notebookTimeoutMs,
      onCell: (index, cell, res) => {
        const stdout = res.outputs.filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => joinSource((o as { text: string | string[] }).text)).join("");
        const run: CellRun = { status: res.status, stdout: scrub(stdout), ...(res.error ? { error: scrubError(res.error, scrub) } : {}) };
        const role = roles[index];
        if (role.collect) {
          // judged here, in the grader's process, from data only
          const judged = res.status === "ok" ? judgeCollected(role.collect.checker, res.outputs) : { ok: false as const, problem: "the collection cell failed" };
          checkRuns.set(role.lessonIndex, { verdict: judged.ok ? judged.result : null, ...(judged.ok ? {} : { problem: judged.problem }), collection: run });
        } else if (checkRuns.has(role.lessonIndex)) {
          (checkRuns.get(role.lessonIndex) as CheckRun).extra = run;
        } else {
          runs.set(role.lessonIndex, run);
        }
        outputsAt.set(role.lessonIndex, res.outputs);
        outputBytes += JSON.stringify(res.outputs).length;
        if (outputBytes > limits.notebookOutputBytes && !outputExceeded) {
          outputExceeded = true;
          void kernel.kernel.kill();
        }
      },
    });
    errors = result.errors.map((e) => ({ kind: e.kind, cellIndex: lessonIndex[e.cellIndex], error: scrubError(e, scrub) }));
    if (kernel.alive && sandbox) {
      const report = await kernel.execute(reportCell(), { timeoutMs: 10_000 });
      const line = report.outputs
        .filter((o) => o.output_type === "stream")
        .map((o) => joinSource((o as { text: string | string[] }).text))
        .join("")
        .split("\n")
        .filter((l) => l.startsWith(GRADER_MARKER + " "))
        .pop();
      if (line) writes = (JSON.parse(line.slice(GRADER_MARKER.length + 1)) as { writes: string[] | null }).writes ?? [];
    } else if (!kernel.alive) {
      exit = await kernel.kernel.exited;
    }
  } finally {
    stopWatch();
    await session?.shutdown();
    sandbox?.remove();
    ipc?.remove();
  }
  const kernelLog = session?.kernel.output() ?? "";
  // Cells after a fatal stop never ran.
  roles.forEach((role) => {
    if (role.collect) {
      if (!checkRuns.has(role.lessonIndex)) checkRuns.set(role.lessonIndex, { verdict: null, problem: "not run", collection: { status: "not-run", stdout: "" } });
    } else if (!runs.has(role.lessonIndex) && !checkRuns.has(role.lessonIndex)) runs.set(role.lessonIndex, { status: "not-run", stdout: "" });
  });

  const delegated: string[] = [];
  const exercises = source.exercises.map((spec) => {
    const answer = answerAt.get(spec.index);
    const scored = scoreExercise(spec, answer?.state ?? "missing", checkRuns);
    const delegation = answer?.state === "answered" ? findDelegation(spec.name, answer.source) : null;
    if (!delegation) return scored;
    delegated.push(`exercise ${spec.id} uses ${delegation.name}: 0 points`);
    return { ...scored, points: 0, delegated: delegation.message, checks: scored.checks.map((c) => ({ ...c, passed: false, report: delegation.message })) };
  });
  const answerRuns: AnswerRun[] = answers.map((answer) => {
    const run = runs.get(answer.exercise.index);
    const failure = run?.error ? `${run.error.ename}: ${run.error.evalue}` : undefined;
    return {
      exercise: answer.exercise.id,
      state: answer.state,
      source: answer.source,
      ...(failure && run?.status !== "not-run" ? { error: failure } : {}),
      ...(run?.stdout ? { stdout: run.stdout } : {}),
    };
  });
  const { status, note } = outputExceeded
    ? { status: "output-limit" as const, note: `the notebook printed more than ${Math.round(limits.notebookOutputBytes / 1e6)} MB; the kernel was stopped` }
    : statusOf({ memoryExceeded, kernelLog, errors, exit, writes, answers, runs, limits });
  const allNotes = [note, ...delegated, ...notes].filter((n) => n !== "");
  return {
    learner: submission.learner,
    lesson: submission.lesson,
    status,
    note: allNotes.join("; "),
    exercises,
    answers: answerRuns,
    total: round2(exercises.reduce((sum, e) => sum + e.points, 0)),
    maxTotal,
  };
}

async function startKernel(options: KernelSessionOptions): Promise<KernelSession> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await KernelSession.start(options);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function scrubError(error: ErrorInfo, scrub: (s: string) => string): ErrorInfo {
  return { ename: error.ename, evalue: scrub(error.evalue), traceback: error.traceback.map(scrub) };
}

interface StatusInputs {
  memoryExceeded: number | null;
  kernelLog: string;
  errors: { kind: string; cellIndex: number; error: ErrorInfo }[];
  exit: { code: number | null; signal: string | null } | null;
  writes: string[];
  answers: ExtractedAnswer[];
  runs: Map<number, CellRun>;
  limits: GradeLimits;
}

const HEAP_EXHAUSTED = /heap out of memory|Reached heap limit|Allocation failed|Invalid array length|Array buffer allocation failed/i;

function statusOf(s: StatusInputs): { status: GradeStatus; note: string } {
  const answerIndexes = new Set(s.answers.map((a) => a.exercise.index));
  const exerciseOf = (index: number): string => {
    const answer = s.answers.find((a) => a.exercise.index === index);
    if (answer) return `exercise ${answer.exercise.id}`;
    const checked = s.answers.find((a) => a.exercise.checks.some((c) => c.index === index));
    return checked ? `a check of exercise ${checked.exercise.id}` : "a cell of the lesson";
  };
  if (s.writes.length > 0) return { status: "wrote-outside", note: `refused: ${s.writes.slice(0, 3).join(", ")}` };
  if (s.memoryExceeded !== null) return { status: "memory-limit", note: `resident memory passed ${s.limits.memoryLimitMb + MEMORY_SLACK_MB} MB; the kernel was stopped` };
  const fatal = s.errors.find((e) => e.kind === "dead" || e.kind === "timeout" || e.kind === "notebook-timeout");
  if (fatal && (fatal.kind === "timeout" || fatal.kind === "notebook-timeout")) {
    const limit = fatal.kind === "timeout" ? `${s.limits.cellTimeoutMs / 1000} s per cell` : `${s.limits.notebookTimeoutMs / 1000} s per notebook`;
    return { status: "timeout", note: `${exerciseOf(fatal.cellIndex)} ran longer than ${limit}` };
  }
  if (fatal || s.exit) {
    if (HEAP_EXHAUSTED.test(s.kernelLog)) return { status: "memory-limit", note: `the kernel ran out of its ${s.limits.memoryLimitMb} MB heap` };
    const how = s.exit ? (s.exit.signal ? `was killed by ${s.exit.signal}` : `exited with code ${s.exit.code}`) : "stopped";
    return { status: "kernel-died", note: `the kernel ${how} while running ${fatal ? exerciseOf(fatal.cellIndex) : "the notebook"}` };
  }
  for (const index of [...answerIndexes].sort((a, b) => a - b)) {
    const run = s.runs.get(index);
    if (run?.status === "error" && run.error?.ename === "TypeScriptError") {
      return { status: "compile-error", note: `${exerciseOf(index)}: ${run.error.evalue.split("\n")[0]}` };
    }
  }
  for (const index of [...answerIndexes].sort((a, b) => a - b)) {
    const run = s.runs.get(index);
    if (run?.status === "error") return { status: "runtime-error", note: `${exerciseOf(index)}: ${run.error?.ename}: ${run.error?.evalue.split("\n")[0]}` };
  }
  return { status: "ok", note: "" };
}
