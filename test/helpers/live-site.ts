/** Driving a live-site lesson page in Chromium (the browser tests and `npm run bench:site`). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { exportLiveSite, type LiveExportResult } from "../../src/course/live/export-live-site";
import { serveSite, type SiteServer } from "../../src/course/live/serve-site";
import { openBrowser, type BrowserSession } from "./browser";

const root = path.resolve(__dirname, "..", "..");

/** An exported live site, served over HTTP, with Chromium open; `temp` is a folder the caller may use too. */
export interface LiveSite {
  temp: string;
  site: LiveExportResult;
  server: SiteServer;
  browser: BrowserSession;
  /** Closes the browser and the server and deletes `temp`. */
  close(): Promise<void>;
}

/** Exports the lessons (all of them when none are named) into a new temporary folder, serves it and opens Chromium. */
export async function openLiveSite(lessons: string[] = []): Promise<LiveSite> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-live-site-"));
  const site = await exportLiveSite({ root, outDir: path.join(temp, "site"), lessons });
  const server = await serveSite(site.siteDir);
  const browser = await openBrowser();
  const close = async (): Promise<void> => {
    await browser.close();
    await server.close();
    fs.rmSync(temp, { recursive: true, force: true });
  };
  return { temp, site, server, browser, close };
}

export const cellSelector = (id: string): string => `section.cell.code.live[data-cell-id="${id}"]`;

/** Waits until the page's worker is ready to run a cell. */
export async function waitReady(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.kernel === "ready", null, { timeout: timeoutMs });
}

/** Waits until no cell is queued or running; returns each cell's state by cell id. */
export async function settled(page: Page, timeoutMs = 120_000): Promise<Record<string, string>> {
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll<HTMLElement>("section.cell.code.live")).every((s) => s.dataset.state !== "queued" && s.dataset.state !== "running"),
    null,
    { timeout: timeoutMs },
  );
  return page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>("section.cell.code.live")).map((s) => [s.dataset.cellId ?? "", s.dataset.state ?? ""])));
}

/** Clicks Run All and waits for the last cell; returns the cells' states and the milliseconds it took. */
export async function runAllInPage(page: Page, timeoutMs = 300_000): Promise<{ states: Record<string, string>; ms: number }> {
  const started = Date.now();
  await page.click('[data-action="run-all"]');
  const states = await settled(page, timeoutMs);
  return { states, ms: Date.now() - started };
}

/** Replaces a cell's text as typing would (focus, select all, insert), and checks the editor holds it. */
export async function setCell(page: Page, id: string, text: string): Promise<void> {
  const editor = page.locator(`${cellSelector(id)} .cm-content`);
  await editor.fill(text);
  const words = (t: string) => t.split(/\s+/).filter(Boolean).join(" ");
  expect(words(await editor.innerText()), `the editor of ${id}`).toBe(words(text));
}

/** Clicks a cell's Run and waits for it to finish; returns its output text, trimmed. */
export async function runCell(page: Page, id: string): Promise<string> {
  await page.click(`${cellSelector(id)} [data-action="run"]`);
  await page.waitForFunction((sel) => {
    const s = document.querySelector<HTMLElement>(sel);
    return s !== null && s.dataset.state !== "queued" && s.dataset.state !== "running";
  }, cellSelector(id), { timeout: 120_000 });
  return (await page.innerText(`${cellSelector(id)} .outputs`)).trim();
}
