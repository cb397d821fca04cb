/**
 * Jupyter's on-disk convention for outputs (nbformat's split_lines on write): stream text and
 * text-like MIME data are stored as arrays of lines. Applied to executed notebooks before saving
 * so files match what `jupyter nbconvert --execute` writes.
 */
import { type MimeBundle, type Notebook, type Output, splitLines } from "../notebook/nbformat";

const SPLIT_NON_TEXT = new Set(["application/javascript", "image/svg+xml"]);

function splitBundle(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    const splittable = mime !== "application/json" && (mime.startsWith("text/") || SPLIT_NON_TEXT.has(mime));
    out[mime] = splittable && typeof value === "string" ? splitLines(value) : value;
  }
  return out;
}

function splitOutputLines(output: Output): Output {
  switch (output.output_type) {
    case "stream":
      return typeof output.text === "string" ? { ...output, text: splitLines(output.text) } : output;
    case "display_data":
    case "execute_result":
      return { ...output, data: splitBundle(output.data) };
    default:
      return output;
  }
}

/** Returns a copy of the notebook with every code cell's outputs in line-array form. */
export function withJupyterOutputLines(notebook: Notebook): Notebook {
  return {
    ...notebook,
    cells: notebook.cells.map((cell) => (cell.cell_type === "code" ? { ...cell, outputs: cell.outputs.map(splitOutputLines) } : cell)),
  };
}
