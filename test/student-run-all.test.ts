/**
 * Run All on a fresh STUDENT notebook, in the kernel Jupyter starts (the kernelspec's launcher and
 * env), without stopping at errors: every lesson reaches its end. A cell that needs an unsolved
 * exercise prints one line naming it (or the value its cell could not compute) and raises
 * nothing; every other cell runs, and every chart that does not depend on learner code is drawn.
 * The notebook saved afterwards stays small (< 1.5 MB: plotly.js is loaded from the server, not
 * carried in the outputs).
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatCellError } from "../src/course/jupyter/cell-error";
import { executeNotebook } from "../src/course/jupyter/execute-notebook";
import { expectedKernelspec, jupyterEnv } from "../src/course/jupyter/kernelspec";
import { joinSource, serializeNotebook, type CodeCell, type Notebook } from "../src/course/notebook/nbformat";
import { PLOTLY_MIME } from "./helpers/notebook-charts";

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const MAX_BYTES = 1.5 * 1024 * 1024;
const { cellNames } = createRequire(__filename)("../scripts/launcher/cell-names.cjs") as {
  cellNames(ts: unknown, source: string): { declared: Set<string>; used: Set<string> };
};
const ts = createRequire(path.join(ROOT, "node_modules", "tslab", "package.json"))("typescript");
const CHART_CALL = /\b(showFigure|liveTraining)\(/;

const files = fs.readdirSync(NOTEBOOKS).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();

function streamText(cell: CodeCell): string {
  return cell.outputs.map((o) => (o.output_type === "stream" ? joinSource(o.text) : "")).join("");
}

describe("Run All on a fresh student notebook", () => {
  it.each(files)("%s reaches the end, draws what does not need learner code, and saves small", async (file) => {
    const input = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, file), "utf8")) as Notebook;
    const spec = expectedKernelspec(ROOT);
    const { notebook, errors } = await executeNotebook(input, {
      cwd: NOTEBOOKS,
      env: { ...jupyterEnv(), ...spec.env },
      argv: spec.argv,
      allowErrors: true,
      cellTimeoutMs: 900_000,
      startTimeoutMs: 240_000,
    });
    expect(errors.map((e) => formatCellError(e, file))).toEqual([]);

    const exercises = new Map<string, string>(); // function name → exercise id
    for (const cell of notebook.cells) {
      const meta = cell.metadata.bnlab as { role?: string; name?: string; exercise?: string } | undefined;
      if (meta?.role === "exercise" && meta.name && meta.exercise) exercises.set(meta.name, meta.exercise);
    }
    expect(exercises.size).toBeGreaterThan(0);
    const needsLearner = new Set<string>(exercises.keys()); // exercise functions and what skipped cells declare
    let drawn = 0;
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const source = joinSource(cell.source);
      const names = cellNames(ts, source);
      expect(cell.outputs.filter((o) => o.output_type === "error"), `cell ${index}`).toEqual([]);
      const out = streamText(cell);
      const skipped = /⏭ Skipped: /.exec(out);
      if (skipped) {
        // one line, naming an exercise of this lesson, in a cell that does use learner code
        const line = out.slice(skipped.index).trim();
        expect(line.split("\n"), `cell ${index}`).toHaveLength(1);
        const named = /Exercise (\S+) \((\w+)\)/.exec(line);
        expect(named && exercises.get(named[2]), `cell ${index}: ${line}`).toBe(named?.[1]);
        expect([...names.used].some((n) => needsLearner.has(n)), `cell ${index} was skipped but uses no learner code`).toBe(true);
        for (const name of names.declared) needsLearner.add(name);
        continue;
      }
      const charts = cell.outputs.filter((o) => (o.output_type === "display_data" || o.output_type === "execute_result") && PLOTLY_MIME in o.data).length;
      if (CHART_CALL.test(source) && !/\bif \(FULL_RUN\)/.test(source)) expect(charts, `cell ${index} draws no chart`).toBeGreaterThan(0);
      drawn += charts;
    }
    const bytes = Buffer.byteLength(serializeNotebook(notebook), "utf8");
    console.log(`${file}: ${drawn} charts drawn, ${(bytes / 1024).toFixed(0)} KB saved`);
    expect(bytes).toBeLessThan(MAX_BYTES);
    fs.mkdirSync(path.join(ROOT, "test-artifacts", "student-run-all"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "test-artifacts", "student-run-all", file), serializeNotebook(notebook));
  }, 1_200_000);
});
