/** The runner's report of one failed cell, and its human-readable form. */
import type { ErrorInfo } from "./error-info";

export type CellErrorKind = "error" | "timeout" | "notebook-timeout" | "dead";

export interface CellError extends ErrorInfo {
  /** Index in notebook.cells (0-based, counting markdown cells too). */
  cellIndex: number;
  cellId?: string;
  kind: CellErrorKind;
  executionCount: number | null;
  /** The first lines of the cell's source. */
  sourceHead: string;
}

export function sourceHead(source: string, lines = 3): string {
  const all = source.split("\n");
  return all.slice(0, lines).join("\n") + (all.length > lines ? "\n…" : "");
}

export function formatCellError(error: CellError, notebookName?: string): string {
  const where = `${notebookName ? `${notebookName}: ` : ""}cell ${error.cellIndex}${error.cellId ? ` (id ${error.cellId})` : ""}`;
  const source = error.sourceHead
    .split("\n")
    .map((line) => `    | ${line}`)
    .join("\n");
  const detail = error.traceback.slice(0, 8).map((line) => `    ${line}`).join("\n");
  return `${where}: ${error.ename}: ${error.evalue.split("\n")[0]}\n${source}${detail ? `\n${detail}` : ""}`;
}
