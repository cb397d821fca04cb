/**
 * Types for Jupyter notebooks in nbformat 4.5 (the version that introduced cell ids).
 *
 * Reference: https://nbformat.readthedocs.io/en/latest/format_description.html
 * and the JSON schema nbformat.v4.5.schema.json. Only what bnlab reads or writes is modelled
 * precisely; open-ended metadata stays open (`[key: string]: unknown`).
 */

/** Jupyter stores multiline strings either as one string or as an array of lines (each keeping its "\n"). */
export type MultilineString = string | string[];

/** A MIME bundle: MIME type → data (text types as multiline strings, JSON types as JSON values). */
export interface MimeBundle {
  [mimeType: string]: MultilineString | JsonValue;
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface KernelSpecMetadata {
  name: string;
  display_name: string;
  language?: string;
  [key: string]: unknown;
}

export interface LanguageInfoMetadata {
  name: string;
  file_extension?: string;
  mimetype?: string;
  version?: string;
  [key: string]: unknown;
}

/** nbgrader's per-cell metadata (schema_version 3). */
export interface NbgraderCellMetadata {
  grade: boolean;
  grade_id: string;
  locked: boolean;
  points?: number;
  schema_version: 3;
  solution: boolean;
  task: boolean;
}

export interface CellMetadata {
  nbgrader?: NbgraderCellMetadata;
  tags?: string[];
  editable?: boolean;
  deletable?: boolean;
  [key: string]: unknown;
}

export interface NotebookMetadata {
  kernelspec?: KernelSpecMetadata;
  language_info?: LanguageInfoMetadata;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Outputs

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: { [key: string]: unknown };
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: { [key: string]: unknown };
  transient?: { display_id?: string; [key: string]: unknown };
}

interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = ExecuteResultOutput | DisplayDataOutput | StreamOutput | ErrorOutput;

/** The text of the `name` stream outputs, joined. */
export function streamText(outputs: readonly Output[], name: "stdout" | "stderr"): string {
  return outputs.map((o) => (o.output_type === "stream" && o.name === name ? joinSource(o.text) : "")).join("");
}

// ---------------------------------------------------------------------------------------------
// Cells

interface CellBase {
  /** 1–64 characters of [a-zA-Z0-9-_]; required from nbformat 4.5 on. */
  id: string;
  metadata: CellMetadata;
  source: MultilineString;
}

export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
}

interface RawCell extends CellBase {
  cell_type: "raw";
}

export interface CodeCell extends CellBase {
  cell_type: "code";
  execution_count: number | null;
  outputs: Output[];
}

export type Cell = MarkdownCell | RawCell | CodeCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
}

export const NBFORMAT = 4;
export const NBFORMAT_MINOR = 5;

/** Join a multiline string into one string. */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** Split text into lines the way Jupyter stores them: every line but the last keeps its "\n". */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n").map((line, i, all) => (i < all.length - 1 ? line + "\n" : line));
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Serialize a notebook exactly as Jupyter's nbformat.write does: outputs in its on-disk form
 * (split_lines: stream text and text-like MIME data as arrays of lines), then
 * `json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)` plus a trailing newline.
 * Object keys are sorted (code-point order, as Python sorts str keys), non-ASCII kept literally.
 */
export function serializeNotebook(notebook: Notebook): string {
  const cells = notebook.cells.map((cell) => (cell.cell_type === "code" ? { ...cell, outputs: cell.outputs.map(outputLines) } : cell));
  return JSON.stringify(sortKeys({ ...notebook, cells }), null, 1) + "\n";
}

/** MIME types nbformat splits into lines besides text/* (application/json is data, not text). */
const SPLIT_NON_TEXT = new Set(["application/javascript", "image/svg+xml"]);

function outputLines(output: Output): Output {
  switch (output.output_type) {
    case "stream":
      return typeof output.text === "string" ? { ...output, text: splitLines(output.text) } : output;
    case "display_data":
    case "execute_result": {
      const data: MimeBundle = {};
      for (const [mime, value] of Object.entries(output.data)) {
        const splittable = mime !== "application/json" && (mime.startsWith("text/") || SPLIT_NON_TEXT.has(mime));
        data[mime] = splittable && typeof value === "string" ? splitLines(value) : value;
      }
      return { ...output, data };
    }
    default:
      return output;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted: { [key: string]: unknown } = {};
    for (const key of Object.keys(value).sort(compareCodePoints)) {
      const child = (value as { [key: string]: unknown })[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
}

function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
