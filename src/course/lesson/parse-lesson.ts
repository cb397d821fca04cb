/**
 * Lesson source → Lesson model, using markdown-it's block tokens: only top-level TypeScript fences
 * and the marker comments are structure; every other line is kept verbatim as Markdown, sliced
 * from the source by the tokens' line maps (nothing is re-rendered).
 */
import MarkdownIt from "markdown-it";
import { parseFenceInfo, isTypeScriptInfo } from "./fence-attributes";
import { parseFrontMatter } from "./front-matter";
import { LessonError } from "./lesson-error";
import { lessonName, lessonNumber } from "./lesson-name";
import { CELL_BREAK, INSTRUCTOR_BEGIN, INSTRUCTOR_END, markerOf, type Marker } from "./markers";
import type { CodeLessonCell, FrontMatter, Lesson, LessonCell } from "./model";
import { findSolutionRegions, hasSolutionMarkers, RegionError } from "./solution-regions";

type Token = MarkdownIt.Token;

/** A structural element found by markdown-it, with 0-based [start, end) line range in the file. */
type Structure =
  | { kind: "code"; start: number; end: number; token: Token }
  | { kind: "marker"; start: number; end: number; marker: Marker };

const markdown = new MarkdownIt({ html: true });

/**
 * Parse a lesson. `file` names the source in error messages and gives the lesson its name
 * (`lessons/01-normalize.md` → `01-normalize`). Throws LessonError on malformed input.
 */
export function parseLesson(source: string, file: string): Lesson {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  const { frontMatter, bodyStart } = readFrontMatter(lines, file);
  const body = lines.slice(bodyStart).join("\n");
  const structures = findStructures(markdown.parse(body, {}), bodyStart, file);

  const cells: LessonCell[] = [];
  let cursor = bodyStart;
  let region: { line: number; cells: number } | null = null;
  const addMarkdown = (start: number, end: number): void => {
    const cell = markdownCell(lines, start, end, region !== null);
    if (cell) {
      cells.push(cell);
      if (region) region.cells++;
    }
  };
  for (const structure of structures) {
    addMarkdown(cursor, structure.start);
    cursor = structure.end;
    const line = structure.start + 1;
    if (structure.kind === "code") {
      if (region) {
        throw new LessonError(file, line, `code cells cannot sit inside ${INSTRUCTOR_BEGIN}; use \`\`\`ts {instructor} outside the region`);
      }
      cells.push(codeCell(structure.token, line, file));
    } else if (structure.marker === INSTRUCTOR_BEGIN) {
      if (region) throw new LessonError(file, line, `${INSTRUCTOR_BEGIN} inside another one (opened on line ${region.line})`);
      region = { line, cells: 0 };
    } else if (structure.marker === INSTRUCTOR_END) {
      if (!region) throw new LessonError(file, line, `${INSTRUCTOR_END} without ${INSTRUCTOR_BEGIN}`);
      if (region.cells !== 1) throw new LessonError(file, region.line, `an instructor region must hold some Markdown`);
      region = null;
    } else if (region) {
      throw new LessonError(file, line, `${CELL_BREAK} inside an instructor region; close it and open another one`);
    }
  }
  addMarkdown(cursor, lines.length);
  if (region) throw new LessonError(file, region.line, `${INSTRUCTOR_BEGIN} is never closed with ${INSTRUCTOR_END}`);

  const name = lessonName(file);
  return { name, number: lessonNumber(name), frontMatter, cells };
}

function readFrontMatter(lines: string[], file: string): { frontMatter: FrontMatter; bodyStart: number } {
  if (lines[0] !== "---") throw new LessonError(file, 1, `a lesson starts with front matter: a "---" line, "title: ...", "---"`);
  const close = lines.indexOf("---", 1);
  if (close < 0) throw new LessonError(file, 1, `front matter is never closed with a "---" line`);
  return { frontMatter: parseFrontMatter(lines.slice(1, close), file, 2), bodyStart: close + 1 };
}

function findStructures(tokens: Token[], offset: number, file: string): Structure[] {
  const structures: Structure[] = [];
  for (const token of tokens) {
    if (!token.block || token.level !== 0 || !token.map || token.nesting === -1) continue;
    const start = token.map[0] + offset;
    const end = token.map[1] + offset;
    if (token.type === "fence" && isTypeScriptInfo(token.info)) {
      let isStatic: boolean;
      try {
        isStatic = parseFenceInfo(token.info).isStatic;
      } catch (error) {
        throw new LessonError(file, start + 1, (error as Error).message);
      }
      if (!isStatic) structures.push({ kind: "code", start, end, token });
    } else if (token.type === "html_block") {
      const marker = markerOf(token.content);
      if (marker) structures.push({ kind: "marker", start, end, marker });
    }
  }
  return structures;
}

/** The Markdown between two structures, minus blank lines at either end; null when blank. */
function markdownCell(lines: string[], start: number, end: number, instructorOnly: boolean): LessonCell | null {
  let first = start;
  let last = end;
  while (first < last && lines[first].trim() === "") first++;
  while (last > first && lines[last - 1].trim() === "") last--;
  if (first === last) return null;
  return { type: "markdown", instructorOnly, source: lines.slice(first, last).join("\n"), line: first + 1 };
}

function codeCell(token: Token, line: number, file: string): CodeLessonCell {
  const { language, role, id } = parseFenceInfo(token.info);
  const source = token.content.endsWith("\n") ? token.content.slice(0, -1) : token.content;
  try {
    const regions = findSolutionRegions(source);
    if (role.kind === "exercise" && regions.length === 0) {
      throw new RegionError(0, `exercise ${role.exercise} has no "// BEGIN SOLUTION" … "// END SOLUTION" region`);
    }
    if (role.kind !== "exercise" && hasSolutionMarkers(source)) {
      throw new RegionError(regions[0]?.begin ?? 0, `solution regions belong in exercise cells: add {exercise="…" name="…"} to the fence`);
    }
  } catch (error) {
    if (error instanceof RegionError) throw new LessonError(file, line + 1 + error.lineIndex, error.message);
    throw error;
  }
  const cell: CodeLessonCell = { type: "code", role, language, source, line };
  if (id !== undefined) cell.id = id;
  return cell;
}
