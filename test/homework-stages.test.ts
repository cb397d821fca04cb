/**
 * The grading pipeline's stages, each alone: assemble (the notebook the kernel runs), judge (verdicts
 * from a recorded run, no kernel), status (one word from what the run recorded); and the isolation
 * stage's process bound, with a real sandboxed batch: a cell that starts process after process is
 * cut off and graded as failing with a clear note, while a classmate in the same batch gets full marks.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleNotebook } from "../src/course/homework/assemble-notebook";
import { type ExtractedAnswer } from "../src/course/homework/extract-solutions";
import { statusOf, type StatusInputs } from "../src/course/homework/grade-status";
import { judgeCells } from "../src/course/homework/judge-cells";
import { loadLessonSource } from "../src/course/homework/lesson-source";
import { probeSandbox } from "../src/course/homework/os-sandbox";
import type { KernelRun } from "../src/course/homework/run-in-kernel";
import type { GradeBatchResult } from "../src/course/homework";
import { gradeClass } from "./fixtures/homework/grade-class";
import { joinSource } from "../src/course/notebook/nbformat";
import { collectors } from "../src/exercises/protocol";
import { solutions } from "./helpers/solutions";
import { FIXTURE_LESSON, HOMEWORK_LESSONS, TEST_COURSE_SECRET } from "./fixtures/homework/submissions";
import { learnerSeed } from "../src/course/homework/course-secret";
import { gradeBatch } from "../src/course/homework";
import { checkers } from "../src/exercises/check";
import { Matrix } from "../src/tensor/matrix";
import { collectedOutput } from "./helpers/collected-output";

const ROOT = path.resolve(__dirname, "..");
const source = loadLessonSource(path.join(HOMEWORK_LESSONS, `${FIXTURE_LESSON}.md`));
const batchStatsExercise = source.exercises.find((e) => e.name === "batchStats");
if (!batchStatsExercise) throw new Error("the fixture lesson has no batchStats exercise");
const answer: ExtractedAnswer = { exercise: batchStatsExercise, state: "answered", source: "function batchStats(x: Matrix) { return { mu: x, variance: x }; }" };
const SEED = learnerSeed(TEST_COURSE_SECRET, "ada");

describe("assemble", () => {
  const { notebook, roles } = assembleNotebook(source, [answer], SEED);
  const sources = notebook.cells.map((c) => joinSource(c.source));

  it("puts the learner's cell where the exercise was and leaves out instructor cells", () => {
    const at = roles.findIndex((r) => r.lessonIndex === batchStatsExercise.index);
    expect(sources[at]).toBe(answer.source);
    const instructor = source.lesson.cells.map((c, i) => (c.type === "code" && c.role.kind === "instructor" ? i : -1)).filter((i) => i >= 0);
    for (const i of instructor) expect(roles.some((r) => r.lessonIndex === i)).toBe(false);
  });

  it("turns every check into a collection cell of ours, and keeps a hidden test's own cell after it", () => {
    for (const check of batchStatsExercise.checks) {
      const at = roles.findIndex((r) => r.lessonIndex === check.index);
      expect(roles[at].collect?.checker).toBe("batchStats");
      expect(sources[at]).toContain(`bnlabGraderCollectors["batchStats"]`);
      expect(sources[at]).toContain(`, ${JSON.stringify(SEED)})`);
      if (check.kind === "test") expect(roles[at + 1].lessonIndex).toBe(check.index);
      else expect(roles[at + 1]?.lessonIndex).not.toBe(check.index);
    }
  });

  it("hands the kernel the learner's seed, never the course secret", () => {
    const everything = JSON.stringify(notebook);
    expect(everything).toContain(SEED);
    expect(everything).not.toContain(TEST_COURSE_SECRET);
    expect(everything).not.toContain(TEST_COURSE_SECRET.slice(0, 16));
  });
});

describe("judge", () => {
  const { roles } = assembleNotebook(source, [answer], SEED);
  const sent = (data: unknown) => [collectedOutput(JSON.stringify(data))];
  const ok = { status: "ok" as const, stdout: "" };
  const emptyRun = (): KernelRun => ({ cells: [], errors: [], memoryExceededMb: null, outputExceeded: false, writes: [], exit: null, kernelLog: "" });

  it("judges each collection cell's data in this process: the right function passes, a wrong one is named", () => {
    const run = emptyRun();
    const collectAt = roles.map((r, i) => (r.collect ? i : -1)).filter((i) => i >= 0);
    collectAt.forEach((i, k) => (run.cells[i] = { run: ok, outputs: sent(collectors.batchStats(k === 0 ? solutions.batchStats : (x: never) => ({ mu: x, variance: x }), SEED)) }));
    const { checkRuns } = judgeCells(roles, run, SEED);
    const verdicts = collectAt.map((i) => checkRuns.get(roles[i].lessonIndex)?.verdict);
    expect(verdicts[0]?.ok).toBe(true);
    expect(verdicts[1]?.ok).toBe(false);
  });

  it("judges on the learner's inputs: an answer keyed to the notebook's inputs passes there and gets no check here", () => {
    // what a learner can record by running the library's checker: the right outputs of the notebook's inputs
    const table = new Map<string, unknown>();
    checkers.batchStats((x: Matrix) => {
      const result = solutions.batchStats(x);
      table.set(JSON.stringify(x), result);
      return result;
    });
    const perExample = (x: Matrix) => ({ mu: x.meanCols(), variance: x.sub(x.meanCols()).map((d) => d * d).meanCols() });
    const keyed = (x: Matrix) => (table.get(JSON.stringify(x)) as ReturnType<typeof perExample> | undefined) ?? perExample(x);
    expect(checkers.batchStats(keyed).ok).toBe(true);
    const collectAt = roles.map((r, i) => (r.collect?.checker === "batchStats" ? i : -1)).filter((i) => i >= 0);
    expect(collectAt.length).toBeGreaterThan(0);
    const judged = (fn: unknown) => {
      const run = emptyRun();
      // the collection cells run in the kernel with the learner's seed; sent data is judged with it
      for (const i of collectAt) run.cells[i] = { run: ok, outputs: sent(collectors.batchStats(fn, SEED)) };
      return collectAt.map((i) => judgeCells(roles, run, SEED).checkRuns.get(roles[i].lessonIndex)?.verdict?.ok);
    };
    expect(judged(keyed)).toEqual(collectAt.map(() => false));
    expect(judged(solutions.batchStats)).toEqual(collectAt.map(() => true));
    // the same data judged for another learner does not pass either
    const run = emptyRun();
    for (const i of collectAt) run.cells[i] = { run: ok, outputs: sent(collectors.batchStats(solutions.batchStats, learnerSeed(TEST_COURSE_SECRET, "grace"))) };
    expect(collectAt.map((i) => judgeCells(roles, run, SEED).checkRuns.get(roles[i].lessonIndex)?.verdict?.ok)).toEqual(collectAt.map(() => false));
  });

  it("refuses to grade without a course secret, before anything runs, and says where one comes from", async () => {
    const out = path.join(os.tmpdir(), `bnlab-no-secret-${process.pid}`);
    const options = { projectRoot: ROOT, lessonsDir: HOMEWORK_LESSONS, submissionsDir: path.join(ROOT, "no-such-folder"), outDir: out, isolation: "none" as const };
    await expect(gradeBatch({ ...options, courseSecret: "" })).rejects.toThrow(/course secret.*npm run grade makes one at .*course-secret.*courseSecret/s);
    await expect(gradeBatch({ ...options, courseSecret: undefined as unknown as string })).rejects.toThrow(/course secret/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("marks cells after a fatal stop as not run, and a check without data as a problem", () => {
    const { runs, checkRuns } = judgeCells(roles, emptyRun(), SEED);
    expect(runs.get(batchStatsExercise.index)?.status).toBe("not-run");
    for (const check of batchStatsExercise.checks) expect(checkRuns.get(check.index)).toMatchObject({ verdict: null, problem: "not run" });
  });
});

describe("status", () => {
  const base: StatusInputs = {
    memoryExceededMb: null,
    residentLimitMb: 2560,
    memoryLimitMb: 2048,
    cellTimeoutMs: 60_000,
    notebookTimeoutMs: 600_000,
    notebookOutputBytes: 8_000_000,
    outputExceeded: false,
    kernelLog: "",
    errors: [],
    exit: null,
    writes: [],
    answers: [answer],
    runs: new Map(),
  };
  const failing = (evalue: string) => new Map([[batchStatsExercise.index, { status: "error" as const, stdout: "", error: { ename: "Error", evalue, traceback: [] } }]]);

  it("reads each recorded fact as its status, in order of precedence", () => {
    expect(statusOf(base)).toEqual({ status: "ok", note: "" });
    expect(statusOf({ ...base, outputExceeded: true, writes: ["/x"] }).status).toBe("output-limit");
    expect(statusOf({ ...base, writes: ["writeFileSync /x"], memoryExceededMb: 3000 })).toEqual({ status: "wrote-outside", note: "refused: writeFileSync /x" });
    expect(statusOf({ ...base, memoryExceededMb: 3000 }).note).toBe("resident memory passed 2560 MB; the kernel was stopped");
    expect(statusOf({ ...base, errors: [{ kind: "timeout", cellIndex: batchStatsExercise.index, error: { ename: "", evalue: "", traceback: [] } }] }).note).toBe(`exercise ${batchStatsExercise.id} ran longer than 60 s per cell`);
    expect(statusOf({ ...base, exit: { code: 3, signal: null } }).note).toBe("the kernel exited with code 3 while running the notebook");
    expect(statusOf({ ...base, exit: { code: null, signal: "SIGABRT" }, kernelLog: "FATAL ERROR: Reached heap limit" }).status).toBe("memory-limit");
    expect(statusOf({ ...base, runs: failing("boom") })).toEqual({ status: "runtime-error", note: `exercise ${batchStatsExercise.id}: Error: boom` });
  });

  it("names a refused process start as the process limit", () => {
    const r = statusOf({ ...base, runs: failing("spawn EAGAIN") });
    expect(r.status).toBe("process-limit");
    expect(r.note).toBe(`the code started more processes than the sandbox allows: exercise ${batchStatsExercise.id} could not start the next one (spawn EAGAIN)`);
    const died = statusOf({ ...base, exit: { code: 134, signal: null }, kernelLog: "node::Watchdog::Watchdog at ../src/node_watchdog.cc:65\n Assertion failed: (0) == (rc)" });
    expect(died).toEqual({ status: "process-limit", note: "the code started more processes than the sandbox allows: the kernel could not start a thread while running the notebook and stopped" });
  });
});

const sandbox = probeSandbox(ROOT);
describe.skipIf(!sandbox.ok)("isolation: the process bound", () => {
  let base: string;
  let batch: GradeBatchResult;
  const spawner = `const rq: any = require;
const { spawn } = rq("child_process");
const children: any[] = [];
for (let i = 0; i < 400; i++) children.push(spawn("sleep", ["30"], { stdio: "ignore" }));
function newBatchWeight(momentum: number | null, numBatchesTracked: number): number {
  return momentum === null ? 1 / numBatchesTracked : momentum;
}`;
  const honest = `function newBatchWeight(momentum: number | null, numBatchesTracked: number): number {
  return momentum === null ? 1 / numBatchesTracked : momentum;
}`;

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-stages-"));
    batch = await gradeClass(base, { spawner: { "1.3": spawner }, classmate: { "1.3": honest } });
  }, 300_000);

  afterAll(() => {
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it("cuts off the cell that starts 400 processes: process-limit, a note that says so, no points for that exercise", () => {
    const g = batch.grades.find((x) => x.learner === "spawner");
    expect(g?.status, JSON.stringify(g?.note) + JSON.stringify(g?.answers.map((a) => [a.error, a.stdout]))).toBe("process-limit");
    expect(g?.note).toMatch(/^the code started more processes than the sandbox allows: (the kernel could not start a thread while running a check of exercise 1\.\d and stopped|exercise 1\.3 could not start the next one \(.*EAGAIN)/);
    expect(g?.exercises.find((e) => e.id === "1.3")?.points).toBe(0);
  });

  it("grades the classmate in the same batch in full", () => {
    const g = batch.grades.find((x) => x.learner === "classmate");
    expect(g?.status).toBe("ok");
    expect(g?.exercises.find((e) => e.id === "1.3")?.points).toBe(g?.exercises.find((e) => e.id === "1.3")?.maxPoints);
  });
});
