/**
 * Delegation decided by what an exercise can reach (src/course/homework/reach.ts): answers that get
 * the library's BatchNorm1d by string-built names (test/fixtures/homework/reach-attacks.ts) pass
 * the static check and the checker, and still get no credit for exercise 1.1, because that exercise
 * is collected again where BatchNorm1d is absent; honest answers keep full credit. The stripped
 * library itself holds no BatchNorm1d on disk.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GradeBatchResult, SubmissionGrade } from "../src/course/homework";
import { gradeClass } from "./fixtures/homework/grade-class";
import { findDelegation } from "../src/course/homework/delegation";
import { probeSandbox } from "../src/course/homework/os-sandbox";
import { strippedLibrary } from "../src/course/homework/stripped-library";
import { listFiles } from "../src/course/homework/library-bundle";
import { EXERCISES } from "../src/exercises/registry";
import { REACH_ATTACKS } from "./fixtures/homework/reach-attacks";

const ROOT = path.resolve(__dirname, "..");
const correct = {
  "1.1": `function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {
  const mu = x.meanRows();
  return { mu, variance: x.sub(mu).map((d) => d * d).meanRows() };
}`,
  "1.2": `function normalize(x: Matrix, eps: number): Matrix {
  const mu = x.meanRows();
  const variance = x.sub(mu).map((d) => d * d).meanRows();
  return x.sub(mu).div(variance.map((v) => Math.sqrt(v + eps)));
}`,
  "1.3": `function newBatchWeight(momentum: number | null, numBatchesTracked: number): number {
  return momentum === null ? 1 / numBatchesTracked : momentum;
}`,
};

describe("the stripped library", () => {
  let parent: string;
  beforeAll(() => (parent = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-stripped-"))));
  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

  it("has no BatchNorm1d anywhere in its files, keeps the rest, and refuses BatchNorm1d when used", () => {
    const dist = strippedLibrary(ROOT, EXERCISES.batchStats.forbids, parent);
    const files = listFiles(dist);
    expect(files.some((f) => f.endsWith(path.join("tensor", "matrix.js")))).toBe(true);
    expect(files.filter((f) => f.includes(`${path.sep}solutions${path.sep}`))).toEqual([]);
    const defining = files.filter((f) => f.endsWith(".js") && /^class BatchNorm1d\b/m.test(fs.readFileSync(f, "utf8")));
    expect(defining).toEqual([]);
    const lib = require(path.join(dist, "index.js")) as { BatchNorm1d: new (n: number) => unknown; Matrix: { row(v: number[]): { cols: number } } };
    expect(lib.Matrix.row([1, 2]).cols).toBe(2);
    expect(() => new lib.BatchNorm1d(3)).toThrow(/^BatchNorm1d is not available while this exercise is graded/);
    expect(strippedLibrary(ROOT, [...EXERCISES.batchStats.forbids].reverse(), parent)).toBe(dist);
  });

  // An honest answer must be collectable without what its exercise forbids: if the checker itself
  // needs a forbidden layer (8.2 hands the learner a BatchNorm2d), every answer would fail there
  // and lose its points as if it had used the library.
  for (const [id, entry] of Object.entries(EXERCISES)) {
    it(`collects exercise ${entry.lessons.join(", ")} (${id}) up to the learner's call without ${entry.forbids.join(", ") || "anything"} and the judge code`, () => {
      const lib = require(path.join(strippedLibrary(ROOT, entry.forbids, parent), "index.js")) as {
        collectors: Record<string, (fn: unknown) => { cases: unknown[] }>;
      };
      const data = lib.collectors[id](() => {
        throw new Error("the learner's own code ran");
      });
      expect(JSON.stringify(data.cases[0])).toMatch(/the learner's own code ran/); // as a failure, or as what it threw (5.2)
    });
  }

  it("refuses every norm layer, by its own name, to the normalization exercises", () => {
    const lib = require(path.join(strippedLibrary(ROOT, EXERCISES.normalize.forbids, parent), "index.js")) as Record<string, new (...args: number[]) => unknown>;
    for (const layer of ["BatchNorm1d", "BatchNorm2d", "GhostBatchNorm1d", "InstanceNorm2d", "BatchRenorm1d", "LayerNorm", "GroupNorm"]) {
      expect(() => new lib[layer](2, 1), layer).toThrow(new RegExp(`^${layer} is not available while this exercise is graded`));
    }
  });
});

describe("the attacks get past the static check", () => {
  for (const attack of REACH_ATTACKS) {
    it(attack.learner, () => expect(findDelegation("batchStats", attack.cell, EXERCISES.batchStats.forbids)).toBeNull());
  }
});

const sandbox = probeSandbox(ROOT);
describe.skipIf(!sandbox.ok)("graded where BatchNorm1d is absent", () => {
  let base: string;
  let batch: GradeBatchResult;
  const grade = (learner: string): SubmissionGrade => {
    const g = batch.grades.find((x) => x.learner === learner);
    if (!g) throw new Error(`no grade for ${learner}`);
    return g;
  };
  const exercise = (learner: string, id: string) => grade(learner).exercises.find((e) => e.id === id);

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-reach-"));
    batch = await gradeClass(base, Object.fromEntries([["teacher", correct], ...REACH_ATTACKS.map((a) => [a.learner, { ...correct, "1.1": a.cell }])]));
  }, 600_000);

  afterAll(() => {
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it("keeps full credit for the honest answers", () => {
    const g = grade("teacher");
    expect(g.status, g.note).toBe("ok");
    expect(g.total).toBe(g.maxTotal);
    expect(g.exercises.every((e) => e.delegated === undefined)).toBe(true);
  });

  for (const attack of REACH_ATTACKS.filter((a) => !a.reaches)) {
    it(`${attack.learner}: reaches nothing in the notebook either (the kernel refuses it): no credit for 1.1, from its own error`, () => {
      const e = exercise(attack.learner, "1.1");
      expect(e?.points).toBe(0);
      expect(e?.delegated).toBeUndefined();
      expect(grade(attack.learner).note).toMatch(/^exercise 1\.1: TypeError: A dynamic import callback was not specified/);
    });
  }

  for (const attack of REACH_ATTACKS.filter((a) => a.reaches)) {
    it(`${attack.learner}: no credit for 1.1, and the feedback says it passes only where BatchNorm1d is available; 1.2 and 1.3 in full`, () => {
      const e = exercise(attack.learner, "1.1");
      expect(e?.points).toBe(0);
      expect(e?.delegated).toContain(`Your batchStats passes only where the library's ${EXERCISES.batchStats.forbids.join(", ")} are available; collected again without them, it fails.`);
      expect(e?.delegated).toMatch(/^Your batchStats passes only where the library's BatchNorm1d, BatchNorm2d, /);
      for (const id of ["1.2", "1.3"]) expect(exercise(attack.learner, id)?.points, id).toBe(exercise(attack.learner, id)?.maxPoints);
    });
  }
});
