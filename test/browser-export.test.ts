/**
 * The exported site in a real browser (headless Chromium from file://, no server): every page draws
 * all of its charts (rendered Plotly SVGs counted against the chart outputs of the executed notebook),
 * shows its math, logs no console error, and requests nothing but file:// URLs.
 * Screenshots: test-artifacts/export-*.png.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSite, type ExportResult } from "../src/course/export";
import { projectRoot } from "../src/course/jupyter/project-root";
import { findChromium, openBrowser, renderedPlotCount, requireTool, screenshot, waitForPlots, type BrowserSession } from "./helpers/browser";
import { chartOutputs, hasMath, readNotebook } from "./helpers/notebook-charts";

const root = projectRoot();
const enabled = requireTool("Chromium", findChromium(), "apt-get install -y chromium");
const realLessons = fs.existsSync(path.join(root, "lessons")) && fs.readdirSync(path.join(root, "lessons")).some((f) => /^\d{2}-.*\.md$/.test(f));

interface Sites {
  fixture: ExportResult;
  real: ExportResult | null;
}

describe.skipIf(!enabled)("the exported site in a real browser", () => {
  let sites: Sites;
  let browser: BrowserSession;
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-export-browser-"));

  beforeAll(async () => {
    const fixture = await exportSite({
      root,
      lessonsDir: path.join(__dirname, "fixtures", "export"),
      outDir: path.join(temp, "fixture-site"),
      buildDir: path.join(temp, "fixture-build"),
      cellTimeoutMs: 120_000,
      variant: "instructor", // the answer key: its instructor callouts are checked below
    });
    const real = realLessons
      ? await exportSite({ root, outDir: path.join(temp, "site"), buildDir: path.join(temp, "build"), cellTimeoutMs: 300_000 })
      : null;
    sites = { fixture, real };
    browser = await openBrowser();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(temp, { recursive: true, force: true });
  });

  /** Opens a page from file:// and checks charts, math, console and network; returns what it counted. */
  async function checkPage(file: string, expected: { charts: number; math: boolean }, shot: string): Promise<{ plots: number; katex: number }> {
    const { page } = browser;
    browser.consoleErrors.length = 0;
    browser.requests.length = 0;
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await waitForPlots(page, expected.charts);
    await page.evaluate(() => document.fonts.ready);
    const plots = await renderedPlotCount(page);
    const katex = await page.locator(".katex").count();
    const rawMath = await page.evaluate(() => Array.from(document.querySelectorAll(".cell.markdown, .lessons")).some((el) => (el.textContent ?? "").includes("$$")));
    const mathErrors = await page.locator(".math-error").count();
    const failedCharts = await page.locator(".chart-failed").count();
    await screenshot(page, shot);

    expect(plots, `${shot}: rendered plots`).toBe(expected.charts);
    expect(failedCharts).toBe(0);
    if (expected.math) expect(katex, `${shot}: KaTeX elements`).toBeGreaterThan(0);
    expect(rawMath, `${shot}: raw $$ in the text`).toBe(false);
    expect(mathErrors, `${shot}: formulas KaTeX could not parse`).toBe(0);
    expect(browser.consoleErrors, `${shot}: console errors`).toEqual([]);
    const offline = browser.requests.filter((url) => !/^(file|data|blob|about):/.test(url));
    expect(offline, `${shot}: requests that leave file://`).toEqual([]);
    return { plots, katex };
  }

  it("draws every chart of the fixture lesson, with its math, offline", async () => {
    const [lesson] = sites.fixture.lessons;
    expect(sites.fixture.ok).toBe(true);
    const notebook = readNotebook(lesson.notebook);
    const charts = chartOutputs(notebook);
    expect(charts).toBe(4); // line chart, histogram, γ/β sliders, live training chart
    const seen = await checkPage(lesson.page, { charts, math: true }, `export-${lesson.lesson.name}`);
    console.log(`${lesson.lesson.name}: ${seen.plots}/${charts} charts, ${seen.katex} formulas`);

    // The γ/β figure is interactive: moving its γ slider restyles the bars, without errors.
    const gammaBeta = browser.page.locator(".js-plotly-plot").nth(2);
    expect(await gammaBeta.locator(".slider-group").count()).toBe(2);
    const bars = (): Promise<string> => gammaBeta.evaluate((gd) => JSON.stringify((gd as unknown as { data: { x?: unknown; width?: unknown }[] }).data.map((t) => [t.x, t.width])));
    const before = await bars();
    const touch = gammaBeta.locator(".slider-rail-touch-rect").first();
    await touch.scrollIntoViewIfNeeded();
    const rail = (await touch.boundingBox())!;
    await browser.page.mouse.click(rail.x + rail.width * 0.97, rail.y + rail.height / 2);
    await browser.page.waitForFunction(
      ([el, old]) => JSON.stringify((el as unknown as { data: { x?: unknown; width?: unknown }[] }).data.map((t) => [t.x, t.width])) !== old,
      [await gammaBeta.elementHandle(), before] as const,
      { timeout: 10_000 },
    );
    await screenshot(browser.page, `export-${lesson.lesson.name}-gamma-3`);
    expect(browser.consoleErrors).toEqual([]);
    // HTML in a stream is shown as text, not markup
    const stream = await browser.page.locator("pre.output.stream").filter({ hasText: "HTML in a stream" }).innerText();
    expect(stream).toContain("<b>HTML in a stream stays text</b> & so does this");
    // the instructor answer is a callout
    expect(await browser.page.locator("aside.cell.instructor .katex").count()).toBeGreaterThan(0);
  });

  it("lists the lessons on the index page, and every link leads to a page", async () => {
    const { page } = browser;
    await page.goto(pathToFileURL(sites.fixture.index).href);
    const links = await page.locator(".lessons a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links).toHaveLength(1);
    for (const link of links) expect(fs.existsSync(new URL(link))).toBe(true);
    expect(await page.locator(".lessons .katex").count()).toBeGreaterThan(0); // math in an objective
    await screenshot(page, "export-fixture-index");
    expect(browser.consoleErrors).toEqual([]);
  });

  it.skipIf(!realLessons)("renders every page of the real course: all charts, math, no console error, no network", async () => {
    const real = sites.real!;
    const failed = real.lessons.flatMap((l) => l.errors.map((e) => `${l.lesson.name} cell ${e.cellIndex}: ${e.ename}: ${e.evalue.split("\n")[0]}`));
    expect(failed, "cells that failed while exporting").toEqual([]);
    const counts: string[] = [];
    for (const lesson of real.lessons) {
      const notebook = readNotebook(lesson.notebook);
      const charts = chartOutputs(notebook);
      expect(lesson.charts).toBe(charts);
      const seen = await checkPage(lesson.page, { charts, math: hasMath(notebook) }, `export-${lesson.lesson.name}`);
      counts.push(`${lesson.lesson.name}: ${seen.plots}/${charts} charts, ${seen.katex} formulas`);
    }
    await checkPage(real.index, { charts: 0, math: false }, "export-index");
    const links = await browser.page.locator(".lessons a").count();
    expect(links).toBe(real.lessons.length);
    console.log(counts.join("\n"));
  });
});
