/**
 * The release manifest (`manifest.json`): what was assigned, so an instructor (and the grader) can
 * see the lessons, their exercises and points, and the exact lesson source each notebook came
 * from. No dates (the same lessons give the same bytes), no solutions, no hidden test text.
 */
import * as fs from "node:fs";
import type { LessonSource } from "./lesson-source";

export interface ManifestExercise {
  id: string;
  name: string;
  /** The exercise's weight in the gradebook. */
  points: number;
  /** How many checks score it: visible (in the notebook) and hidden (run by the grader only). */
  visibleChecks: number;
  hiddenChecks: number;
}

export interface ManifestLesson {
  lesson: string;
  title: string;
  /** Relative to the release folder. */
  notebook: string;
  source: string;
  source_sha256: string;
  exercises: ManifestExercise[];
  points: number;
}

export interface Manifest {
  format: 1;
  kind: "bnlab-homework-release";
  lessons: ManifestLesson[];
  points: number;
}

export const MANIFEST_FILE = "manifest.json";

export function manifestLesson(source: LessonSource, notebook: string, sourcePath: string): ManifestLesson {
  const exercises = source.exercises.map((exercise) => ({
    id: exercise.id,
    name: exercise.name,
    points: exercise.points,
    visibleChecks: exercise.checks.filter((check) => check.kind === "check").length,
    hiddenChecks: exercise.checks.filter((check) => check.kind === "test").length,
  }));
  return {
    lesson: source.lesson.name,
    title: source.lesson.frontMatter.title,
    notebook,
    source: sourcePath,
    source_sha256: source.sha256,
    exercises,
    points: exercises.reduce((sum, exercise) => sum + exercise.points, 0),
  };
}

export function makeManifest(lessons: ManifestLesson[]): Manifest {
  return { format: 1, kind: "bnlab-homework-release", lessons, points: lessons.reduce((sum, lesson) => sum + lesson.points, 0) };
}

/** A release manifest file (npm run assign's manifest.json); throws when `file` is not one. */
export function readManifest(file: string): Manifest {
  const value = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
  if (value?.kind !== "bnlab-homework-release" || !Array.isArray(value.lessons)) throw new Error(`${file} is not a release manifest (npm run assign writes one)`);
  return value;
}
