/**
 * The learner's answers, taken out of a submitted notebook.
 *
 * What counts as the answer: the learner's **whole exercise cell**, found by its Jupyter cell id
 * or its nbgrader `grade_id` (both survive Jupyter, nbgrader and re-saving). The whole cell, not
 * only the line where the stub stood, so that a helper function written above the exercise or a
 * renamed parameter is kept. Every other cell of the submission is ignored: the grader runs our
 * lesson's own cells around these answers.
 */
import { readNotebookMetadata } from "../lesson/bnlab-metadata";
import { exerciseStub } from "../lesson/solution-regions";
import { joinSource, type MultilineString } from "../notebook/nbformat";
import type { LessonExercise, LessonSource } from "./lesson-source";

export type AnswerState = "answered" | "unchanged-stub" | "missing";

export interface ExtractedAnswer {
  exercise: LessonExercise;
  state: AnswerState;
  /** The learner's cell source (empty when missing). */
  source: string;
}

export type ExtractResult =
  | { ok: true; answers: ExtractedAnswer[]; notes: string[] }
  | { ok: false; status: "invalid-notebook" | "wrong-lesson"; reason: string };

interface LooseCell {
  cell_type?: unknown;
  id?: unknown;
  source?: unknown;
  metadata?: { nbgrader?: { grade_id?: unknown } };
}

export function extractAnswers(text: string, source: LessonSource): ExtractResult {
  let notebook: { cells?: unknown; metadata?: unknown; nbformat?: unknown };
  try {
    notebook = JSON.parse(text) as typeof notebook;
  } catch (err) {
    return { ok: false, status: "invalid-notebook", reason: `not valid JSON: ${(err as Error).message.slice(0, 80)}` };
  }
  if (notebook === null || typeof notebook !== "object" || !Array.isArray(notebook.cells) || notebook.nbformat !== 4) {
    return { ok: false, status: "invalid-notebook", reason: "not a Jupyter notebook (nbformat 4 with a list of cells)" };
  }
  const cells = (notebook.cells as unknown[]).filter((cell): cell is LooseCell => cell !== null && typeof cell === "object");
  const lessonName = source.lesson.name;
  const metadata = readNotebookMetadata(notebook.metadata);
  if (metadata && metadata.lesson !== lessonName) {
    return { ok: false, status: "wrong-lesson", reason: `this notebook is lesson ${metadata.lesson}, handed in as ${lessonName}` };
  }
  const notes: string[] = [];
  if (metadata && metadata.source_sha256 !== source.sha256) {
    notes.push("the notebook was built from an earlier version of the lesson; graded against the current one");
  }

  const answers = source.exercises.map((exercise): ExtractedAnswer => {
    const cell =
      cells.find((c) => c.cell_type === "code" && c.id === exercise.cellId) ??
      cells.find((c) => c.cell_type === "code" && c.metadata?.nbgrader?.grade_id === exercise.gradeId);
    if (!cell) return { exercise, state: "missing", source: "" };
    const code = sourceText(cell.source);
    const stub = exerciseStub(exercise.name, exercise.id);
    return { exercise, state: code.includes(stub) ? "unchanged-stub" : "answered", source: code };
  });
  if (!metadata && answers.every((answer) => answer.state === "missing")) {
    return { ok: false, status: "wrong-lesson", reason: `none of the exercise cells of ${lessonName} is in this notebook` };
  }
  return { ok: true, answers, notes };
}

function sourceText(source: unknown): string {
  if (typeof source === "string") return source;
  if (Array.isArray(source) && source.every((line) => typeof line === "string")) return joinSource(source as MultilineString);
  return "";
}
