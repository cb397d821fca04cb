/**
 * The in-memory model of a lesson source file (`lessons/NN-slug.md`).
 * See docs/lesson-format.md for the syntax that produces it.
 */

/** A front-matter value: the YAML subset bnlab understands (see front-matter.ts). */
export type FrontMatterValue = string | number | boolean | string[];

/** Front matter in source order. `title` is required; `objectives` and `minutes` are conventional. */
export type FrontMatter = { title: string } & { [key: string]: FrontMatterValue };

/** What a code cell is for. Set with attributes on the fence: ```ts {exercise="1.1" name="normalize"}``` */
export type CodeCellRole =
  /** An ordinary runnable cell. */
  | { kind: "plain" }
  /** A solution cell: its `// BEGIN SOLUTION` … `// END SOLUTION` regions are stubbed for students. */
  | { kind: "exercise"; exercise: string; name: string; points?: number }
  /** A visible, locked check cell that grades an exercise. */
  | { kind: "check"; exercise?: string; points?: number }
  /** A hidden test cell: in the instructor/grader notebook only. */
  | { kind: "test"; exercise?: string; points?: number }
  /** Instructor-only code (e.g. the answer to a practice question). */
  | { kind: "instructor" }
  /** A read-only cell. */
  | { kind: "locked" };

export type CodeCellKind = CodeCellRole["kind"];

/** The language word on the fence; `ts` is canonical, `typescript` is kept if the author wrote it. */
export type FenceLanguage = "ts" | "typescript";

export interface CodeLessonCell {
  type: "code";
  role: CodeCellRole;
  /** Explicit stable id (`id="..."` attribute), if any. */
  id?: string;
  language: FenceLanguage;
  /** The code between the fences, without the final newline. */
  source: string;
  /** 1-based line of the opening fence in the lesson file (0 when not from a file). */
  line: number;
}

export interface MarkdownLessonCell {
  type: "markdown";
  /** True for an `<!-- instructor -->` … `<!-- /instructor -->` region. */
  instructorOnly: boolean;
  /** Verbatim Markdown, without leading or trailing blank lines. */
  source: string;
  line: number;
}

export type LessonCell = CodeLessonCell | MarkdownLessonCell;

export interface Lesson {
  /** File name without `.md`, e.g. `01-normalize`. */
  name: string;
  /** The `NN` prefix as a number (1 for `01-normalize`), or null when the name has none. */
  number: number | null;
  frontMatter: FrontMatter;
  cells: LessonCell[];
}

/** True for cells the student notebook leaves out. */
export function isInstructorOnly(cell: LessonCell): boolean {
  if (cell.type === "markdown") return cell.instructorOnly;
  return cell.role.kind === "test" || cell.role.kind === "instructor";
}
