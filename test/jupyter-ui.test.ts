/**
 * The course in a real Jupyter front end, driven in headless Chromium: the server starts on
 * 127.0.0.1 with the project kernelspec and token auth (startJupyterServer, as `npm start` does), a
 * lesson notebook is opened, Run All is chosen from the menu, and once the kernel is idle every chart
 * is drawn (Plotly SVGs counted against the chart outputs the runner produces for the same notebook)
 * and no cell shows an error.
 *
 * Front ends: JupyterLab from the project .venv (rendering the Plotly MIME type with plotly's
 * extension) and Debian's classic Notebook (rendering the offline text/html), each if present; CI
 * installs the classic Notebook, and fails here if neither exists. Screenshots: test-artifacts/jupyter-*.png.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeNotebook } from "../src/course/jupyter";
import { isExecutable } from "../src/course/jupyter/frontend-probe";
import { startJupyterServer, type JupyterServer } from "../src/course/jupyter/jupyter-server";
import { projectRoot } from "../src/course/jupyter/project-root";
import { buildLessons } from "../src/course/lesson";
import { ensureLibraryBuilt } from "../src/course/library/build-library";
import { findChromium, openBrowser, renderedPlotCount, requireTool, screenshot, waitForPlots, type BrowserSession } from "./helpers/browser";
import { chartFigures, chartOutputs, readNotebook, tracePoints } from "./helpers/notebook-charts";

const root = projectRoot();
const LAB = path.join(root, ".venv", "bin", "jupyter-lab");
const CLASSIC = "/usr/bin/jupyter-notebook";

const frontEnds = [
  ...(isExecutable(LAB) ? [{ kind: "lab" as const, command: LAB }] : []),
  ...(isExecutable(CLASSIC) ? [{ kind: "notebook" as const, command: CLASSIC }] : []),
];
const enabled =
  requireTool("Chromium", findChromium(), "apt-get install -y chromium") &&
  requireTool("A Jupyter front end", frontEnds[0]?.command ?? null, `apt-get install -y jupyter-notebook, or JupyterLab in ${path.relative(root, LAB)}`);

/** Notebooks under the server's root (the project), in a git-ignored folder; built fresh. */
const UI_DIR = path.join("build", "jupyter-ui");

interface Target {
  name: string;
  /** Relative to the project root, with forward slashes. */
  file: string;
  charts: number;
  /** Points per trace of each chart, in output order: the final state the runner saved. */
  points: number[][];
}

/** The active notebook's panel (JupyterLab keeps other open notebooks in the DOM, hidden). */
const SCOPE = { lab: ".jp-NotebookPanel", notebook: "#notebook" };

/** A free-ish port per front end, so a developer's `npm start` on 8888 is left alone. */
const PORTS = { lab: 18_871, notebook: 18_872 };

async function dismissLabPopups(page: Page): Promise<void> {
  // "Would you like to get notified about official Jupyter news?"
  const no = page.locator(".jp-Notification-Toast-Close, .jp-toast-button:has-text('No')");
  if (await no.count()) await no.first().click().catch(() => {});
}

/** JupyterLab 4: Run → Run All Cells, then wait for every code cell to have its execution count. */
async function runAllLab(page: Page): Promise<void> {
  await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 60_000 });
  await page.locator(".jp-Toolbar-kernelName", { hasText: "TypeScript (bnlab)" }).first().waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => /Idle/.test(document.querySelector("#jp-main-statusbar")?.textContent ?? ""), undefined, { timeout: 60_000 });
  await dismissLabPopups(page);
  await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
  await page.waitForFunction(
    () => {
      const panel = Array.from(document.querySelectorAll(".jp-NotebookPanel")).find((el) => el.getClientRects().length > 0);
      const prompts = Array.from(panel?.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt") ?? []).map((p) => (p.textContent ?? "").trim());
      return prompts.length > 0 && prompts.every((p) => /^\[\d+\]:$/.test(p));
    },
    undefined,
    { timeout: 240_000, polling: 250 },
  );
  await page.waitForFunction(() => /Idle/.test(document.querySelector("#jp-main-statusbar")?.textContent ?? ""), undefined, { timeout: 60_000 });
}

