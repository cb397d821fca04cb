/**
 * Stable ids for a lesson's cells, derived from the lesson name and each cell's role or position
 * (never from its text, so fixing a typo keeps the id). The same cell has the same id in the
 * student and the instructor notebook.
 *
 * - nbgrader `grade_id` (exercise, check, test and locked cells): the `id="..."` attribute, else
 *   `<role>-<exercise>` (`exercise-1_1`, `check-1_1`, `check-1_1-2` for a second check, ...).
 * - Jupyter cell id: `<lesson name>-<grade_id or id attribute>`, else `<lesson name>-cNN` where NN
 *   is the cell's 1-based position in the lesson; `<lesson name>-header` for the title cell.
 */
import { LessonError } from "./lesson-error";
import type { Lesson, LessonCell } from "./model";

export interface CellIds {
  cellId: string;
  gradeId?: string;
}

const MAX_ID = 64;

export function headerCellId(lesson: Lesson): string {
  return `${idPrefix(lesson)}-header`;
}

/** Ids for every cell of the lesson, in order. Throws LessonError on duplicates. */
export function assignCellIds(lesson: Lesson, file: string): CellIds[] {
  const gradeIds = new Set<string>();
  const cellIds = new Set<string>([headerCellId(lesson)]);
  return lesson.cells.map((cell, index) => {
    const gradeId = gradeIdOf(cell, gradeIds, file);
    const explicit = cell.type === "code" ? cell.id : undefined;
    const key = gradeId ?? explicit ?? `c${String(index + 1).padStart(2, "0")}`;
    const cellId = sanitize(`${idPrefix(lesson)}-${key}`).slice(0, MAX_ID);
    if (cellIds.has(cellId)) throw new LessonError(file, cell.line, `duplicate cell id "${cellId}"`);
    cellIds.add(cellId);
    return gradeId === undefined ? { cellId } : { cellId, gradeId };
  });
}

function gradeIdOf(cell: LessonCell, taken: Set<string>, file: string): string | undefined {
  if (cell.type !== "code") return undefined;
  const role = cell.role;
  if (role.kind === "plain" || role.kind === "instructor") return undefined;
  let gradeId: string;
  if (cell.id !== undefined) {
    if (taken.has(cell.id)) throw new LessonError(file, cell.line, `duplicate id "${cell.id}"`);
    gradeId = cell.id;
  } else {
    const base = sanitize(role.kind === "locked" || role.exercise === undefined ? role.kind : `${role.kind}-${role.exercise}`);
    gradeId = base;
    for (let n = 2; taken.has(gradeId); n++) gradeId = `${base}-${n}`;
  }
  taken.add(gradeId);
  return gradeId;
}

function idPrefix(lesson: Lesson): string {
  return sanitize(lesson.name).slice(0, 40);
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_");
}
