/**
 * A learner on the hub, driven in headless Chromium through the classic Notebook's UI: log in, open
 * a notebook, type answers into cells, Run All, wait for a chart. Shared by test/hub-e2e.test.ts
 * and bench/hub-class.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { buildLessons } from "../../src/course/lesson";
import type { Notebook } from "../../src/course/notebook/nbformat";
import { waitForPlots } from "./browser";

const sourceOf = (cell: Notebook["cells"][number]): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);
export const readNotebook = (file: string): Notebook => JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;

export interface LessonAnswers {
  /** Index of the first cell that draws a chart (a showFigure(...) cell). */
  chartCell: number;
  /** The exercise cells above it: cell index → the instructor's solution. */
  answers: Map<number, string>;
}

/** What a learner types to get `lesson` (a student notebook) running up to its first chart. */
export function lessonAnswers(root: string, studentNotebook: string, workDir: string): LessonAnswers {
  const lesson = path.basename(studentNotebook, ".ipynb");
  const instructor = buildLessons({ root, outDir: workDir, variant: "instructor", force: true });
  if (!instructor.ok) throw new Error("the instructor notebooks did not build");
  const student = readNotebook(studentNotebook);
  const solved = new Map(readNotebook(path.join(workDir, `${lesson}.ipynb`)).cells.map((c) => [c.id, sourceOf(c)]));
  const chartCell = student.cells.findIndex((c) => c.cell_type === "code" && /\bshow\w*\(/.test(sourceOf(c)) && /Figure/.test(sourceOf(c)));
  if (chartCell < 0) throw new Error(`${lesson} has no chart cell (showFigure(...))`);
  const answers = new Map<number, string>();
  student.cells.slice(0, chartCell).forEach((cell, index) => {
    if (/-exercise-/.test(cell.id ?? "")) answers.set(index, solved.get(cell.id) ?? "");
  });
  return { chartCell, answers };
}

/** Logs `learner` in (DummyAuthenticator) and waits for their server to open the course. */
export async function logIn(browser: Browser, baseUrl: string, learner: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  // The machine may be busy (two cores, several learners' kernels): generous waits everywhere.
  context.setDefaultNavigationTimeout(180_000);
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  await page.goto(`${baseUrl}hub/login`);
  await page.fill("#username_input", learner);
  await page.click("#login_submit");
  await page.waitForURL(new RegExp(`/user/${learner}/tree/bnlab/notebooks`), { timeout: 240_000 });
  return page;
}

export async function openNotebook(page: Page, baseUrl: string, learner: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}user/${learner}/notebooks/bnlab/notebooks/${name}.ipynb`);
  await page.locator("#notebook .cell").first().waitFor({ timeout: 120_000 });
  await waitIdle(page, 180_000);
}

export async function waitIdle(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(() => document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon") === true, undefined, { timeout });
}

/** Types into one cell the way a learner does (click, select all, type); returns what the editor holds. */
export async function typeInto(page: Page, index: number, text: string): Promise<string> {
  const editor = page.locator("#notebook .cell").nth(index).locator(".CodeMirror");
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
  const typed = await editor.evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  await page.keyboard.press("Escape");
  return typed;
}

/** Cell → Run All. */
export async function runAll(page: Page): Promise<void> {
  await page.locator("#menus a.dropdown-toggle", { hasText: /^Cell$/ }).click();
  await page.locator("#run_all_cells > a").click();
}

/** Waits for the first output and the first drawn chart; returns when each came (ms since epoch). */
export async function waitForFirstOutputAndChart(page: Page): Promise<{ firstOutput: number; chart: number }> {
  await page.locator("#notebook .output_area").first().waitFor({ timeout: 240_000 });
  const firstOutput = Date.now();
  await waitForPlots(page, 1, { within: "#notebook", timeoutMs: 300_000 });
  return { firstOutput, chart: Date.now() };
}

/** Waits until Run All has finished (or stopped at an error): kernel idle and no cell queued. */
export async function waitRunFinished(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon") === true && !Array.from(document.querySelectorAll(".code_cell .input_prompt")).some((p) => (p.textContent ?? "").includes("*")),
    undefined,
    { timeout: 300_000, polling: 500 },
  );
}
