/**
 * Lesson → nbformat 4.5 notebook, student or instructor variant.
 *
 * Student: instructor-only cells (hidden tests, `{instructor}` code, instructor Markdown) are left
 * out and solution regions become stubs. Instructor: every cell, solutions included.
 * Both: a generated title cell, stable cell ids, nbgrader metadata, no outputs.
 */
import * as path from "node:path";
import { KERNELSPEC_METADATA, LANGUAGE_INFO_METADATA } from "../notebook/kernel-metadata";
import {
  NBFORMAT,
  NBFORMAT_MINOR,
  splitLines,
  type Cell,
  type CellMetadata,
  type CodeCell,
  type MarkdownCell,
  type NbgraderCellMetadata,
  type Notebook,
  type NotebookMetadata,
} from "../notebook/nbformat";
import { codeCellMetadata, type BnlabCellMetadata, type BnlabNotebookMetadata, type Variant } from "./bnlab-metadata";
import { assignCellIds, headerCellId, type CellIds } from "./cell-ids";
import { cellsSha256 } from "./cells-hash";
import { sha256 } from "./hashing";
import { headerMarkdown } from "./header-cell";
import { NOTEBOOKS_DIR, rebaseRelativeImports, toPosix } from "./import-paths";
import { isInstructorOnly, type CodeLessonCell, type Lesson, type LessonCell } from "./model";
import { stubSolutions } from "./solution-regions";

export interface RenderOptions {
  variant: Variant;
  /** The project root: `<root>/src` is the library, `<root>/notebooks` the default output. */
  root: string;
  /** Path of the lesson file (for the metadata; made relative to root). */
  sourceFile: string;
  /** The lesson file's text (its sha256 goes into the metadata). */
  sourceText: string;
  /** The folder the notebook will be written to; relative imports are rebased for it. */
  outDir: string;
}

/** A notebook as renderNotebook makes it: its bnlab metadata block is always there. */
export type GeneratedNotebook = Notebook & { metadata: NotebookMetadata & { bnlab: BnlabNotebookMetadata } };

export function renderNotebook(lesson: Lesson, options: RenderOptions): GeneratedNotebook {
  const root = path.resolve(options.root);
  const outDir = path.resolve(options.outDir);
  const rebase = (source: string): string => rebaseRelativeImports(source, path.join(root, NOTEBOOKS_DIR), outDir);
  const ids = assignCellIds(lesson, options.sourceFile);

  const cells: Cell[] = [headerCell(lesson)];
  lesson.cells.forEach((cell, index) => {
    if (options.variant === "student" && isInstructorOnly(cell)) return;
    cells.push(renderCell(cell, ids[index], options.variant, rebase));
  });

  const bnlab: BnlabNotebookMetadata = {
    format: 1,
    lesson: lesson.name,
    source: toPosix(path.relative(root, path.resolve(options.sourceFile))),
    source_sha256: sha256(options.sourceText),
    variant: options.variant,
    dir: toPosix(path.relative(root, outDir)) || ".",
    cells_sha256: cellsSha256(cells),
    front_matter: lesson.frontMatter,
  };
  return {
    nbformat: NBFORMAT,
    nbformat_minor: NBFORMAT_MINOR,
    metadata: { bnlab, kernelspec: { ...KERNELSPEC_METADATA }, language_info: { ...LANGUAGE_INFO_METADATA } },
    cells,
  };
}

function headerCell(lesson: Lesson): MarkdownCell {
  const bnlab: BnlabCellMetadata = { role: "header" };
  return {
    cell_type: "markdown",
    id: headerCellId(lesson),
    metadata: { bnlab, deletable: false, editable: false },
    source: splitLines(headerMarkdown(lesson.frontMatter, lesson.number)),
  };
}

function renderCell(cell: LessonCell, ids: CellIds, variant: Variant, rebase: (s: string) => string): Cell {
  if (cell.type === "markdown") {
    const metadata: CellMetadata = cell.instructorOnly ? { bnlab: { role: "instructor" } } : {};
    return { cell_type: "markdown", id: ids.cellId, metadata, source: splitLines(cell.source) };
  }
  const role = cell.role;
  const source = variant === "student" && role.kind === "exercise" ? stubSolutions(cell.source, role.name, role.exercise) : cell.source;
  const code: CodeCell = {
    cell_type: "code",
    execution_count: null,
    id: ids.cellId,
    metadata: codeMetadata(cell, ids),
    outputs: [],
    source: splitLines(rebase(source)),
  };
  return code;
}

function codeMetadata(cell: CodeLessonCell, ids: CellIds): CellMetadata {
  const metadata: CellMetadata = {};
  const bnlab = codeCellMetadata(cell.role, cell.language, cell.id);
  if (bnlab) metadata.bnlab = bnlab;
  const nbgrader = nbgraderMetadata(cell, ids.gradeId);
  if (nbgrader) metadata.nbgrader = nbgrader;
  if (nbgrader?.locked) {
    metadata.editable = false;
    metadata.deletable = false;
  }
  return metadata;
}

/** nbgrader schema 3: solution cells, autograder tests (check/test) and read-only cells. */
function nbgraderMetadata(cell: CodeLessonCell, gradeId: string | undefined): NbgraderCellMetadata | undefined {
  if (gradeId === undefined) return undefined;
  const base = { grade_id: gradeId, schema_version: 3 as const, task: false };
  switch (cell.role.kind) {
    case "exercise":
      return { ...base, grade: false, locked: false, solution: true };
    case "check":
    case "test":
      return { ...base, grade: true, locked: true, points: cell.role.points ?? 1, solution: false };
    case "locked":
      return { ...base, grade: false, locked: true, solution: false };
    default:
      return undefined;
  }
}
