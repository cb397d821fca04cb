/**
 * Homework, end to end: release a fixture lesson, run a released notebook from the release folder,
 * then grade a class of fixture submissions (test/fixtures/homework/submissions.ts: one right,
 * one wrong answer per misconception the lesson's checkers name, and every kind of bad
 * submission) in one batch, and grade part of it again to see the same bytes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGradebook } from "./helpers/gradebook";
import { gradeBatch, loadLessonSource, readManifest, releaseLessons, secretLines, type GradeBatchResult, type ReleaseResult, type SubmissionGrade } from "../src/course/homework";
import { executeNotebook } from "../src/course/jupyter";
import { joinSource, type Notebook } from "../src/course/notebook/nbformat";
import { FIXTURE_LESSON, HOMEWORK_LESSONS, TEST_COURSE_SECRET, fixtureLearners, writeSubmissions, type FixturePaths } from "./fixtures/homework/submissions";

const ROOT = path.resolve(__dirname, "..");
const LIMITS = { cellTimeoutMs: 8_000, notebookTimeoutMs: 60_000, memoryLimitMb: 512 };

let base: string;
let release: ReleaseResult;
let paths: FixturePaths;
let batch: GradeBatchResult;
let rows: Record<string, string>[];

function textFiles(dir: string, skip: (rel: string) => boolean): { rel: string; text: string }[] {
  const out: { rel: string; text: string }[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      const rel = path.relative(dir, full);
      if (skip(rel)) continue;
      if (entry.isDirectory()) walk(full);
      else if (/\.(ipynb|json|md|js|ts|html|csv)$/.test(entry.name)) out.push({ rel, text: fs.readFileSync(full, "utf8") });
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-homework-test-"));
  release = releaseLessons({ root: ROOT, lessonsDir: HOMEWORK_LESSONS, lessons: ["01"], outDir: path.join(base, "release") });
  const other = releaseLessons({ root: ROOT, lessonsDir: path.join(ROOT, "test/fixtures/lessons"), lessons: ["01-fixture"], outDir: path.join(base, "other") });
  paths = { submissionsDir: path.join(base, "submitted"), otherLessonNotebook: other.notebooks[0] };
  writeSubmissions(fs.readFileSync(release.notebooks[0], "utf8"), paths);
  batch = await gradeBatch({ projectRoot: ROOT, lessonsDir: HOMEWORK_LESSONS, submissionsDir: paths.submissionsDir, outDir: path.join(base, "graded"), limits: LIMITS, courseSecret: TEST_COURSE_SECRET });
  rows = parseGradebook(fs.readFileSync(batch.gradebookFile, "utf8"));
}, 900_000); // a class of real kernels on a shared machine

afterAll(() => {
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

describe("npm run assign: the release", () => {
  it("has the student notebook, the library, a manifest and a README", () => {
    const dir = release.outDir;
    for (const file of ["README.md", "manifest.json", "package.json", `notebooks/${FIXTURE_LESSON}.ipynb`, "src/package.json", "dist/index.js", "dist/index.d.ts", "node_modules/seedrandom/package.json"]) {
      expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
    }
    const manifest = readManifest(path.join(dir, "manifest.json"));
    const lesson = loadLessonSource(path.join(HOMEWORK_LESSONS, `${FIXTURE_LESSON}.md`));
    expect(manifest.lessons).toHaveLength(1);
    expect(manifest.lessons[0]).toMatchObject({ lesson: FIXTURE_LESSON, notebook: `notebooks/${FIXTURE_LESSON}.ipynb`, source_sha256: lesson.sha256, points: 5 });
    expect(manifest.lessons[0].exercises.map((e) => [e.id, e.name, e.points])).toEqual([["1.1", "batchStats", 2], ["1.2", "normalize", 2], ["1.3", "newBatchWeight", 1]]);
    expect(JSON.stringify(manifest)).not.toMatch(/date|time/i);
  });

  it("holds no solution, no hidden test and no instructor answer (the library implements batch norm, by design)", () => {
    const lesson = loadLessonSource(path.join(HOMEWORK_LESSONS, `${FIXTURE_LESSON}.md`));
    const secrets = secretLines(lesson);
    expect(secrets).toContain("assertPasses(checkers.batchStats(batchStats));");
    expect(secrets).toContain("return { mu, variance: x.sub(mu).map((d) => d * d).meanRows() };");
    const files = textFiles(release.outDir, (rel) => rel === "node_modules");
    expect(files.length).toBeGreaterThan(10);
    for (const { rel, text } of files) {
      expect(text, rel).not.toMatch(/BEGIN SOLUTION|END SOLUTION|HIDDEN-1\.|INSTRUCTOR-ANSWER/);
      if (rel.startsWith("dist")) continue; // the library's own code (BatchNorm1d, the checkers) computes what the exercises ask
      for (const secret of secrets) expect(text.includes(secret), `${rel} contains ${secret}`).toBe(false);
    }
    expect(fs.existsSync(path.join(release.outDir, "dist/exercises/solutions"))).toBe(false);
  });

  it("runs in a kernel from the release folder: the library loads, the checks report the stubs", async () => {
    const notebook = JSON.parse(fs.readFileSync(release.notebooks[0], "utf8")) as Notebook;
    const result = await executeNotebook(notebook, { cwd: path.join(release.outDir, "notebooks"), allowErrors: true, cellTimeoutMs: 60_000 });
    expect(result.errors.map((e) => `${e.ename}: ${e.evalue}`)).toEqual([]);
    const stdout = result.notebook.cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : [])).map((o) => ("text" in o ? joinSource(o.text) : "")).join("");
    expect(stdout.match(/Not implemented yet/g)).toHaveLength(3);
    expect(stdout).not.toContain("BNLAB_CHECK"); // the learner sees only the message (issue 13, point 6)
  }, 300_000);
});

describe("npm run grade: the gradebook", () => {
  const row = (learner: string): Record<string, string> => {
    const found = rows.find((r) => r.learner === learner);
    if (!found) throw new Error(`no row for ${learner}`);
    return found;
  };

  it("has one row per learner, in order, with the columns of the issue", () => {
    const learners = fixtureLearners(paths).map((l) => l.learner);
    expect(rows.map((r) => r.learner)).toEqual([...learners].sort());
    expect(Object.keys(rows[0])).toEqual(["learner", "lesson", "1.1", "1.2", "1.3", "total", "max", "status", "note"]);
    for (const r of rows) expect(r.lesson).toBe(FIXTURE_LESSON);
  });

  for (const learner of fixtureLearners({ submissionsDir: "/s", otherLessonNotebook: "/o" })) {
    it(`${learner.learner} (${learner.what}): ${learner.expect.status}, ${learner.expect.total} points`, () => {
      const r = row(learner.learner);
      expect({ status: r.status, total: Number(r.total), note: r.note }).toMatchObject({ status: learner.expect.status, total: learner.expect.total });
      for (const [exercise, points] of Object.entries(learner.expect.points ?? {})) expect(Number(r[exercise]), exercise).toBe(points);
      if (learner.expect.status !== "ok") expect(r.note).not.toBe("");
    });
  }

  it("names each misconception in the learner's feedback page", () => {
    for (const learner of fixtureLearners(paths)) {
      const html = fs.readFileSync(path.join(base, "graded", "feedback", `${learner.learner}.html`), "utf8");
      const named = [...html.matchAll(/data-misconception="([^"]+)"/g)].map((m) => m[1]);
      expect([...new Set(named)].sort(), learner.learner).toEqual([...(learner.expect.misconceptions ?? [])].sort());
    }
    const bruno = fs.readFileSync(path.join(base, "graded", "feedback", "bruno.html"), "utf8");
    expect(bruno).toContain("per example"); // the checker's explanation of the wrong axis
    expect(bruno).toContain('<link rel="stylesheet" href="assets/site.css">');
    expect(fs.existsSync(path.join(base, "graded", "feedback", "assets", "site.css"))).toBe(true);
  });

  it("gives full marks and no failed check to the right answers", () => {
    const html = fs.readFileSync(path.join(base, "graded", "feedback", "alice.html"), "utf8");
    expect(html).toContain("5 / 5");
    expect(html).not.toContain('data-passed="false"');
    expect(html.match(/data-passed="true"/g)).toHaveLength(6);
  });

  it("never shows hidden test code, and the hidden tests are nowhere a learner's code can read", () => {
    for (const file of batch.feedbackFiles) {
      const html = fs.readFileSync(file, "utf8");
      expect(html, file).not.toContain("assertPasses(checkers.");
      expect(html, file).not.toContain("HIDDEN-1.");
      expect(html, file).not.toContain("INSTRUCTOR-ANSWER");
    }
    const grades = JSON.parse(fs.readFileSync(batch.gradesFile, "utf8")) as { grades: SubmissionGrade[] };
    const mia = grades.grades.find((g) => g.learner === "mia");
    expect(mia?.answers.find((a) => a.exercise === "1.1")?.stdout).toContain("hidden tests found: 0");
  });

  it("kept the writes out: nothing of noor's in alice's folder, nothing of omar's shell in the submissions", () => {
    expect(fs.existsSync(path.join(paths.submissionsDir, "alice", "written-by-noor.txt"))).toBe(false);
    expect(fs.existsSync(path.join(paths.submissionsDir, "written-by-omar.txt"))).toBe(false);
    // the others' grades were not touched by it
    expect(row("alice").status).toBe("ok");
  });

  it("grades the same submissions again to the same bytes", async () => {
    const again = path.join(base, "again");
    for (const learner of ["alice", "bruno", "gus", "emil"]) fs.cpSync(path.join(paths.submissionsDir, learner), path.join(again, learner), { recursive: true });
    const second = await gradeBatch({ projectRoot: ROOT, lessonsDir: HOMEWORK_LESSONS, submissionsDir: again, outDir: path.join(base, "graded-again"), limits: LIMITS, courseSecret: TEST_COURSE_SECRET });
    const first = fs.readFileSync(batch.gradebookFile, "utf8").split("\r\n");
    const secondRows = fs.readFileSync(second.gradebookFile, "utf8").split("\r\n").filter((line) => line !== "");
    for (const line of secondRows) expect(first).toContain(line);
    for (const learner of ["alice", "bruno", "gus", "emil"]) {
      const a = fs.readFileSync(path.join(base, "graded", "feedback", `${learner}.html`), "utf8");
      const b = fs.readFileSync(path.join(base, "graded-again", "feedback", `${learner}.html`), "utf8");
      expect(b, learner).toBe(a);
    }
  }, 600_000);
});
