/**
 * The reach kernel's library holds no judge code (src/course/homework/stripped-library.ts): an
 * answer that requires a checker module by a pieced-together path and returns its reference's
 * numbers passes where the full library is (the learner's notebook) and fails where the answers
 * are collected again, so it gets no credit; honest answers pass in both.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strippedLibrary } from "../src/course/homework/stripped-library";
import { listFiles } from "../src/course/homework/library-bundle";
import { EXERCISES, type ExerciseId } from "../src/exercises/registry";
import { judges } from "../src/exercises/protocol";
import { Matrix } from "../src/tensor/matrix";
import { solutions } from "./helpers/solutions";

const ROOT = path.resolve(__dirname, "..");
type Lib = { collectors: Record<string, (fn: unknown, seed?: string) => unknown> };
// the module a learner's answer pieces together, inside the library it runs with
const reach = (dist: string, file: string): Record<string, { reference(input: unknown): Record<string, Matrix> }> =>
  require([dist, "exer" + "cises", "check" + "ers", file].join(path.sep)) as Record<string, { reference(input: unknown): Record<string, Matrix> }>;

const ATTACKS: Array<{ id: ExerciseId; attack(dist: string): unknown; honest: unknown }> = [
  {
    id: "batchNormBackward",
    attack: (dist) => (dy: Matrix, x: Matrix, gamma: Matrix, eps: number) => reach(dist, "batchnorm-" + "backward.js")["batchNormBackward" + "Spec"].reference({ dy, x, gamma, eps }),
    honest: solutions.batchNormBackward,
  },
  {
    id: "convOutputSize",
    attack: (dist) => (size: number, kernelSize: number, stride: number, padding: number) =>
      reach(dist, "conv-output" + "-size.js")["convOutputSize" + "Spec"].reference({ size, kernelSize, stride, padding }).size.data[0],
    honest: solutions.convOutputSize,
  },
  {
    id: "foldBatchNorm",
    attack: (dist) => (conv: unknown, bn: unknown) => reach(dist, "fold-" + "batchnorm.js")["foldBatchNorm" + "Spec"].reference({ label: "", make: () => ({ conv, bn }) }),
    // its own Matrix: the one of the library under test (the solutions' would be the sources')
    honest: (
      conv: { weight: { value: Matrix }; bias: { value: Matrix } | null; outChannels: number },
      bn: { gamma: Matrix; beta: Matrix; runningMean: Matrix; runningVar: Matrix; eps: number },
    ) => {
      const s = bn.runningVar.map((v, _r, c) => bn.gamma.data[c] / Math.sqrt(v + bn.eps));
      const weight = conv.weight.value.map((w, o) => w * s.data[o]);
      const bias = bn.runningMean.map((m, _r, o) => s.data[o] * ((conv.bias ? conv.bias.value.data[o] : 0) - m) + bn.beta.data[o]);
      return { weight, bias };
    },
  },
];

const SEED = "a learner's seed";
let parent: string;
beforeAll(() => (parent = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-reach-judge-"))));
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));
const library = (dist: string): Lib => require(path.join(dist, "index.js")) as Lib;
const judged = (dist: string, id: ExerciseId, fn: unknown) => judges[id](JSON.parse(JSON.stringify(library(dist).collectors[id](fn, SEED))), SEED);

describe("answers that return the checkers' own reference", () => {
  for (const { id, attack, honest } of ATTACKS) {
    const forbids = EXERCISES[id].forbids;
    it(`${id}: passes with the full library, fails with the reach kernel's; the honest answer passes in both`, () => {
      const full = path.join(ROOT, "dist");
      const stripped = strippedLibrary(ROOT, forbids, parent);
      expect(judged(full, id, honest).ok).toBe(true);
      expect(judged(stripped, id, honest).ok).toBe(true);
      expect(judged(full, id, attack(full)).ok).toBe(true);
      expect(judged(stripped, id, attack(stripped)).ok).toBe(false);
    });
  }

  it("no module collection requires holds judge code, nor does any file of the stripped library", () => {
    const full = path.join(ROOT, "dist");
    const stripped = strippedLibrary(ROOT, [], parent);
    const exerciseFiles = (dist: string) => listFiles(dist).filter((f) => f.endsWith(".js") && f.includes(`${path.sep}exercises${path.sep}`));
    const judging = (files: Iterable<string>, dist: string) => [...files].filter(holdsJudgeCode).map((f) => path.relative(dist, f));
    expect(judging(exerciseFiles(full), full).length).toBeGreaterThan(19); // the checkers, variants.js, generic-mistakes.js
    // collection runs in the reach kernel, where every judge module is refused
    expect(judging(required(path.join(full, "exercises", "collect", "index.js")), full)).toEqual([]);
    expect(judging(exerciseFiles(stripped), stripped)).toEqual([]);
  });
});

/** A compiled checker's reference or mistakes, or the mistakes' shared predictions (variants.js, generic-mistakes.js). */
function holdsJudgeCode(file: string): boolean {
  return /^\s*(?:reference|mistakes)\s*:|^function (?:reference|mistakes|normalizeVariant|statsVariant|constantOutput)\b/m.test(fs.readFileSync(file, "utf8"));
}

/** `file` and the files of dist/ it requires, directly or not (compiled `require("./x")` calls). */
function required(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !fs.existsSync(file)) return seen;
  seen.add(file);
  for (const [, to] of fs.readFileSync(file, "utf8").matchAll(/require\("(\.\.?\/[^"]+)"\)/g)) required(path.resolve(path.dirname(file), to) + ".js", seen);
  return seen;
}
