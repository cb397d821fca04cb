/**
 * npm run grade -- SUBMISSIONS_DIR [--out DIR] [--lessons DIR] [--manifest FILE] [--jobs N]
 *                  [--cell-timeout SECONDS] [--notebook-timeout SECONDS] [--memory MB]
 *                  [--deadline ISO-DATE [--late-penalty FRACTION-PER-DAY] [--late-cap FRACTION]]
 *                  [--secret FILE] [--unsafe-no-sandbox]
 *
 * Each learner's checker inputs are drawn from HMAC-SHA256(course secret, learner id). The secret is
 * read from FILE (default ~/.config/bnlab/course-secret, made there on first use, readable by you
 * only): keep it, and never put it where learners or their kernels can read it.
 *
 * Every kernel runs in the bubblewrap sandbox (src/course/homework/os-sandbox.ts); without it the
 * grader refuses, unless --unsafe-no-sandbox says the submissions are trusted.
 *
 * SUBMISSIONS_DIR/<learner>/<lesson>.ipynb → DIR (default: a "graded" folder next to
 * SUBMISSIONS_DIR): gradebook.csv, grades.json, feedback/<learner>.html. See docs/homework.md.
 * Exit code 0 when every notebook got a grade (whatever its status), 2 when the grader itself
 * failed on some (status grader-error), 1 on bad arguments.
 */
import * as path from "node:path";
import { gradeBatch, validateLatePolicy, type GradeLimits, type LatePolicy } from "../src/course/homework";
import { ensureKernelspec } from "../src/course/jupyter";
import { ensureLibraryBuilt } from "../src/course/library/build-library";
import { DEFAULT_SECRET_FILE, readCourseSecret } from "../src/course/homework/course-secret";
import { progressPrinter, summaryLines } from "./grade-progress";

async function main(argv: string[]): Promise<number> {
  const root = path.resolve(__dirname, "..");
  let submissionsDir: string | undefined;
  let outDir: string | undefined;
  let lessonsDir: string | undefined;
  let manifestFile: string | undefined;
  let concurrency = 2;
  let unsafe = false;
  let secretFile = DEFAULT_SECRET_FILE;
  let deadline: string | undefined;
  let penaltyPerDay = 0.1;
  let cap = 1;
  const limits: Partial<GradeLimits> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    const number = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg} needs a positive number`);
      return n;
    };
    if (arg === "--out") outDir = path.resolve(value());
    else if (arg === "--lessons") lessonsDir = path.resolve(value());
    else if (arg === "--manifest") manifestFile = path.resolve(value());
    else if (arg === "--jobs") concurrency = Math.floor(number());
    else if (arg === "--cell-timeout") limits.cellTimeoutMs = number() * 1000;
    else if (arg === "--notebook-timeout") limits.notebookTimeoutMs = number() * 1000;
    else if (arg === "--memory") limits.memoryLimitMb = number();
    else if (arg === "--unsafe-no-sandbox") unsafe = true;
    else if (arg === "--secret") secretFile = path.resolve(value());
    else if (arg === "--deadline") deadline = value();
    else if (arg === "--late-penalty") penaltyPerDay = Number(value());
    else if (arg === "--late-cap") cap = Number(value());
    else if (arg.startsWith("--") || submissionsDir !== undefined) throw new Error(`unexpected argument ${arg} (see tools/grade.ts)`);
    else submissionsDir = path.resolve(arg);
  }
  if (!submissionsDir) throw new Error("usage: npm run grade -- SUBMISSIONS_DIR [--out DIR] (see tools/grade.ts)");
  outDir ??= path.join(path.dirname(submissionsDir), "graded");
  const latePolicy: LatePolicy | undefined = deadline ? validateLatePolicy({ deadline: new Date(deadline), penaltyPerDay, cap }) : undefined;
  if (unsafe) {
    process.stderr.write(
      "\n*** --unsafe-no-sandbox: the notebooks run WITHOUT the operating-system sandbox, as you, with your files,\n" +
        "*** environment and network. A submission can read the hidden tests and change grades. Trusted code only. ***\n\n",
    );
  }
  const { secret, created } = readCourseSecret(secretFile);
  if (created) console.log(`made a course secret at ${secretFile}: keep it (grading again needs it to draw the same inputs), and out of learners' reach`);
  ensureLibraryBuilt(root);
  ensureKernelspec(root);
  const printProgress = progressPrinter();
  const started = Date.now();
  const result = await gradeBatch({
    projectRoot: root,
    submissionsDir,
    outDir,
    concurrency,
    limits,
    isolation: unsafe ? "none" : "os",
    courseSecret: secret,
    ...(latePolicy ? { latePolicy } : {}),
    ...(lessonsDir ? { lessonsDir } : {}),
    ...(manifestFile ? { manifestFile } : {}),
    onProgress: ({ done, total, grade, durationMs }) =>
      printProgress({ done, total, learner: grade.learner, lesson: grade.lesson, status: grade.status, points: grade.total, maxPoints: grade.maxTotal, durationMs }),
  });
  const rel = (file: string): string => path.relative(process.cwd(), file) || ".";
  const counts = new Map<string, number>();
  for (const grade of result.grades) counts.set(grade.status, (counts.get(grade.status) ?? 0) + 1);
  console.log(`graded ${result.grades.length} notebooks in ${((Date.now() - started) / 1000).toFixed(1)} s: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}`);
  for (const line of summaryLines(result.grades)) console.log(`  ${line}`);
  console.log(`gradebook: ${rel(result.gradebookFile)} (Canvas: ${rel(result.canvasFile)}, Gradescope: ${rel(result.gradescopeDir)}/<learner>/results.json)`);
  console.log(`feedback:  ${rel(path.dirname(result.feedbackFiles[0] ?? path.join(outDir, "feedback", "x")))}/ (${result.feedbackFiles.length} pages)`);
  for (const entry of result.ignored) console.log(`ignored (not <learner>/<notebook>.ipynb): ${entry}`);
  return result.grades.some((g) => g.status === "grader-error") ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`grade: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
