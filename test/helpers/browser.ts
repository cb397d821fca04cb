/**
 * Test helper: a real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with
 * a fresh profile, console errors and network requests recorded, and screenshots in test-artifacts/.
 *
 * Missing Chromium skips the browser tests on a developer machine (with a message saying why), but
 * fails them when CI is set: CI installs Chromium (.ci/run), so its absence there is a bug.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

export const ARTIFACTS = path.resolve(__dirname, "..", "..", "test-artifacts");

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to drive: $CHROMIUM_PATH, else the first of the usual Debian paths. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return executable(fromEnv) ? fromEnv : null;
  return CANDIDATES.find(executable) ?? null;
}

/**
 * Whether a tool the tests need is present. In CI its absence is an error (thrown when the test
 * file loads, so the run fails with this message); elsewhere the tests are skipped with a warning.
 */
export function requireTool(what: string, found: string | null, install: string): boolean {
  if (found) return true;
  const message = `${what} not found: the browser tests need it (${install})`;
  if (process.env.CI) throw new Error(`${message}. CI must install it; see .ci/run.`);
  console.warn(`skipping: ${message}`);
  return false;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** console.error messages and uncaught page errors. */
  consoleErrors: string[];
  /** Every URL the page requested. */
  requests: string[];
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data-dir and opens one page that records errors and requests. */
export async function openBrowser(opts: { width?: number; height?: number } = {}): Promise<BrowserSession> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("Chromium not found (apt-get install -y chromium)");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: opts.width ?? 1200, height: opts.height ?? 900 },
  });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));
  const close = async (): Promise<void> => {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, consoleErrors, requests, close };
}

/** A full-page screenshot in test-artifacts/; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs in the page: the Plotly charts that finished drawing (a .js-plotly-plot holding a .main-svg),
 * only inside the visible elements matching `within` if given (JupyterLab keeps other notebooks in
 * the DOM, hidden). With `atLeast`, whether there are that many (for waitForFunction).
 */
function countPlots(arg: { within: string | null; atLeast: number | null }): number | boolean {
  const roots: ParentNode[] = arg.within
    ? Array.from(document.querySelectorAll(arg.within)).filter((el) => el.getClientRects().length > 0)
    : [document];
  let n = 0;
  for (const root of roots) n += Array.from(root.querySelectorAll(".js-plotly-plot")).filter((el) => el.querySelector(".main-svg")).length;
  return arg.atLeast === null ? n : n >= arg.atLeast;
}

export async function renderedPlotCount(page: Page, within?: string): Promise<number> {
  return (await page.evaluate(countPlots, { within: within ?? null, atLeast: null })) as number;
}

/** Waits until `count` charts are drawn (see renderedPlotCount). */
export async function waitForPlots(page: Page, count: number, opts: { within?: string; timeoutMs?: number } = {}): Promise<void> {
  await page.waitForFunction(countPlots, { within: opts.within ?? null, atLeast: count }, { timeout: opts.timeoutMs ?? 30_000 });
}
