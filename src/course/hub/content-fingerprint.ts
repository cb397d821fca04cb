/**
 * What "the learner edited this file" compares: a notebook's cell types and sources (outputs,
 * execution counts and metadata do not count, so running a lesson is not editing it), any other
 * file's bytes. A notebook that is not valid JSON is compared by its bytes.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { cellsSha256 } from "../lesson/cells-hash";
import type { Cell } from "../notebook/nbformat";

export function contentFingerprint(file: string): string {
  const bytes = fs.readFileSync(file);
  if (file.endsWith(".ipynb")) {
    const cells = notebookCells(bytes.toString("utf8"));
    if (cells) return `cells:${cellsSha256(cells)}`;
  }
  return `bytes:${createHash("sha256").update(bytes).digest("hex")}`;
}

function notebookCells(text: string): Cell[] | null {
  try {
    const notebook = JSON.parse(text) as { cells?: unknown };
    return Array.isArray(notebook.cells) ? (notebook.cells as Cell[]) : null;
  } catch {
    return null;
  }
}
