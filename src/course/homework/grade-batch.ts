/**
 * `npm run grade`: every submission of a folder, two kernels at a time, into a gradebook CSV,
 * `grades.json` (every check's outcome) and one feedback page per learner.
 *
 * Nothing a submission does stops the batch: each is graded on its own (grade-notebook.ts) and a
 * failure becomes its row's status. Outputs carry no dates or durations and rows are sorted, so
 * grading the same folder twice writes the same files.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { courseInfoOf } from "../export/export-site";
import { copyFeedbackAssets, feedbackFileNames, renderFeedbackPageSafely } from "./feedback-page";
import { collectSubmissions, readSubmissions, type Submission } from "./collect-submissions";
import { learnerSeed } from "./course-secret";
import type { IsolationMode } from "./isolated-kernel";
import { lateness, type LatePolicy } from "./late-policy";
import { canvasCsv, gradescopeResults } from "./lms-export";
import { probeSandbox } from "./os-sandbox";
import { round2 } from "./scoring";
import { DEFAULT_LIMITS, gradeNotebook, zeroGrade, type GradeLimits, type SubmissionGrade } from "./grade-notebook";
import { gradebookColumns, gradebookCsv } from "./gradebook-csv";
import { listLessonFiles, loadLessonSource, type LessonSource } from "./lesson-source";
import { readManifest } from "./manifest";
import { changes, snapshot, type Snapshot } from "./outside-writes";
import { runPool } from "./worker-pool";

export interface GradeBatchOptions {
  projectRoot: string;
  submissionsDir: string;
  outDir: string;
  /** Default `<root>/lessons`. */
  lessonsDir?: string;
  /** A release manifest: learners missing one of its notebooks get a "missing" row. */
  manifestFile?: string;
  limits?: Partial<GradeLimits>;
  /** Kernels at once (default 2). */
  concurrency?: number;
  /**
   * "os" (default): every kernel in the bubblewrap sandbox; the batch is refused when it cannot
   * run here. "none": no operating-system sandbox (only for code you trust; `--unsafe-no-sandbox`).
   */
  isolation?: IsolationMode;
  /** Late submissions lose a fraction of their points (from the notebook file's modification time). */
  latePolicy?: LatePolicy;
  /**
   * The course secret (course-secret.ts): each learner's checker inputs are drawn from
   * learnerSeed(courseSecret, learner). Only the seed reaches the learner's kernel.
   */
  courseSecret: string;
  onProgress?(event: ProgressEvent): void;
}

export interface ProgressEvent {
  done: number;
  total: number;
  grade: SubmissionGrade;
  durationMs: number;
}

export interface GradeBatchResult {
  grades: SubmissionGrade[];
  gradebookFile: string;
  gradesFile: string;
  /** Canvas gradebook import (one column per lesson). */
  canvasFile: string;
  /** `<learner>/results.json` per Gradescope's autograder specification. */
  gradescopeDir: string;
  feedbackFiles: string[];
  /** Files that are not `<learner>/<notebook>.ipynb` (not graded). */
  ignored: string[];
}

const GRADEBOOK_FILE = "gradebook.csv";
const CANVAS_FILE = "canvas.csv";
const GRADESCOPE_DIR = "gradescope";
const GRADES_FILE = "grades.json";
const FEEDBACK_DIR = "feedback";

export async function gradeBatch(options: GradeBatchOptions): Promise<GradeBatchResult> {
  const root = path.resolve(options.projectRoot);
  const lessonsDir = path.resolve(root, options.lessonsDir ?? "lessons");
  const submissionsDir = path.resolve(options.submissionsDir);
  const outDir = path.resolve(options.outDir);
  const limits: GradeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const isolation = options.isolation ?? "os";
  learnerSeed(options.courseSecret, ""); // a missing or short secret stops the batch before anything runs
  if (isolation === "os") {
    const sandbox = probeSandbox(root);
    if (!sandbox.ok) {
      throw new Error(`${sandbox.reason}. Without the sandbox a submission can read and change anything you can; to grade code you trust anyway, pass --unsafe-no-sandbox.`);
    }
  }
  const expected = options.manifestFile ? readManifest(options.manifestFile).lessons.map((l) => l.lesson) : [];
  const { submissions, ignored } = collectSubmissions(submissionsDir, expected);

  const lessonFiles = listLessonFiles(lessonsDir);
  // Every lesson and every submission is read before any learner code runs.
  const sources = new Map<string, LessonSource>();
  for (const name of [...expected, ...submissions.map((s) => s.lesson)]) {
    const file = lessonFiles.get(name);
    if (file && !sources.has(name)) sources.set(name, loadLessonSource(file));
  }
  readSubmissions(submissions);

  const gradeOptions = { projectRoot: root, limits, isolation, sandboxParent: path.join(os.tmpdir(), "bnlab-grade") };
  const gradeOne = async (submission: Submission, index: number): Promise<SubmissionGrade> => {
    const source = sources.get(submission.lesson);
    if (!source) return zeroGrade(submission, "wrong-lesson", `no lesson named ${submission.lesson} (lessons: ${[...lessonFiles.keys()].join(", ") || "none"})`);
    return gradeNotebook(submission, source, { ...gradeOptions, index, seed: learnerSeed(options.courseSecret, submission.learner) });
  };

  // Writes outside: watch the submissions, the output and the lessons.
  const look = (): Snapshot => snapshot([submissionsDir, outDir, lessonsDir]);
  let last = look();
  const running = new Set<number>();
  let windowJobs = new Set<number>();
  const suspects = new Set<number>();
  const outside = new Map<number, string[]>();

  const started = new Map<number, number>();
  let done = 0;
  const grades = await runPool(submissions, options.concurrency ?? 2, gradeOne, {
    onStart: (_item, index) => {
      running.add(index);
      windowJobs.add(index);
      started.set(index, Date.now());
    },
    onDone: (_item, index, grade) => {
      running.delete(index);
      const now = look();
      const changed = changes(last, now);
      if (changed.length > 0) {
        if (windowJobs.size === 1) outside.set(index, changed);
        else for (const job of windowJobs) suspects.add(job);
      }
      last = now;
      windowJobs = new Set(running);
      done++;
      options.onProgress?.({ done, total: submissions.length, grade, durationMs: Date.now() - (started.get(index) ?? Date.now()) });
    },
    onError: (submission, err) => graderError(submission, err),
  });
  // Changes seen while several ran: run each suspect again alone to see whose they were.
  for (const index of [...suspects].sort((a, b) => a - b)) {
    if (outside.has(index)) continue;
    const before = look();
    grades[index] = await gradeOne(submissions[index], index).catch((err: unknown) => graderError(submissions[index], err));
    const changed = changes(before, look());
    if (changed.length > 0) outside.set(index, changed);
  }
  for (const [index, changed] of outside) {
    const grade = grades[index];
    const shown = changed.slice(0, 3).map((file) => path.relative(path.dirname(submissionsDir), file) || file);
    grade.note = [`changed outside its folder: ${shown.join(", ")}${changed.length > 3 ? ", …" : ""}`, grade.status !== "ok" ? `${grade.status}: ${grade.note}` : ""].filter(Boolean).join("; ");
    grade.status = "wrote-outside";
  }

  if (options.latePolicy) applyLatePolicy(grades, submissions, options.latePolicy);
  return writeOutputs(root, outDir, grades, [...sources.values()], ignored);
}

