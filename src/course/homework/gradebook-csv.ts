/**
 * The gradebook: one row per (learner, lesson), RFC 4180 CSV.
 *
 *     learner,lesson,3.1,3.2,total,max,status,note
 *
 * Exercise columns are every exercise of the graded lessons, in lesson order; a row leaves the
 * columns of other lessons empty.
 */
import type { SubmissionGrade } from "./grade-notebook";
import type { LessonSource } from "./lesson-source";
import { round2 } from "./scoring";

export function gradebookColumns(lessons: readonly LessonSource[]): string[] {
  const ids: string[] = [];
  for (const lesson of lessons) for (const exercise of lesson.exercises) if (!ids.includes(exercise.id)) ids.push(exercise.id);
  return ids;
}

export function gradebookCsv(grades: readonly SubmissionGrade[], exerciseIds: readonly string[]): string {
  const header = ["learner", "lesson", ...exerciseIds, "total", "max", "status", "note"];
  const rows = grades.map((grade) => {
    const points = exerciseIds.map((id) => {
      const exercise = grade.exercises.find((e) => e.id === id);
      return exercise ? formatPoints(exercise.points) : "";
    });
    return [grade.learner, grade.lesson, ...points, formatPoints(grade.total), formatPoints(grade.maxTotal), grade.status, grade.note];
  });
  return csv([header, ...rows]);
}

/** RFC 4180 lines (CRLF, each ending in one). */
export function csv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function formatPoints(value: number): string {
  return String(round2(value));
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value; // no formulas when opened in a spreadsheet
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
