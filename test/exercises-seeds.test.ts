/**
 * Per-learner grading inputs (issue 22): in grading, each checker's cases and probes are drawn from a
 * seed made of the learner's id and the course secret, so that an answer keyed to the inputs a
 * learner can know in advance (the notebook's own check, reproducible from the library) earns
 * nothing; the notebook's checks keep their fixed inputs.
 */
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { check, checkers, collectors, judges } from "../src/exercises";
import { drawn } from "../src/exercises/engine";
import { NOTEBOOK_SEED } from "../src/exercises/inputs";
import { EXERCISE_IDS, specOf, type ExerciseId } from "../src/exercises/registry";
import { solutions } from "./helpers/solutions";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { learnerSeed, readCourseSecret } from "../src/course/homework/course-secret";

const SECRET = "a course secret the instructor keeps, 0123456789abcdef";
const seedOf = (learner: string) => learnerSeed(SECRET, learner);
const roundTrip = (data: unknown) => JSON.parse(JSON.stringify(data)) as unknown;
const grade = (id: ExerciseId, fn: unknown, seed: string) => judges[id](roundTrip(collectors[id](fn, seed)), seed);

/**
 * An answer keyed to the fixed inputs: it records what the right function returns on every input
 * the notebook's check uses (as a learner could, by running the library's checker) and replays it;
 * on any other input it uses `otherwise` (a wrong formula).
 */
function keyed(id: ExerciseId, otherwise: (...args: never[]) => unknown): (...args: unknown[]) => unknown {
  const table = new Map<string, unknown>();
  const right = solutions[id] as unknown as (...args: unknown[]) => unknown;
  collectors[id]((...args: unknown[]) => {
    const result = right(...args);
    table.set(JSON.stringify(args), result);
    return result;
  });
  return (...args: unknown[]) => {
    const key = JSON.stringify(args);
    return table.has(key) ? table.get(key) : (otherwise as (...a: unknown[]) => unknown)(...args);
  };
}

const perExample = (x: Matrix) => {
  const mu = x.meanCols();
  return { mu, variance: x.sub(mu).map((d) => d * d).meanCols() };
};
const WRONG: Partial<Record<ExerciseId, (...args: never[]) => unknown>> = {
  batchStats: perExample,
  normalize: (x: Matrix) => x,
  batchNormForward: (x: Matrix) => ({ y: x }),
  newBatchWeight: (momentum: number | null) => (momentum === null ? 0.5 : 1 - momentum),
  convOutputSize: (size: number) => size,
  batchMeanStd: () => 0.5,
};

describe("an answer keyed to the notebook's fixed inputs", () => {
  for (const id of Object.keys(WRONG) as ExerciseId[]) {
    it(`${id}: passes the notebook's own check, gets nothing in grading`, () => {
      const answer = keyed(id, WRONG[id] as (...args: never[]) => unknown);
      expect(checkers[id](answer as never).ok, `${id} notebook check`).toBe(true);
      for (const learner of ["ada", "grace", "alan"]) {
        const result = grade(id, answer, seedOf(learner));
        expect(result.ok, `${id} graded for ${learner}`).toBe(false);
      }
    });
  }
});

describe("the inputs drawn per learner", () => {
  it("are the same for the same learner, different for two learners, in every exercise", () => {
    for (const id of EXERCISE_IDS) {
      const spec = specOf(id);
      // the inputs and what they should give (an input made by a function shows only in its reference)
      const inputsOf = (seed?: string) => {
        const { cases, probes } = drawn(spec, seed);
        return JSON.stringify([cases.map((c) => [c.input, spec.reference(c.input)]), probes ?? null]);
      };
      expect(inputsOf(seedOf("ada")), id).toBe(inputsOf(seedOf("ada")));
      expect(inputsOf(seedOf("ada")), id).not.toBe(inputsOf(seedOf("grace")));
      expect(inputsOf(seedOf("ada")), id).not.toBe(inputsOf(undefined));
      expect(drawn(spec, seedOf("ada")).cases.map((c) => c.label.replace(/-?\d[\d.e+-]*/g, "#")), `${id}: the same kinds of case`).toEqual(
        drawn(spec).cases.map((c) => c.label.replace(/-?\d[\d.e+-]*/g, "#")),
      );
    }
  });

  it("keep the notebook's own checks on their fixed inputs", () => {
    for (const id of EXERCISE_IDS) expect(drawn(specOf(id))).toBe(drawn(specOf(id), NOTEBOOK_SEED));
  });

  it("give the same grade to the same learner graded twice", () => {
    const seed = seedOf("ada");
    expect(grade("batchStats", perExample, seed)).toEqual(grade("batchStats", perExample, seed));
    expect(grade("batchStats", perExample, seed).misconception).toBe("wrong-axis");
  });

  it("give full marks to every reference solution, for several learners", { timeout: 300_000 }, () => {
    for (const learner of ["ada", "grace", "alan", "0", "constructor"]) {
      for (const id of EXERCISE_IDS) {
        const result = grade(id, solutions[id], seedOf(learner));
        expect(result.ok, `${id} for ${learner}: ${result.message}\n${result.details ?? ""}`).toBe(true);
      }
    }
  });

  it("still name a known mistake on drawn inputs", () => {
    const result = grade("batchStats", perExample, seedOf("grace"));
    expect(result.misconception).toBe("wrong-axis");
  });

  it("a judge given data collected on another learner's inputs (or the notebook's) does not pass it", () => {
    const mine = seedOf("ada");
    for (const id of ["batchStats", "normalize", "batchNormForward"] as const) {
      expect(judges[id](roundTrip(collectors[id](solutions[id], seedOf("grace"))), mine).ok, id).toBe(false);
      expect(judges[id](roundTrip(collectors[id](solutions[id])), mine).ok, id).toBe(false);
    }
  });

  it("check.X in the notebook still runs on the fixed inputs", () => {
    expect(check.batchStats).toBeTypeOf("function");
    expect(checkers.batchStats(solutions.batchStats).ok).toBe(true);
  });
});

describe("the learner's seed", () => {
  it("is HMAC-SHA256 of the learner's id under the course secret: stable, different per learner and per secret, never the secret", () => {
    expect(seedOf("ada")).toMatch(/^[0-9a-f]{64}$/);
    expect(seedOf("ada")).toBe(seedOf("ada"));
    expect(seedOf("ada")).not.toBe(seedOf("grace"));
    expect(learnerSeed(SECRET + "x", "ada")).not.toBe(seedOf("ada"));
    expect(seedOf("ada")).not.toContain(SECRET.slice(0, 8));
  });

  it("refuses a missing or short secret with a message that says how to make one", () => {
    expect(() => learnerSeed("", "ada")).toThrow(/course secret.*(32|npm run grade)/s);
    expect(() => learnerSeed("short", "ada")).toThrow(/course secret/);
  });
});

describe("the course secret file", () => {
  it("is made once, readable by its owner only, and read back unchanged", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-secret-"));
    try {
      const file = path.join(dir, "config", "course-secret");
      const made = readCourseSecret(file);
      expect(made.created).toBe(true);
      expect(made.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(readCourseSecret(file)).toEqual({ secret: made.secret, created: false });
      expect(learnerSeed(made.secret, "ada")).not.toBe(seedOf("ada"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