/** Classic Notebook: Cell → Run All, then wait for the kernel to be idle and every cell counted. */
async function runAllClassic(page: Page): Promise<void> {
  await page.locator("#notebook .cell").first().waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon") === true, undefined, { timeout: 60_000 });
  await page.locator("#menus a.dropdown-toggle", { hasText: /^Cell$/ }).click();
  await page.locator("#run_all_cells > a").click();
  await page.waitForFunction(
    () => {
      const prompts = Array.from(document.querySelectorAll(".code_cell .input_prompt")).map((p) => (p.textContent ?? "").replace(/\s+/g, ""));
      const idle = document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon") === true;
      return idle && prompts.length > 0 && prompts.every((p) => /^In\[\d+\]:$/.test(p));
    },
    undefined,
    { timeout: 240_000, polling: 250 },
  );
}

describe.skipIf(!enabled)("lessons in a real Jupyter server", () => {
  const targets: Target[] = [];

  beforeAll(async () => {
    ensureLibraryBuilt(root, { quiet: true });
    const dir = path.join(root, UI_DIR);
    fs.rmSync(dir, { recursive: true, force: true });
    const fixture = buildLessons({ root, lessonsDir: path.join(__dirname, "fixtures", "export"), outDir: dir, variant: "instructor", force: true });
    expect(fixture.ok).toBe(true);
    const notebooks = fixture.entries.map((e) => e.notebook);
    // …and the first real lesson, if the course has any.
    const lessonsDir = path.join(root, "lessons");
    if (fs.existsSync(lessonsDir) && fs.readdirSync(lessonsDir).some((f) => /^\d{2}-.*\.md$/.test(f))) {
      const realDir = path.join(dir, "lessons");
      const real = buildLessons({ root, outDir: realDir, variant: "instructor", force: true });
      expect(real.ok).toBe(true);
      notebooks.push(real.entries[0].notebook);
    }
    // What each notebook must show, from the runner (the reference for "all of its charts").
    for (const file of notebooks) {
      const run = await executeNotebook(readNotebook(file), { cwd: path.dirname(file), cellTimeoutMs: 300_000 });
      expect(run.errors.map((e) => `${path.basename(file)} cell ${e.cellIndex}: ${e.evalue}`)).toEqual([]);
      const charts = chartOutputs(run.notebook);
      expect(charts).toBeGreaterThan(0);
      const points = chartFigures(run.notebook).map((fig) => fig.data.map(tracePoints));
      targets.push({ name: path.basename(file, ".ipynb"), file: path.relative(root, file).split(path.sep).join("/"), charts, points });
    }
  }, 900_000);

  afterAll(() => {
    fs.rmSync(path.join(root, UI_DIR), { recursive: true, force: true });
  });

  for (const frontEnd of frontEnds) {
    describe(frontEnd.kind === "lab" ? "JupyterLab" : "classic Notebook", () => {
      let server: JupyterServer;
      let browser: BrowserSession;
      let log = "";
      /** Charts whose drawing differs from the saved final state (e.g. a live chart not redrawn). */
      const stale: string[] = [];

      beforeAll(async () => {
        server = await startJupyterServer({ command: frontEnd.command, kind: frontEnd.kind, root, port: PORTS[frontEnd.kind], openPath: UI_DIR, onLog: (chunk) => (log = (log + chunk).slice(-20_000)) });
        browser = await openBrowser({ width: 1300, height: 1000 });
      }, 120_000);

      afterAll(async () => {
        await browser?.close();
        await server?.stop();
      });

      it("answers only with the token, on 127.0.0.1", async () => {
        expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
        const denied = await fetch(`${server.baseUrl}api/kernelspecs`);
        expect(denied.status).toBe(403);
        const specs = (await (await fetch(`${server.baseUrl}api/kernelspecs?token=${server.token}`)).json()) as { kernelspecs: Record<string, unknown> };
        expect(Object.keys(specs.kernelspecs)).toContain("bnlab-tslab");
      });

      it("runs every lesson notebook from the menu and draws all its charts", async () => {
        const { page } = browser;
        const seen: string[] = [];
        for (const target of targets) {
          browser.consoleErrors.length = 0;
          const started = Date.now();
          // JupyterLab: ?reset starts from an empty workspace instead of restoring the last notebook's tabs
          const url = `${server.baseUrl}${frontEnd.kind === "lab" ? "lab/tree" : "notebooks"}/${target.file}?${frontEnd.kind === "lab" ? "reset&" : ""}token=${server.token}`;
          await page.goto(url);
          const scope = SCOPE[frontEnd.kind];
          try {
            if (frontEnd.kind === "lab") await runAllLab(page);
            else await runAllClassic(page);
            await waitForPlots(page, target.charts, { within: scope, timeoutMs: 60_000 });
          } catch (error) {
            await screenshot(page, `jupyter-${frontEnd.kind}-${target.name}-failed`);
            throw new Error(`${target.name} in ${frontEnd.kind}: ${(error as Error).message}\nserver log:\n${log.slice(-3000)}`);
          }
          const plots = await renderedPlotCount(page, scope);
          // JupyterLab renders error outputs (and stderr) with the stderr MIME type; classic marks them .output_error.
          const errorOutput = frontEnd.kind === "lab" ? ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']" : ".output_error";
          const errors = await page.locator(`${scope} ${errorOutput}`).allInnerTexts();
          await page.locator(frontEnd.kind === "lab" ? ".jp-NotebookPanel" : "#notebook").first().evaluate((el) => el.scrollTo?.(0, 0));
          await screenshot(page, `jupyter-${frontEnd.kind}-${target.name}`);
          await page.locator(`${scope} .js-plotly-plot`).last().scrollIntoViewIfNeeded();
          await screenshot(page, `jupyter-${frontEnd.kind}-${target.name}-last-chart`);
          // Which face of the bundle drew the charts: Lab's plotly extension renders the Plotly JSON,
          // the classic Notebook runs the offline text/html.
          const face = frontEnd.kind === "lab" ? ".jp-RenderedPlotly" : ".output_html .bnlab-chart";
          const byFace = await page.locator(`${scope} ${face}`).count();
          seen.push(`${target.name}: ${plots}/${target.charts} charts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          const drawn = await page.evaluate(
            (within) =>
              Array.from(document.querySelectorAll(`${within} .js-plotly-plot`))
                .filter((el) => el.getClientRects().length > 0)
                .map((el) => ((el as unknown as { data?: { x?: unknown[]; y?: unknown[]; z?: unknown[] }[] }).data ?? []).map((t) => (t.x ?? t.z ?? t.y ?? []).length)),
            scope,
          );
          if (JSON.stringify(drawn) !== JSON.stringify(target.points)) stale.push(`${target.name}: drawn ${JSON.stringify(drawn)}, saved ${JSON.stringify(target.points)}`);
          expect(errors, `${target.name}: error outputs`).toEqual([]);
          expect(plots, `${target.name}: rendered plots`).toBe(target.charts);
          expect(byFace, `${target.name}: charts drawn from ${face}`).toBe(target.charts);
        }
        console.log(`${frontEnd.kind}:\n  ${seen.join("\n  ")}`);
      }, 600_000);

      // jupyterlab-plotly's renderer ignores update_display_data once it has drawn
      // (RenderedPlotly.renderModel returns early when the node has a .plot-container);
      // sendFigureUpdate works around it by swapping the output to text/plain first.
      it("draws the final state of every chart, live charts included (update_display_data)", () => {
        if (stale.length > 0) console.log(`${frontEnd.kind}: charts not in their final state (points per trace):\n  ${stale.join("\n  ")}`);
        expect(stale).toEqual([]);
      });
    });
  }
});
