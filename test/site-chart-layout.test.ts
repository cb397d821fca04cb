/**
 * The exported site in headless Chromium: every chart title fits inside its chart (long titles
 * are broken into lines), and Plotly's toolbar covers neither a title nor a slider's label.
 * Lessons 2 (two sliders) and 6 (the longest title), student site, at a laptop's and a phone's width.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSite, type ExportResult } from "../src/course/export";
import { findChromium, openBrowser, requireTool, screenshot, waitForPlots, type BrowserSession } from "./helpers/browser";

const root = path.resolve(__dirname, "..");
const enabled = requireTool("Chromium", findChromium(), "apt-get install -y chromium");

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe.skipIf(!enabled)("charts on the exported site", () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-site-layout-"));
  let site: ExportResult;
  beforeAll(async () => {
    site = await exportSite({ root, outDir: path.join(temp, "site"), buildDir: path.join(temp, "build"), lessons: ["02", "06"], cellTimeoutMs: 600_000 });
  }, 1_200_000);
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  for (const width of [1200, 480]) {
    it(`keeps titles inside the chart and the toolbar off titles and slider labels (${width} px)`, async () => {
      const browser: BrowserSession = await openBrowser({ width, height: 900 });
      try {
        for (const lesson of site.lessons) {
          await browser.page.goto(pathToFileURL(lesson.page).href, { waitUntil: "load" });
          await waitForPlots(browser.page, lesson.charts, { timeoutMs: 60_000 });
          const report = await browser.page.evaluate(() => {
            const box = (el: Element | null): Box | null => {
              if (!el) return null;
              const r = el.getBoundingClientRect();
              return { x: r.x, y: r.y, width: r.width, height: r.height };
            };
            return Array.from(document.querySelectorAll(".js-plotly-plot")).map((plot) => ({
              plot: box(plot.querySelector(".main-svg"))!,
              title: box(plot.querySelector(".gtitle")),
              toolbar: box(plot.querySelector(".modebar")),
              labels: Array.from(plot.querySelectorAll(".slider-group .slider-current-value, .gtitle")).map((el) => box(el)!),
            }));
          });
          const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
          expect(report.length).toBe(lesson.charts);
          for (const [i, chart] of report.entries()) {
            const where = `${lesson.lesson.name} chart ${i + 1} at ${width} px`;
            if (chart.title) {
              expect(chart.title.x, `${where}: title starts inside`).toBeGreaterThanOrEqual(chart.plot.x - 1);
              expect(chart.title.x + chart.title.width, `${where}: title ends inside`).toBeLessThanOrEqual(chart.plot.x + chart.plot.width + 1);
              expect(chart.title.y, `${where}: title below the top`).toBeGreaterThanOrEqual(chart.plot.y - 1);
            }
            if (chart.toolbar) for (const label of chart.labels) expect(overlap(chart.toolbar, label), `${where}: toolbar over a title or slider label`).toBe(false);
          }
          await screenshot(browser.page, `site-layout-${lesson.lesson.name}-${width}`);
          expect(browser.consoleErrors).toEqual([]);
        }
      } finally {
        await browser.close();
      }
    }, 300_000);
  }
});
