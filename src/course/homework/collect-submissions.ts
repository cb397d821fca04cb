/**
 * Submissions laid out as nbgrader collects them: `<dir>/<learner>/<lesson notebook>.ipynb`.
 * Learners and notebooks are listed in sorted order, so a batch is always graded and reported in
 * the same order.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Submission {
  learner: string;
  /** The notebook's file name without `.ipynb`: the lesson it claims to be. */
  lesson: string;
  /** Absolute path; null for a notebook the manifest expects but the learner did not hand in. */
  file: string | null;
  /**
   * The notebook as read before any learner code ran (readSubmissions). Grading uses this, never
   * the file again: nothing a kernel does can change what is graded.
   */
  text?: string | null;
  /** When it was handed in (the file's modification time unless the LMS export says otherwise). */
  submittedAt?: Date;
  /** Why the file could not be read, if it could not. */
  readError?: string;
}

/** The largest notebook read (bytes); a bigger one is graded invalid-notebook without being read whole. */
const MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024;

/** Reads every submission up front (before the first kernel starts). */
export function readSubmissions(submissions: Submission[]): void {
  for (const submission of submissions) {
    if (submission.file === null) continue;
    try {
      const stat = fs.lstatSync(submission.file);
      submission.submittedAt = stat.mtime;
      if (!stat.isFile()) throw new Error("not a regular file (a link?)");
      if (stat.size > MAX_NOTEBOOK_BYTES) throw new Error(`larger than ${MAX_NOTEBOOK_BYTES / 1024 / 1024} MB`);
      submission.text = fs.readFileSync(submission.file, "utf8");
    } catch (err) {
      submission.text = null;
      submission.readError = (err as Error).message;
    }
  }
}

export interface CollectResult {
  submissions: Submission[];
  /** Files and folders that are not part of the layout (reported, not graded). */
  ignored: string[];
}

/**
 * Every `<learner>/<name>.ipynb`. With `expectedLessons` (from the release manifest), a learner
 * who lacks one of them gets a submission with `file: null` (graded as missing).
 */
export function collectSubmissions(dir: string, expectedLessons: string[] = []): CollectResult {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`no submissions folder ${root}`);
  const submissions: Submission[] = [];
  const ignored: string[] = [];
  for (const learner of sortedEntries(root)) {
    const learnerDir = path.join(root, learner.name);
    if (!learner.isDirectory() || learner.name.startsWith(".")) {
      ignored.push(learner.name);
      continue;
    }
    const found = new Set<string>();
    for (const entry of sortedEntries(learnerDir)) {
      if (entry.isFile() && entry.name.endsWith(".ipynb")) {
        const lesson = entry.name.slice(0, -".ipynb".length);
        found.add(lesson);
        submissions.push({ learner: learner.name, lesson, file: path.join(learnerDir, entry.name) });
      } else if (entry.name !== ".ipynb_checkpoints") {
        ignored.push(`${learner.name}/${entry.name}`);
      }
    }
    for (const lesson of expectedLessons) {
      if (!found.has(lesson)) submissions.push({ learner: learner.name, lesson, file: null });
    }
  }
  submissions.sort((a, b) => compare(a.learner, b.learner) || compare(a.lesson, b.lesson));
  return { submissions, ignored };
}

function sortedEntries(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
