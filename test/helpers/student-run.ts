/**
 * What Run All on a fresh STUDENT notebook must show, wherever it ran (npm start's kernelspec, the
 * hub, a homework release): no error output; a cell that needs an unsolved exercise prints one
 * "Skipped" line naming an exercise of the lesson (or the value its cell could not compute), and
 * only when it does use learner code; every other cell that draws a chart drew one.
 * Returns the number of charts drawn.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { expect } from "vitest";
import { joinSource, type CodeCell, type Notebook } from "../../src/course/notebook/nbformat";
import { PLOTLY_MIME } from "./notebook-charts";

const ROOT = path.resolve(__dirname, "..", "..");
const { cellNames } = createRequire(__filename)("../../scripts/launcher/cell-names.cjs") as {
  cellNames(ts: unknown, source: string): { declared: Set<string>; used: Set<string> };
};
const ts = createRequire(path.join(ROOT, "node_modules", "tslab", "package.json"))("typescript");
const CHART_CALL = /\b(showFigure|liveTraining)\(/;

function streamText(cell: CodeCell): string {
  return cell.outputs.map((o) => (o.output_type === "stream" ? joinSource(o.text) : "")).join("");
}

/** `fresh`: no exercise is solved, so the cells that use one are skipped. */
export function expectStudentRunAll(notebook: Notebook, fresh = false): number {
  const exercises = new Map<string, string>(); // function name → exercise id
  for (const cell of notebook.cells) {
    const meta = cell.metadata.bnlab as { role?: string; name?: string; exercise?: string } | undefined;
    if (meta?.role === "exercise" && meta.name && meta.exercise) exercises.set(meta.name, meta.exercise);
  }
  expect(exercises.size).toBeGreaterThan(0);
  const needsLearner = new Set<string>(exercises.keys()); // exercise functions and what skipped cells declare
  let drawn = 0;
  let skippedCells = 0;
  let needingCells = 0; // cells other than the exercises and their checks that use learner code
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    const source = joinSource(cell.source);
    const names = cellNames(ts, source);
    const role = (cell.metadata.bnlab as { role?: string } | undefined)?.role;
    if (role !== "exercise" && role !== "check" && [...names.used].some((n) => needsLearner.has(n) && !names.declared.has(n))) needingCells++;
    expect(cell.outputs.filter((o) => o.output_type === "error"), `cell ${index}`).toEqual([]);
    const out = streamText(cell);
    const skipped = /Skipped: /.exec(out);
    if (skipped) {
      // one line, naming an exercise of this lesson, in a cell that does use learner code
      const line = out.slice(skipped.index).trim();
      expect(line.split("\n"), `cell ${index}`).toHaveLength(1);
      const named = /Exercise (\S+) \((\w+)\)/.exec(line);
      expect(named && exercises.get(named[2]), `cell ${index}: ${line}`).toBe(named?.[1]);
      expect([...names.used].some((n) => needsLearner.has(n)), `cell ${index} was skipped but uses no learner code`).toBe(true);
      for (const name of names.declared) needsLearner.add(name);
      skippedCells++;
      continue;
    }
    const charts = cell.outputs.filter((o) => (o.output_type === "display_data" || o.output_type === "execute_result") && PLOTLY_MIME in o.data).length;
    if (CHART_CALL.test(source) && !/\bif \(FULL_RUN\)/.test(source)) expect(charts, `cell ${index} draws no chart`).toBeGreaterThan(0);
    drawn += charts;
  }
  // A skipped cell uses learner code (checked above). On a fresh notebook some cell that uses an exercise says so; a
  // cell that only uses a value a skipped cell could not compute may say it in its own words.
  expect(skippedCells).toBeLessThanOrEqual(needingCells);
  if (fresh && needingCells > 0) expect(skippedCells, "a fresh notebook's cells that use its exercises say Skipped").toBeGreaterThan(0);
  return drawn;
}
