/** Homework pieces without a kernel: answer extraction, check scoring, the CSV, the pool. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import {
  canvasCsv,
  collectSubmissions,
  extractAnswers,
  feedbackFileNames,
  gradebookCsv,
  gradescopeResults,
  lateness,
  listLessonFiles,
  loadLessonSource,
  releaseLessons,
  renderFeedbackPageSafely,
  runPool,
  scoreCheck,
  scoreExercise,
  validateLatePolicy,
  type SubmissionGrade,
} from "../src/course/homework";
import { parseGradebook } from "./helpers/gradebook";
import { findCheckerCall, judgeCollected } from "../src/course/homework/collection";
import { collectedOutput } from "./helpers/collected-output";
import { findDelegation } from "../src/course/homework/delegation";
import { probeSandbox } from "../src/course/homework/os-sandbox";
import { EXERCISES } from "../src/exercises/registry";
import type { Output } from "../src/course/notebook/nbformat";
import { collectors } from "../src/exercises";
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

describe("verdicts outside the kernel: the checker call of a check cell, and judging its data", () => {
  it("finds the checker and the function expression in every form the lessons use", () => {
    expect(findCheckerCall("check.batchStats(batchStats);")).toEqual({ checker: "batchStats", expression: "batchStats" });
    expect(findCheckerCall("assertPasses(checkers.batchNormBackward(withGammaBeta(normalizeBackward)));\nconst x = 1;")).toEqual({ checker: "batchNormBackward", expression: "withGammaBeta(normalizeBackward)" });
    expect(findCheckerCall("capstone.check.bnNet(buildBnNet);")).toEqual({ checker: "bnNet", expression: "buildBnNet" });
    expect(findCheckerCall("assertPasses(checkStepsToTarget(stepsToTarget));")).toEqual({ checker: "stepsToTarget", expression: "stepsToTarget" });
    expect(findCheckerCall("console.log(1);")).toBeNull();
    expect(findCheckerCall("check.constructor(f);")).toBeNull();
  });

  it("every check and hidden test of every lesson goes through a checker the grader can judge", () => {
    for (const file of [...listLessonFiles(path.join(ROOT, "lessons")).values()]) {
      const lesson = loadLessonSource(file);
      for (const exercise of lesson.exercises) {
        for (const c of exercise.checks) {
          const cell = lesson.lesson.cells[c.index] as { source: string };
          expect(findCheckerCall(cell.source), `${lesson.lesson.name} ${c.gradeId}`).not.toBeNull();
        }
      }
    }
  });

  it("judges exactly one data output: none, two, non-JSON or forged data fail; real data is judged", () => {
    const seed = "a learner's seed";
    const data = collectors.newBatchWeight((m: number | null, k: number) => (m === null ? 1 / k : m), seed);
    const out = (d: unknown): Output => collectedOutput(JSON.stringify(d));
    const judged = judgeCollected("newBatchWeight", [out(data)], seed);
    expect(judged.ok && judged.result.ok).toBe(true);
    expect(judgeCollected("newBatchWeight", [], seed)).toMatchObject({ ok: false });
    expect(judgeCollected("newBatchWeight", [out(data), out(data)], seed)).toMatchObject({ ok: false });
    expect(judgeCollected("newBatchWeight", [collectedOutput("{not json")], seed)).toMatchObject({ ok: false });
    const forged = judgeCollected("newBatchWeight", [out({ protocol: "bnlab-check/1", exercise: "newBatchWeight", notFunction: null, cases: [] })], seed);
    expect(forged.ok && forged.result.ok).toBe(false);
    expect(judgeCollected("constructor", [out(data)], seed)).toMatchObject({ ok: false });
  });
});

describe("implemented, not delegated", () => {
  it("accepts every reference answer of every lesson", () => {
    for (const file of [...listLessonFiles(path.join(ROOT, "lessons")).values()]) {
      const lesson = loadLessonSource(file);
      for (const exercise of lesson.exercises) {
        const cell = lesson.lesson.cells[exercise.index] as { source: string };
        const check = lesson.lesson.cells[exercise.checks[0].index] as { source: string };
        const id = findCheckerCall(check.source)?.checker;
        if (!id) throw new Error(`${lesson.lesson.name} ${exercise.name}: its check cell calls no exercise of the registry`);
        expect(findDelegation(exercise.name, cell.source, EXERCISES[id].forbids), `${lesson.lesson.name} ${exercise.name}`).toBeNull();
      }
    }
  });

  it("names the library call, the reference solutions, and the ways around a static reading", () => {
    expect(findDelegation("normalize", "function normalize(x, eps) { return new BatchNorm1d(x.cols, { eps }).forward(x); }", EXERCISES.normalize.forbids)?.name).toBe("BatchNorm1d");
    expect(findDelegation("evaluateAccuracy", "function evaluateAccuracy(m, d) { return evaluate(m, d).accuracy; }", EXERCISES.evaluateAccuracy.forbids)?.name).toBe("evaluate");
    expect(findDelegation("normalizeBackward", "const g = numericalGradient(() => 0, x);", EXERCISES.batchNormBackward.forbids)?.name).toBe("numericalGradient");
    expect(findDelegation("batchStats", 'const s = require("../dist/exercises/solutions");', EXERCISES.batchStats.forbids)?.name).toBe("require");
    expect(findDelegation("batchStats", 'import("../src").then(() => 0);', EXERCISES.batchStats.forbids)?.name).toBe("import");
    expect(findDelegation("batchStats", "(globalThis as any)['Batch' + 'Norm1d']", EXERCISES.batchStats.forbids)?.name).toBe("globalThis");
    expect(findDelegation("batchStats", "const F = (() => 0).constructor;", EXERCISES.batchStats.forbids)?.name).toBe("constructor");
    expect(findDelegation("batchStats", "// BatchNorm1d would do it, but I write it myself\nconst m = x.meanRows();", EXERCISES.batchStats.forbids)).toBeNull();
    expect(findDelegation("evaluateAccuracy", "model.eval(); model.train();", EXERCISES.evaluateAccuracy.forbids)).toBeNull();
    expect(findDelegation("buildBnNet", "new Sequential(new Linear(2, 2), new BatchNorm1d(2))", EXERCISES.bnNet.forbids)).toBeNull();
  });
});

describe("feedback file names, late policy, LMS exports", () => {
  it("gives every learner a file of their own, also for names that map to the same file or differ in case", () => {
    const names = feedbackFileNames(["alice", "a b", "a_b", "Ann", "ann", "constructor", "__proto__", "../x"]);
    const files = [...names.values()];
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(files.length);
    expect(names.get("alice")).toBe("alice.html");
    for (const f of files) expect(f).toMatch(/^[A-Za-z0-9._-]+\.html$/);
    expect(files.every((f) => !f.startsWith("."))).toBe(true);
  });

  it("renders a page when a forged misconception id or status is 'constructor'", () => {
    const grade: SubmissionGrade = {
      learner: "constructor",
      lesson: "01-x",
      status: "constructor" as never,
      note: "<script>",
      exercises: [{ id: "1.1", name: "f", maxPoints: 1, points: 0, answer: "answered", checks: [{ gradeId: "check-1_1", kind: "check", points: 1, passed: false, report: "x", misconception: "constructor" }] }],
      answers: [],
      total: 0,
      maxTotal: 1,
    };
    const html = renderFeedbackPageSafely("constructor", [grade], { courseTitle: "bnlab", titles: new Map() });
    expect(html).toContain("Feedback for constructor");
    expect(html).not.toContain("<script>");
  });

  it("takes a fraction per day late, rounded up to whole days, up to the cap", () => {
    const policy = validateLatePolicy({ deadline: new Date("2026-03-01T23:59:00Z"), penaltyPerDay: 0.1, cap: 0.3 });
    expect(lateness(policy, new Date("2026-03-01T23:00:00Z"))).toEqual({ days: 0, penalty: 0 });
    expect(lateness(policy, new Date("2026-03-02T00:00:00Z"))).toEqual({ days: 1, penalty: 0.1 });
    expect(lateness(policy, new Date("2026-03-03T23:59:01Z"))).toMatchObject({ days: 3 });
    expect(lateness(policy, new Date("2026-03-20T00:00:00Z")).penalty).toBe(0.3);
    expect(() => validateLatePolicy({ deadline: new Date("nope"), penaltyPerDay: 0.1, cap: 1 })).toThrow(/--deadline/);
    expect(() => validateLatePolicy({ deadline: new Date(), penaltyPerDay: 2, cap: 1 })).toThrow(/--late-penalty/);
  });

  const grades: SubmissionGrade[] = [
    {
      learner: "alice",
      lesson: "01-x",
      status: "ok",
      note: "",
      exercises: [
        { id: "1.1", name: "f", maxPoints: 2, points: 2, answer: "answered", checks: [{ gradeId: "check-1_1", kind: "check", points: 1, passed: true, report: "✓" }] },
        { id: "1.2", name: "g", maxPoints: 1, points: 0, answer: "answered", checks: [{ gradeId: "test-1_2", kind: "test", points: 1, passed: false, report: "Failed: ✗ wrong" }] },
      ],
      answers: [],
      total: 2,
      maxTotal: 3,
    },
  ];

  it("writes Gradescope's results.json: score, and one test per exercise with score and max_score", () => {
    const results = gradescopeResults(grades);
    expect(results.score).toBe(2);
    expect(results.tests.map((t) => [t.number, t.score, t.max_score, t.status])).toEqual([["1.1", 2, 2, "passed"], ["1.2", 0, 1, "failed"]]);
    expect(results.tests[1].output).toContain("Failed: ✗ wrong");
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it("writes a Canvas gradebook import: the learner as SIS Login ID, one column per lesson, points possible", () => {
    const rows = canvasCsv(grades, [{ name: "01-x", title: "X", points: 3 }]).split("\r\n");
    expect(rows[0]).toBe("Student,ID,SIS User ID,SIS Login ID,Section,01-x · X");
    expect(rows[1]).toBe("Points Possible,,,,,3");
    expect(rows[2]).toBe("alice,,,alice,,2");
  });
});

describe("the release starts like the course", () => {
  it("has npm start (its own tslab in package.json) and a start.js that registers the kernel inside the release", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-release-start-"));
    try {
      const release = releaseLessons({ root: ROOT, lessonsDir: HOMEWORK_LESSONS, lessons: ["01"], outDir: path.join(out, "r") });
      const pkg = JSON.parse(fs.readFileSync(path.join(release.outDir, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string> };
      expect(pkg.scripts.start).toBe("node start.js");
      expect(pkg.dependencies.tslab).toBeTruthy();
      const readme = fs.readFileSync(path.join(release.outDir, "README.md"), "utf8");
      expect(readme).toContain("npm install\nnpm start");
      expect(readme).not.toContain("npm install -g");
      // before npm install: it says what to do
      const before = spawnSync(process.execPath, [path.join(release.outDir, "start.js"), "--check"], { encoding: "utf8" });
      expect(before.status).toBe(1);
      expect(before.stderr).toContain("npm install");
      // after (the project's tslab stands in for npm install's)
      fs.symlinkSync(path.join(ROOT, "node_modules", "tslab"), path.join(release.outDir, "node_modules", "tslab"));
      const after = spawnSync(process.execPath, [path.join(release.outDir, "start.js"), "--check"], { encoding: "utf8", env: { ...process.env, HOME: out } });
      const spec = JSON.parse(fs.readFileSync(path.join(release.outDir, ".jupyter/share/jupyter/kernels/tslab/kernel.json"), "utf8")) as { argv: string[]; env: Record<string, string> };
      expect(spec.env).toEqual({ BNLAB_LEARNER_KERNEL: "1" });
      expect(spec.argv.slice(1)).toEqual([path.join(release.outDir, "launcher", "launch.cjs"), "kernel", "--config-path", "{connection_file}", "--library", release.outDir]);
      if (after.status === 0) expect(JSON.parse(after.stdout)).toMatchObject({ cwd: path.join(release.outDir, "notebooks") });
      else expect(after.stderr).toContain("No Jupyter found");
      expect(fs.readdirSync(out)).toEqual(["r"]); // nothing written outside the release
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("probeSandbox: where a submission's own user could not reach the library", () => {
  /** A project in `base` (its root returned): an empty dist/, and the real node_modules. */
  const project = (base: string): string => {
    const root = path.join(base, "project");
    fs.mkdirSync(path.join(root, "dist"), { recursive: true });
    fs.mkdirSync(path.join(root, "src"));
    fs.copyFileSync(path.join(ROOT, "src", "package.json"), path.join(root, "src", "package.json"));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
    return root;
  };
  // only root runs each submission as a user of its own, who may be shut out of the project's folders
  it.skipIf(process.getuid?.() !== 0 || !probeSandbox(ROOT).ok)("names the first folder others cannot pass through, with its mode, and nothing once it opens", () => {
    const base = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "bnlab-closed-"));
    fs.chmodSync(base, 0o711);
    try {
      const closedBase = project(path.join(base, "a"));
      fs.chmodSync(path.join(base, "a"), 0o700);
      fs.chmodSync(path.join(base, "a", "project"), 0o750);
      expect(probeSandbox(closedBase)).toEqual({ ok: false, reason: expect.stringContaining(`who cannot enter ${path.join(base, "a")}, mode 0700: let others pass through it with chmod o+x ${path.join(base, "a")}`) });
      const closedProject = project(path.join(base, "b"));
      fs.chmodSync(closedProject, 0o750);
      expect(probeSandbox(closedProject)).toEqual({ ok: false, reason: expect.stringContaining(`who cannot enter ${closedProject}, mode 0750`) });
      const open = project(path.join(base, "c"));
      expect(probeSandbox(open)).toEqual({ ok: true });
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
