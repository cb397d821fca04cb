/**
 * The fingerprint of a notebook's content: cell types and sources only. Outputs, execution counts,
 * metadata and cell ids do not count (running a notebook is not editing it), and neither do empty
 * cells or blank lines around Markdown (import drops those, so they carry nothing to lose).
 */
import { joinSource, type Cell } from "../notebook/nbformat";
import { sha256 } from "./hashing";

export function cellsSha256(cells: readonly Cell[]): string {
  const content = cells
    .map((cell): [string, string] => [cell.cell_type, normalizeSource(cell.cell_type, joinSource(cell.source))])
    .filter(([, source]) => source.trim() !== "");
  return sha256(JSON.stringify(content));
}

/** Markdown loses blank lines at either end (as the lesson parser does); code stays as it is. */
export function normalizeSource(cellType: Cell["cell_type"], source: string): string {
  if (cellType !== "markdown") return source;
  const lines = source.split("\n");
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.join("\n");
}
