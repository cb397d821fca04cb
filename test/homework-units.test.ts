/** Homework pieces without a kernel: answer extraction, check scoring, the CSV, the pool. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { collectSubmissions, extractAnswers, gradebookCsv, loadLessonSource, parseGradebook, runPool, scoreCheck, scoreExercise } from "../src/course/homework";
import { renderNotebook } from "../src/course/lesson";
import { FIXTURE_LESSON, HOMEWORK_LESSONS } from "./fixtures/homework/submissions";

const ROOT = path.resolve(__dirname, "..");
const source = loadLessonSource(path.join(HOMEWORK_LESSONS, `${FIXTURE_LESSON}.md`));
const student = (): { cells: { id: string; source: string[]; metadata: Record<string, unknown> }[]; metadata: Record<string, unknown> } =>
  JSON.parse(JSON.stringify(renderNotebook(source.lesson, { variant: "student", root: ROOT, sourceFile: source.file, sourceText: source.text, outDir: path.join(ROOT, "notebooks") })));

describe("lesson source", () => {
  it("knows each exercise's points and checks from the Markdown", () => {
    expect(source.exercises.map((e) => [e.id, e.points, e.checks.map((c) => `${c.kind}:${c.gradeId}:${c.points}`)])).toEqual([
      ["1.1", 2, ["check:check-1_1:1", "test:test-1_1:1"]],
      ["1.2", 2, ["check:check-1_2:1", "test:test-1_2:1"]],
      ["1.3", 1, ["check:check-1_3:1", "test:test-1_3:1"]],
    ]);
  });
});

describe("extractAnswers", () => {
  it("takes the whole exercise cell, found by cell id or else by nbgrader grade_id", () => {
    const nb = student();
    const cell = nb.cells.find((c) => c.id === `${FIXTURE_LESSON}-exercise-1_1`);
    if (!cell) throw new Error("no exercise cell");
    cell.source = ["const helper = 1;\n", "function batchStats(x: Matrix) { return helper; }"];
    cell.id = "renamed-by-some-tool";
    const result = extractAnswers(JSON.stringify(nb), source);
    if (!result.ok) throw new Error(result.reason);
    expect(result.answers.map((a) => a.state)).toEqual(["answered", "unchanged-stub", "unchanged-stub"]);
    expect(result.answers[0].source).toBe("const helper = 1;\nfunction batchStats(x: Matrix) { return helper; }");
  });

  it("tells a notebook of another lesson and a file that is no notebook", () => {
    const nb = student();
    (nb.metadata.bnlab as { lesson: string }).lesson = "02-other";
    expect(extractAnswers(JSON.stringify(nb), source)).toMatchObject({ ok: false, status: "wrong-lesson" });
    expect(extractAnswers("[1, 2]", source)).toMatchObject({ ok: false, status: "invalid-notebook" });
    expect(extractAnswers("{", source)).toMatchObject({ ok: false, status: "invalid-notebook" });
    const foreign = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", id: "x", source: "1", metadata: {} }] };
    expect(extractAnswers(JSON.stringify(foreign), source)).toMatchObject({ ok: false, status: "wrong-lesson" });
  });
});

describe("scoring", () => {
  const check = source.exercises[0].checks[0]; // the visible check of 1.1
  const test = source.exercises[0].checks[1]; // its hidden test
  const pass = { ok: true, exercise: "batchStats", title: "Batch statistics", kind: "pass", message: "fine", points: 1 } as const;
  const fail = { ok: false, exercise: "batchStats", title: "Batch statistics", kind: "misconception", message: "per example", misconception: "wrong-axis", points: 0 } as const;
  const ok = { status: "ok" as const, stdout: "" };

  it("passes a check on the grader's verdict only; what the kernel printed does not count", () => {
    expect(scoreCheck(check, { verdict: pass, collection: { status: "ok", stdout: 'BNLAB_CHECK {"ok":false}' } }).passed).toBe(true);
    expect(scoreCheck(check, { verdict: fail, collection: { status: "ok", stdout: 'BNLAB_CHECK {"exercise":"batchStats","ok":true}' } })).toMatchObject({ passed: false, misconception: "wrong-axis" });
    expect(scoreCheck(check, { verdict: null, problem: "the checker's data did not arrive", collection: ok })).toMatchObject({ passed: false, report: "The check could not run: the checker's data did not arrive" });
    expect(scoreCheck(check, undefined).passed).toBe(false);
  });

  it("a hidden test also needs its own cell to have run cleanly (that can only take the point away)", () => {
    expect(scoreCheck(test, { verdict: pass, collection: ok, extra: ok }).passed).toBe(true);
    expect(scoreCheck(test, { verdict: pass, collection: ok }).passed).toBe(false);
    expect(scoreCheck(test, { verdict: pass, collection: ok, extra: { status: "error", stdout: "", error: { ename: "Error", evalue: "HIDDEN-1.1: off", traceback: [] } } })).toMatchObject({ passed: false, report: "Failed: Error: HIDDEN-1.1: off" });
    expect(scoreCheck(test, { verdict: fail, collection: ok, extra: ok }).passed).toBe(false);
  });

  it("does not name a misconception id the catalogue does not have ('constructor')", () => {
    expect(scoreCheck(check, { verdict: { ...fail, misconception: "constructor" as never }, collection: ok }).misconception).toBeUndefined();
  });

  it("gives the exercise its weight in proportion to the check points passed", () => {
    const spec = { ...source.exercises[0], points: 3, checks: [{ ...check, points: 1 }, { ...test, points: 2 }] };
    const runs = new Map([[spec.checks[0].index, { verdict: pass, collection: ok }], [spec.checks[1].index, { verdict: fail, collection: ok, extra: ok }]]);
    expect(scoreExercise(spec, "answered", runs).points).toBe(1);
  });
});

describe("gradebook CSV", () => {
  it("quotes what needs quoting and defuses spreadsheet formulas", () => {
    const csv = gradebookCsv(
      [{ learner: "=cmd", lesson: "01-x", status: "ok", note: 'said "hi", then\nleft', exercises: [{ id: "1.1", name: "f", maxPoints: 2, points: 1.5, answer: "answered", checks: [] }], answers: [], total: 1.5, maxTotal: 2 }],
      ["1.1", "1.2"],
    );
    expect(csv.split("\r\n")[0]).toBe("learner,lesson,1.1,1.2,total,max,status,note");
    expect(parseGradebook(csv)).toEqual([{ learner: "'=cmd", lesson: "01-x", "1.1": "1.5", "1.2": "", total: "1.5", max: "2", status: "ok", note: 'said "hi", then\nleft' }]);
  });
});

describe("collectSubmissions", () => {
  it("lists <learner>/<notebook>.ipynb in order, marks missing ones, reports the rest", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-collect-"));
    for (const file of ["zoe/01-a.ipynb", "adam/01-a.ipynb", "adam/notes.txt", "adam/.ipynb_checkpoints/01-a-checkpoint.ipynb"]) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), "{}");
    }
    fs.writeFileSync(path.join(dir, "stray.ipynb"), "{}");
    const result = collectSubmissions(dir, ["01-a", "02-b"]);
    expect(result.submissions.map((s) => `${s.learner}/${s.lesson}:${s.file ? "file" : "missing"}`)).toEqual(["adam/01-a:file", "adam/02-b:missing", "zoe/01-a:file", "zoe/02-b:missing"]);
    expect(result.ignored).toEqual(["adam/notes.txt", "stray.ipynb"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("runPool", () => {
  it("runs at most N at once and returns results in the items' order", async () => {
    let running = 0;
    let most = 0;
    const results = await runPool([30, 10, 20, 5, 0], 2, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      if (ms === 5) throw new Error("five");
      return ms * 2;
    }, { onError: () => -1 });
    expect(results).toEqual([60, 20, 40, -1, 0]);
    expect(most).toBe(2);
  });
});
