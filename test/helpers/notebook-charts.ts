/** Test helper: what a notebook should show, counted from the notebook itself (not from a renderer). */
import * as fs from "node:fs";
import { joinSource, type Notebook } from "../../src/course/notebook/nbformat";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

/** Chart outputs: display_data / execute_result carrying the Plotly JSON type. */
export function chartOutputs(notebook: Notebook): number {
  let n = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    for (const output of cell.outputs) {
      if ((output.output_type === "display_data" || output.output_type === "execute_result") && PLOTLY_MIME in output.data) n++;
    }
  }
  return n;
}

/** Error outputs in the notebook. */
export function errorOutputs(notebook: Notebook): number {
  return notebook.cells.reduce((n, cell) => n + (cell.cell_type === "code" ? cell.outputs.filter((o) => o.output_type === "error").length : 0), 0);
}

/** Markdown cells that contain TeX ($…$ or $$…$$). */
export function hasMath(notebook: Notebook): boolean {
  return notebook.cells.some((cell) => cell.cell_type === "markdown" && /\$[^$]+\$/.test(joinSource(cell.source)));
}

export interface PlotlyFigureJson {
  data: { x?: unknown[]; y?: unknown[]; z?: unknown[] }[];
  layout?: unknown;
}

/** The Plotly JSON of each chart output, in order. */
export function chartFigures(notebook: Notebook): PlotlyFigureJson[] {
  const figures: PlotlyFigureJson[] = [];
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    for (const output of cell.outputs) {
      if ((output.output_type === "display_data" || output.output_type === "execute_result") && PLOTLY_MIME in output.data) {
        figures.push(output.data[PLOTLY_MIME] as unknown as PlotlyFigureJson);
      }
    }
  }
  return figures;
}

/** The number of points of a trace (x, else z, else y). */
export function tracePoints(trace: { x?: unknown[]; y?: unknown[]; z?: unknown[] }): number {
  return (trace.x ?? trace.z ?? trace.y ?? []).length;
}
