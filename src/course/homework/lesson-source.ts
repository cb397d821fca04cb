/**
 * A lesson as the homework tools see it: parsed from its Markdown source, with the cells that
 * matter for grading (exercise, visible check, hidden test) and their stable ids and points.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { assignCellIds } from "../lesson/cell-ids";
import { sha256 } from "../lesson/hashing";
import { LESSON_FILE } from "../lesson/lesson-name";
import type { CodeLessonCell, Lesson } from "../lesson/model";
import { parseLesson } from "../lesson/parse-lesson";

export interface GradedCell {
  /** Index in lesson.cells. */
  index: number;
  /** nbgrader grade_id (`check-1_1`). */
  gradeId: string;
  kind: "check" | "test";
  points: number;
}

export interface LessonExercise {
  /** "1.1" */
  id: string;
  /** The function the learner implements. */
  name: string;
  /** Index of the solution cell in lesson.cells. */
  index: number;
  cellId: string;
  gradeId: string;
  /** The exercise's weight: its `points` attribute, else the sum of its checks' points. */
  points: number;
  checks: GradedCell[];
}

export interface LessonSource {
  lesson: Lesson;
  /** Absolute path of the Markdown file. */
  file: string;
  text: string;
  sha256: string;
  exercises: LessonExercise[];
}

export function loadLessonSource(file: string): LessonSource {
  const text = fs.readFileSync(file, "utf8");
  const lesson = parseLesson(text, file);
  const ids = assignCellIds(lesson, file);
  const exercises: LessonExercise[] = [];
  const byId = new Map<string, LessonExercise>();
  lesson.cells.forEach((cell, index) => {
    if (cell.type !== "code" || cell.role.kind !== "exercise") return;
    const spec: LessonExercise = {
      id: cell.role.exercise,
      name: cell.role.name,
      index,
      cellId: ids[index].cellId,
      gradeId: ids[index].gradeId ?? "",
      points: cell.role.points ?? 0,
      checks: [],
    };
    exercises.push(spec);
    byId.set(spec.id, spec);
  });
  lesson.cells.forEach((cell, index) => {
    if (cell.type !== "code" || (cell.role.kind !== "check" && cell.role.kind !== "test")) return;
    const exercise = cell.role.exercise !== undefined ? byId.get(cell.role.exercise) : undefined;
    if (!exercise) return; // a check of no exercise counts towards nothing
    exercise.checks.push({ index, gradeId: ids[index].gradeId ?? "", kind: cell.role.kind, points: cell.role.points ?? 1 });
  });
  for (const exercise of exercises) {
    const cell = lesson.cells[exercise.index] as CodeLessonCell;
    if (cell.role.kind === "exercise" && cell.role.points === undefined) exercise.points = exercise.checks.reduce((sum, check) => sum + check.points, 0);
  }
  return { lesson, file, text, sha256: sha256(text), exercises };
}

/** `lessons/NN-slug.md` files of a folder, by lesson name. */
export function listLessonFiles(lessonsDir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(lessonsDir)) return files;
  for (const name of fs.readdirSync(lessonsDir).sort()) {
    if (LESSON_FILE.test(name)) files.set(name.replace(/\.md$/, ""), path.join(lessonsDir, name));
  }
  return files;
}

/**
 * Resolve what the user typed (`03`, `03-running-averages`, `lessons/03-running-averages.md`) to a
 * lesson file; throws with the available names when nothing matches.
 */
export function resolveLessonFile(lessonsDir: string, spec: string): string {
  if (spec.endsWith(".md") && fs.existsSync(spec)) return path.resolve(spec);
  const files = listLessonFiles(lessonsDir);
  const key = path.basename(spec).replace(/\.(md|ipynb)$/, "");
  const exact = files.get(key);
  if (exact) return exact;
  const prefixed = [...files.keys()].filter((name) => name.startsWith(`${key}-`) || name.split("-")[0] === key);
  if (prefixed.length === 1) return files.get(prefixed[0]) as string;
  const known = [...files.keys()].join(", ") || "none";
  throw new Error(`no lesson "${spec}" in ${lessonsDir} (lessons: ${known})`);
}
