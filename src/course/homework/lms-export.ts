/**
 * The same grades for learning-management systems:
 *
 * - Gradescope: `gradescope/<learner>/results.json` per the autograder specification
 *   (https://gradescope-autograders.readthedocs.io/en/latest/specs/): `score`, `output`, and one
 *   test per exercise (`name`, `score`, `max_score`, `status`, `output`); hidden tests' outcomes
 *   are in the output, never their code.
 * - Canvas: `canvas.csv`, a gradebook import: `Student, ID, SIS User ID, SIS Login ID, Section`,
 *   then one column per lesson (the learner's folder name is the SIS Login ID).
 */
import type { SubmissionGrade } from "./grade-notebook";
import { csv, formatPoints } from "./gradebook-csv";
import { round2 } from "./scoring";

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: "visible";
}

export interface GradescopeResults {
  score: number;
  output: string;
  visibility: "visible";
  stdout_visibility: "hidden";
  tests: GradescopeTest[];
}

/** One learner's results.json (all their lessons together). */
export function gradescopeResults(grades: readonly SubmissionGrade[]): GradescopeResults {
  const tests: GradescopeTest[] = [];
  const lines: string[] = [];
  for (const grade of grades) {
    const late = grade.late && grade.late.days > 0 ? ` (${grade.late.days} day(s) late: −${Math.round(grade.late.penalty * 100)} %)` : "";
    lines.push(`${grade.lesson}: ${formatPoints(grade.total)} / ${formatPoints(grade.maxTotal)}, ${grade.status}${grade.note ? ` — ${grade.note}` : ""}${late}`);
    for (const exercise of grade.exercises) {
      const output = exercise.checks
        .map((c) => `${c.kind === "check" ? "Check" : "Hidden test"} ${c.gradeId}: ${c.passed ? "passed" : "failed"}${c.report && !c.passed ? `\n${c.report}` : ""}`)
        .join("\n");
      tests.push({
        name: `${grade.lesson} · exercise ${exercise.id} (${exercise.name})`,
        number: exercise.id,
        score: exercise.points,
        max_score: exercise.maxPoints,
        status: exercise.points >= exercise.maxPoints && exercise.maxPoints > 0 ? "passed" : "failed",
        output,
        visibility: "visible",
      });
    }
  }
  return { score: round2(grades.reduce((sum, g) => sum + g.total, 0)), output: lines.join("\n"), visibility: "visible", stdout_visibility: "hidden", tests };
}

/** The Canvas gradebook import: one row per learner, one column per lesson (its total after any late penalty). */
export function canvasCsv(grades: readonly SubmissionGrade[], lessons: readonly { name: string; title: string; points: number }[]): string {
  const header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ...lessons.map((l) => `${l.name} · ${l.title}`)];
  const pointsRow = ["Points Possible", "", "", "", "", ...lessons.map((l) => formatPoints(l.points))];
  const learners = [...new Set(grades.map((g) => g.learner))];
  const rows = learners.map((learner) => {
    const cells = lessons.map((lesson) => {
      const grade = grades.find((g) => g.learner === learner && g.lesson === lesson.name);
      return grade ? formatPoints(grade.total) : "";
    });
    return [learner, "", "", learner, "", ...cells];
  });
  return csv([header, pointsRow, ...rows]);
}
