/**
 * Course charts as Chromium draws them with the course's plotly.js: what a learner reads on the
 * axes. A log axis labels its ticks as whole numbers (not Plotly's bare digits between decades,
 * "2 3 … 9 10 2 3"); lesson 8's with/without heatmap labels its rows "without BN" and "with BN";
 * no axis title runs over the chart's title, however long it is or however short the chart.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heatmapFigure, lineChart } from "../src/charts";
import type { Figure } from "../src/charts/figure";
import { findChromium, openBrowser, requireTool, type BrowserSession } from "./helpers/browser";

const enabled = requireTool("Chromium", findChromium(), "apt-get install -y chromium");

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

describe.skipIf(!enabled)("charts drawn in Chromium", () => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await openBrowser({ width: 900, height: 700 });
    await browser.page.setContent('<div id="chart" style="width: 800px"></div>');
    await browser.page.addScriptTag({ path: createRequire(__filename).resolve("plotly.js-dist-min") });
  }, 60_000);
  afterAll(async () => browser?.close());

  async function draw(figure: Figure): Promise<{ xTicks: string[]; yTicks: string[]; title: Box | null; yTitle: Box | null }> {
    return browser.page.evaluate(async (fig) => {
      const plotly = (window as unknown as { Plotly: { newPlot(el: HTMLElement, data: unknown, layout: unknown): Promise<void>; purge(el: HTMLElement): void } }).Plotly;
      const el = document.getElementById("chart")!;
      plotly.purge(el);
      await plotly.newPlot(el, fig.data, fig.layout);
      const texts = (selector: string): string[] => Array.from(el.querySelectorAll(selector), (t) => t.textContent ?? "");
      const box = (selector: string): Box | null => {
        const node = el.querySelector(selector);
        if (!node) return null;
        const r = node.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
      };
      return { xTicks: texts(".xtick text"), yTicks: texts(".ytick text"), title: box(".gtitle"), yTitle: box(".ytitle") };
    }, figure as unknown as { data: unknown; layout: unknown });
  }

  it("labels log-axis ticks as whole numbers", async () => {
    const x = [2, 4, 8, 16, 32, 64, 128, 256, 512];
    const drawn = await draw(lineChart([{ name: "spread", x, y: x.map((b) => 700 / b) }], { title: "Spread against batch size", xTitle: "batch size", yTitle: "std", logX: true, logY: true }));
    for (const ticks of [drawn.xTicks, drawn.yTicks]) {
      expect(ticks.length).toBeGreaterThan(2);
      const values = ticks.map(Number);
      expect(values.every((v) => Number.isFinite(v) && v > 0), ticks.join(" ")).toBe(true);
      // increasing: no label restarts at a bare digit after a decade
      expect(values.every((v, i) => i === 0 || v > values[i - 1]), ticks.join(" ")).toBe(true);
    }
  }, 60_000);

  it("labels lesson 8's rows without BN / with BN, with no axis title over the chart's title", async () => {
    const drawn = await draw(heatmapFigure({ x: [0.01, 0.1, 1], y: ["without BN", "with BN"], z: [[0.5, 0.6, 0.1], [0.8, 0.9, 0.85]] }, { title: "Test accuracy after 60 steps", xTitle: "learning rate", zTitle: "accuracy", height: 300 }));
    expect(drawn.yTicks).toEqual(["without BN", "with BN"]);
    expect(drawn.yTitle).toBeNull();
    expect(drawn.title).not.toBeNull();
  }, 60_000);

  it("wraps a y title longer than a short chart is tall, below the chart's title", async () => {
    const drawn = await draw(heatmapFigure({ x: [0.01, 0.1], y: [0, 1], z: [[0.5, 0.6], [0.8, 0.9]] }, { title: "Test accuracy after 60 steps", xTitle: "learning rate", yTitle: "0 = without batch normalization, 1 = with BatchNorm2d after every convolution", height: 300 }));
    expect(drawn.title && drawn.yTitle).toBeTruthy();
    expect(drawn.yTitle!.top, "the y title starts below the chart's title").toBeGreaterThanOrEqual(drawn.title!.bottom);
  }, 60_000);
});
