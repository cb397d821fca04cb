/**
 * One registry (src/exercises/registry.ts): the README's exercise table, the lessons' check and
 * hidden-test cells, the protocol, the reference solutions and the checkers all name the same
 * exercises, and the files the README names exist.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXERCISES, EXERCISE_IDS, isExerciseId } from "../src/exercises/registry";
import { check, checkers } from "../src/exercises/check";
import { collectors, judges } from "../src/exercises/protocol";
import { solutions } from "./helpers/solutions";
import { listLessonFiles, loadLessonSource } from "../src/course/homework/lesson-source";
import { findCheckerCall } from "../src/course/homework/collection";

const ROOT = path.resolve(__dirname, "..");
const README = path.join(ROOT, "src", "exercises", "README.md");

/** The rows of the README's exercise table: lessons and id. */
function readmeRows(text: string): { lessons: string[]; id: string }[] {
  const rows: { lessons: string[]; id: string }[] = [];
  for (const line of text.split("\n")) {
    const m = /^\| ([\d., ]+) \| `(\w+)` \|/.exec(line);
    if (m) rows.push({ lessons: m[1].split(",").map((s) => s.trim()), id: m[2] });
  }
  return rows;
}

/** Every lesson's check and hidden-test cells: the lesson exercise and the exercise id its call names. */
function lessonCalls(): { lesson: string; exercise: string; id: string | null }[] {
  const out: { lesson: string; exercise: string; id: string | null }[] = [];
  for (const [lesson, file] of listLessonFiles(path.join(ROOT, "lessons"))) {
    const source = loadLessonSource(file);
    for (const exercise of source.exercises) {
      for (const graded of exercise.checks) {
        const cell = source.lesson.cells[graded.index];
        const call = cell.type === "code" ? findCheckerCall(cell.source) : null;
        out.push({ lesson, exercise: exercise.id, id: call?.checker ?? null });
      }
    }
  }
  return out;
}

describe("the exercise registry", () => {
  it("keys each spec by its own exercise id", () => {
    for (const id of EXERCISE_IDS) expect(EXERCISES[id].spec.exercise).toBe(id);
  });

  it("is what check, checkers, the protocol and the solutions are keyed by, in the same order", () => {
    for (const table of [check, checkers, collectors, judges, solutions]) expect(Object.keys(table)).toEqual(EXERCISE_IDS);
    for (const id of ["constructor", "__proto__", "toString", "checkBatchStats"]) expect(isExerciseId(id)).toBe(false);
  });

  it("agrees with the README's table: the same ids, in order, with the same lessons", () => {
    const rows = readmeRows(fs.readFileSync(README, "utf8"));
    expect(rows.map((r) => r.id)).toEqual(EXERCISE_IDS);
    for (const row of rows) expect(row.lessons, row.id).toEqual(EXERCISES[row.id as keyof typeof EXERCISES].lessons);
  });

  it("names only files that exist in the README", () => {
    const text = fs.readFileSync(README, "utf8");
    const named = [...text.matchAll(/`((?:[\w-]+\/)*[\w-]+\.(?:ts|md))`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    const missing = named.filter((name) => ![path.join(ROOT, "src", "exercises", name), path.join(ROOT, name)].some((p) => fs.existsSync(p)));
    expect(missing).toEqual([]);
  });

  it("is exactly what the lessons' check and hidden-test cells call, lesson by lesson", () => {
    const calls = lessonCalls();
    expect(calls.filter((c) => c.id === null)).toEqual([]);
    const used = new Map<string, Set<string>>();
    for (const c of calls) used.set(c.id as string, (used.get(c.id as string) ?? new Set()).add(c.exercise));
    expect([...used.keys()].sort()).toEqual([...EXERCISE_IDS].sort());
    for (const id of EXERCISE_IDS) expect([...(used.get(id) ?? [])].sort(), id).toEqual([...EXERCISES[id].lessons].sort());
  });
});
