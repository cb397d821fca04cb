/**
 * Lesson model → canonical lesson source. Canonical layout:
 *
 *     ---            front matter (canonical key order and quoting)
 *     ---
 *     <blank>
 *     cell           each cell, separated by one blank line;
 *     <blank>        two plain Markdown cells in a row get a "<!-- cell -->" line between them,
 *     <!-- cell -->  instructor Markdown is wrapped in "<!-- instructor -->" / "<!-- /instructor -->"
 *     <blank>        lines, code cells are fenced with ``` (longer if the code contains a fence)
 *     cell
 *
 * and the file ends with one newline. parseLesson ∘ printLesson is the identity on the model, and
 * printLesson ∘ parseLesson is the identity on canonical files (see canonical.ts).
 */
import { printFenceInfo } from "./fence-attributes";
import { printFrontMatter } from "./front-matter";
import { CELL_BREAK, INSTRUCTOR_BEGIN, INSTRUCTOR_END } from "./markers";
import type { CodeLessonCell, Lesson, LessonCell } from "./model";

export function printLesson(lesson: Lesson): string {
  const blocks: string[] = [];
  lesson.cells.forEach((cell, index) => {
    const previous = lesson.cells[index - 1];
    if (isPlainMarkdown(cell) && previous !== undefined && isPlainMarkdown(previous)) blocks.push(CELL_BREAK);
    blocks.push(printCell(cell));
  });
  const body = blocks.join("\n\n");
  return printFrontMatter(lesson.frontMatter) + (body === "" ? "" : "\n" + body + "\n");
}

function isPlainMarkdown(cell: LessonCell): boolean {
  return cell.type === "markdown" && !cell.instructorOnly;
}

function printCell(cell: LessonCell): string {
  if (cell.type === "code") return printCodeCell(cell);
  return cell.instructorOnly ? `${INSTRUCTOR_BEGIN}\n\n${cell.source}\n\n${INSTRUCTOR_END}` : cell.source;
}

function printCodeCell(cell: CodeLessonCell): string {
  const longestRun = Math.max(0, ...cell.source.split("\n").map((line) => /^\s*(`*)/.exec(line)?.[1].length ?? 0));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  const info = printFenceInfo(cell.language, cell.role, cell.id);
  return cell.source === "" ? `${fence}${info}\n${fence}` : `${fence}${info}\n${cell.source}\n${fence}`;
}
