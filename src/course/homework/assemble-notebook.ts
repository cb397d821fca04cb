/**
 * Stage 1 of grading: the notebook the kernel runs. Our cells from the lesson's Markdown source,
 * the learner's exercise cells in their places, and for every check or hidden test a collection
 * cell of ours (collection.ts), run on the inputs of the learner's seed, whose data the grader judges; a hidden test's own cell runs after it
 * (it can only take the point away). Instructor-only cells are left out. `roles` maps each cell
 * back to the lesson.
 */
import { NBFORMAT, NBFORMAT_MINOR, splitLines, type CodeCell, type Notebook } from "../notebook/nbformat";
import { collectionCell, findCheckerCall, type CheckerCall } from "./collection";
import type { ExtractedAnswer } from "./extract-solutions";
import type { LessonSource } from "./lesson-source";

export interface CellRole {
  /** The lesson cell this graded cell stands for. */
  lessonIndex: number;
  /** Set for a collection cell: the exercise it collects and the learner's function expression. */
  collect?: CheckerCall;
}

export interface AssembledNotebook {
  notebook: Notebook;
  roles: CellRole[];
  /** The learner's seed the collection cells draw their inputs from (the judge needs it too). */
  seed: string;
}

export function assembleNotebook(source: LessonSource, answers: readonly ExtractedAnswer[], seed: string): AssembledNotebook {
  const answerAt = new Map(answers.map((answer) => [answer.exercise.index, answer]));
  const cells: CodeCell[] = [];
  const roles: CellRole[] = [];
  const push = (id: string, code: string, role: CellRole): void => {
    cells.push({ cell_type: "code", execution_count: null, id, metadata: {}, outputs: [], source: splitLines(code) });
    roles.push(role);
  };
  source.lesson.cells.forEach((cell, index) => {
    if (cell.type !== "code" || cell.role.kind === "instructor") return;
    const answer = answerAt.get(index);
    if (answer) return push(`cell-${index}`, answer.source, { lessonIndex: index });
    if (cell.role.kind === "check" || cell.role.kind === "test") {
      const call = findCheckerCall(cell.source);
      if (call) {
        push(`collect-${index}`, collectionCell(call, seed), { lessonIndex: index, collect: call });
        if (cell.role.kind === "test") push(`cell-${index}`, cell.source, { lessonIndex: index });
        return;
      }
    }
    push(`cell-${index}`, cell.source, { lessonIndex: index });
  });
  return { notebook: { nbformat: NBFORMAT, nbformat_minor: NBFORMAT_MINOR, metadata: {}, cells }, roles, seed };
}