function applyLatePolicy(grades: SubmissionGrade[], submissions: Submission[], policy: LatePolicy): void {
  grades.forEach((grade, index) => {
    const at = submissions[index]?.submittedAt;
    if (!at) return;
    const late = lateness(policy, at);
    const rawTotal = grade.total;
    grade.late = { ...late, rawTotal, submittedAt: at.toISOString() };
    if (late.penalty > 0) {
      grade.total = round2(rawTotal * (1 - late.penalty));
      grade.note = [grade.note, `${late.days} day${late.days === 1 ? "" : "s"} late: −${round2(late.penalty * 100)} % of ${rawTotal}`].filter(Boolean).join("; ");
    }
  });
}

function graderError(submission: Submission, err: unknown): SubmissionGrade {
  return zeroGrade(submission, "grader-error", String((err as Error)?.message ?? err).split("\n")[0]);
}

/**
 * Everything is written into a fresh folder next to `outDir` and moved into place at the end: a
 * grader stopped half-way leaves the previous results (or none), never half a gradebook.
 */
function writeOutputs(root: string, outDir: string, grades: SubmissionGrade[], sources: LessonSource[], ignored: string[]): GradeBatchResult {
  const ordered = [...sources].sort((a, b) => (a.lesson.name < b.lesson.name ? -1 : 1));
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  const staging = fs.mkdtempSync(`${outDir}.writing-`);
  try {
    fs.writeFileSync(path.join(staging, GRADEBOOK_FILE), gradebookCsv(grades, gradebookColumns(ordered)));
    fs.writeFileSync(path.join(staging, GRADES_FILE), JSON.stringify({ format: 1, grades, ignored }, null, 2) + "\n");
    const lessons = ordered.map((s) => ({ name: s.lesson.name, title: s.lesson.frontMatter.title, points: round2(s.exercises.reduce((sum, e) => sum + e.points, 0)) }));
    fs.writeFileSync(path.join(staging, CANVAS_FILE), canvasCsv(grades, lessons));

    const feedbackDir = path.join(staging, FEEDBACK_DIR);
    fs.mkdirSync(feedbackDir, { recursive: true });
    copyFeedbackAssets(feedbackDir, root);
    const titles = new Map(sources.map((s) => [s.lesson.name, s.lesson.frontMatter.title]));
    const courseTitle = courseInfoOf(root).title;
    const learners = [...new Set(grades.map((g) => g.learner))];
    const names = feedbackFileNames(learners);
    for (const learner of learners) {
      const mine = grades.filter((g) => g.learner === learner);
      fs.writeFileSync(path.join(feedbackDir, names.get(learner) as string), renderFeedbackPageSafely(learner, mine, { courseTitle, titles }));
      const gradescope = path.join(staging, GRADESCOPE_DIR, (names.get(learner) as string).replace(/\.html$/, ""));
      fs.mkdirSync(gradescope, { recursive: true });
      fs.writeFileSync(path.join(gradescope, "results.json"), JSON.stringify(gradescopeResults(mine), null, 2) + "\n");
    }
    // into place: the old results aside, the new ones in, the old ones gone
    const old = fs.existsSync(outDir) ? `${staging}.old` : null;
    if (old) fs.renameSync(outDir, old);
    fs.renameSync(staging, outDir);
    if (old) fs.rmSync(old, { recursive: true, force: true });
    return {
      grades,
      gradebookFile: path.join(outDir, GRADEBOOK_FILE),
      gradesFile: path.join(outDir, GRADES_FILE),
      canvasFile: path.join(outDir, CANVAS_FILE),
      gradescopeDir: path.join(outDir, GRADESCOPE_DIR),
      feedbackFiles: learners.map((learner) => path.join(outDir, FEEDBACK_DIR, names.get(learner) as string)),
      ignored,
    };
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
