/**
 * The chart layer in a real tslab kernel, through the notebook runner: showFigure's single
 * display_data with three MIME types, plotly.js once per session, and liveTraining's
 * update_display_data (the saved outputs hold the final state).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { executeNotebook } from "../src/course/jupyter";
import { projectRoot } from "../src/course/jupyter/project-root";
import type { CodeCell, DisplayDataOutput, Notebook, Output } from "../src/course/notebook/nbformat";

const PLOTLY = "application/vnd.plotly.v1+json";

function notebook(cells: string[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((source, i): CodeCell => ({ cell_type: "code", id: `charts-${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  } as Notebook;
}

function displays(outputs: Output[]): DisplayDataOutput[] {
  return outputs.filter((o): o is DisplayDataOutput => o.output_type === "display_data");
}

const html = (o: DisplayDataOutput): string => String(([] as string[]).concat(o.data["text/html"] as string | string[]).join(""));
const plain = (o: DisplayDataOutput): string => String(([] as string[]).concat(o.data["text/plain"] as string | string[]).join(""));

describe("charts in a real tslab kernel", () => {
  it("shows figures with three MIME types, sends plotly.js once, and updates live charts in place", async () => {
    const nb = notebook([
      'import { lineChart, showFigure, liveTraining } from "./src/index"; // the whole library, as lessons import it',
      'const fig = lineChart([{ name: "with BN", method: "BatchNorm", x: [1, 2, 3], y: [2.3, 1.1, 0.5] }], { title: "Loss", xTitle: "step", yTitle: "loss" });\nshowFigure(fig);',
      "showFigure(fig);",
      "const live = liveTraining({ name: \"run\", method: \"bn\", throttleMs: 20 });\nconst t0 = Date.now();\nfor (let step = 1; step <= 200; step++) {\n  const until = Date.now() + 1;\n  while (Date.now() < until) {}\n  live.onStep({ step, totalSteps: 200, loss: 1 / step, batchAccuracy: step / 200 });\n}\nconsole.log(`draws ${live.draws} in ${Date.now() - t0} ms`);",
    ]);
    const { notebook: out, errors } = await executeNotebook(nb, { cwd: projectRoot(), cellTimeoutMs: 120_000 });
    expect(errors).toEqual([]);
    const cell = (i: number) => out.cells[i] as CodeCell;
    expect(cell(0).outputs).toEqual([]);

    const [first] = displays(cell(1).outputs);
    expect(cell(1).outputs).toHaveLength(1);
    expect(Object.keys(first.data).sort()).toEqual([PLOTLY, "text/html", "text/plain"]);
    expect(plain(first)).toBe("Loss [1 trace: with BN]");
    expect(html(first)).toContain("plotly.js, bundled by bnlab"); // a loader that fetches it from the server…
    expect(html(first)).toContain('"node_modules/plotly.js-dist-min/plotly.min.js"'); // relative to the notebook's folder (the project here)
    expect(html(first)).not.toContain(path.resolve(__dirname, "..")); // no absolute path of this machine
    expect(html(first).length).toBeLessThan(20_000); // …not plotly.js itself
    expect((first.data[PLOTLY] as { data: { name: string }[] }).data[0].name).toBe("with BN");

    const [second] = displays(cell(2).outputs);
    expect(cell(2).outputs).toHaveLength(1);
    expect(Object.keys(second.data).sort()).toEqual([PLOTLY, "text/html", "text/plain"]);
    expect(html(second).length).toBeLessThan(20_000);
    expect(html(second)).not.toContain("plotly.js, bundled by bnlab");

    // live: plotly.js is already on the page, so two displays, each rewritten in place by updates
    const live = displays(cell(3).outputs);
    expect(live).toHaveLength(2);
    const [, drawsText, elapsedText] = /draws (\d+) in (\d+) ms/.exec(JSON.stringify(cell(3).outputs))!;
    const draws = Number(drawsText), elapsedMs = Number(elapsedText);
    expect(draws).toBeGreaterThan(2);
    // throttled: at most one redraw per 20 ms of the loop's own wall time (plus the first and the last),
    // however slow a loaded machine makes the 200 steps
    expect(draws).toBeLessThanOrEqual(Math.floor(elapsedMs / 20) + 2);
    expect(plain(live[0])).toMatch(/^done: 200 steps in .* · loss 0\.005 · batch acc 100\.0% · \d+ steps\/s$/);
    const fig = live[1].data[PLOTLY] as { data: { name: string; x: number[] }[] };
    expect(fig.data.find((t) => t.name === "run (train loss)")!.x.at(-1)).toBe(200);
  });
});
