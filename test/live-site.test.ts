/**
 * The live site in headless Chromium, served over HTTP as a static host would (every lesson's Run All
 * and every exercise: live-site-lessons.test.ts): Exercise 1.1's check gives, for a wrong
 * answer typed into the editor, the message the checker gives in Node, and passes the right one; a
 * cell's declarations reach the next cell, re-running `const` works, errors carry the cell's lines;
 * Stop ends an endless loop; an edit survives a reload and Reset restores the cell; the downloaded
 * notebook is graded like one saved from Jupyter.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, Matrix } from "../src";
import { gradeBatch } from "../src/course/homework";
import { findChromium, requireTool } from "./helpers/browser";
import { cellSelector, openLiveSite, runCell, setCell, waitReady, type LiveSite } from "./helpers/live-site";

const root = path.resolve(__dirname, "..");
const enabled = requireTool("Chromium", findChromium(), "apt-get install -y chromium");

/** Exercise 1.1 answers, as a learner types them. */
const WRONG_BATCH_STATS = `function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {
  const mu = x.meanRows();
  const variance = x.sub(mu).map((d) => d * d).meanRows().map((v) => (v * x.rows) / (x.rows - 1)); // unbiased: wrong here
  return { mu, variance };
}`;
const RIGHT_BATCH_STATS = `function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {
  const mu = x.meanRows();
  const variance = x.sub(mu).map((d) => d * d).meanRows();
  return { mu, variance };
}`;

const ENDLESS_BATCH_STATS = `function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {
  let mu = x.meanRows();
  while (mu.rows > 0) mu = mu.scale(1); // never ends
  return { mu, variance: mu };
}`;

/** What check.batchStats prints in Node for an answer given as TypeScript source. */
function nodeCheckOutput(source: string): string {
  const js = ts.transpileModule(`${source}\nreturn batchStats;`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const batchStats = new Function("Matrix", js)(Matrix) as Parameters<typeof check.batchStats>[0];
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    check.batchStats(batchStats);
  } finally {
    console.log = log;
  }
  return printed.join("\n");
}

describe.skipIf(!enabled)("the live site in a real browser", () => {
  let live: LiveSite;
  const notFound: string[] = [];

  beforeAll(async () => {
    live = await openLiveSite(["01", "02"]);
    live.browser.page.on("response", (response) => {
      if (response.status() >= 400 && !response.url().endsWith("/favicon.ico")) notFound.push(`${response.status()} ${response.url()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await live?.close();
  });

  it("shows each lesson as the learner's notebook: the cells' code with imports from ../src", () => {
    const page = fs.readFileSync(path.join(live.site.siteDir, "01-normalize.html"), "utf8");
    expect(page).toContain('from \\"../src\\"');
    expect(page).not.toContain("../../");
    expect(live.site.files["live/lib/mnist.bin"]).toBeGreaterThan(1e6);
    expect(live.site.files["live/lib/src/tensor/wasm/backend.wasm"]).toBeGreaterThan(1000);
  });

  it("checks Exercise 1.1 with the checker's own messages: a wrong answer as in Node, the right one passes", async () => {
    const { page } = live.browser;
    await page.goto(`${live.server.url}01-normalize.html`);
    await waitReady(page);
    expect(await runCell(page, "01-normalize-check-1_1")).toMatch(/bnlab: check (and \w+ )?(is|are) defined by the Setup cell \(code cell \d+\), which this kernel has not run yet: run it first/);
    await runCell(page, "01-normalize-c03");
    await setCell(page, "01-normalize-exercise-1_1", WRONG_BATCH_STATS);
    await runCell(page, "01-normalize-exercise-1_1");
    const wrong = await runCell(page, "01-normalize-check-1_1");
    const expected = nodeCheckOutput(WRONG_BATCH_STATS);
    expect(expected).toMatch(/^✗/);
    expect(wrong.trim()).toBe(expected.trim());
    await setCell(page, "01-normalize-exercise-1_1", RIGHT_BATCH_STATS);
    await runCell(page, "01-normalize-exercise-1_1");
    const right = await runCell(page, "01-normalize-check-1_1");
    expect(right.trim()).toBe(nodeCheckOutput(RIGHT_BATCH_STATS).trim());
    expect(right).toMatch(/^✓/);
    // an endless loop: the check's 5 s limit stops it, and the worker keeps its state
    await setCell(page, "01-normalize-exercise-1_1", ENDLESS_BATCH_STATS);
    await runCell(page, "01-normalize-exercise-1_1");
    const endless = await runCell(page, "01-normalize-check-1_1");
    expect(endless).toMatch(/did not return within 5 s/);
    expect(endless.trim()).toBe(nodeCheckOutput(ENDLESS_BATCH_STATS).trim());
    await setCell(page, "01-normalize-exercise-1_1", RIGHT_BATCH_STATS);
    await runCell(page, "01-normalize-exercise-1_1");
    expect(await runCell(page, "01-normalize-check-1_1")).toMatch(/^✓/);
  }, 180_000);

  it("keeps a cell's declarations for the next cell, re-runs a const, shows the last value and the cell's line in an error", async () => {
    const { page } = live.browser;
    const id = "01-normalize-c13";
    await setCell(page, id, "const answer = 40;\nconst more = 2;\nanswer + more");
    expect((await runCell(page, id)).trim()).toBe("42");
    expect((await runCell(page, id)).trim()).toBe("42"); // re-declaring const answer works, as in tslab
    await setCell(page, "01-normalize-c14", "const s = `${answer}`;\n\nthrow new Error(`boom ${s}`);");
    const error = await runCell(page, "01-normalize-c14");
    expect(error).toContain("Error: boom 40");
    expect(error).toMatch(/cell-\d+:3:\d+/);
  }, 60_000);

  it("stops an endless loop: Stop restarts the worker and says so", async () => {
    const { page } = live.browser;
    const id = "01-normalize-c13";
    await setCell(page, id, "let spins = 0;\nwhile (true) spins++;");
    await page.click(`${cellSelector(id)} [data-action="run"]`);
    await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.state === "running", cellSelector(id));
    await page.click('[data-action="stop"]');
    await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.state === "stopped", cellSelector(id), { timeout: 10_000 });
    expect(await page.innerText(`${cellSelector(id)} .outputs`)).toContain("⏹ Stopped");
    await waitReady(page);
    await setCell(page, id, "typeof answer");
    expect((await runCell(page, id)).trim()).toBe("'undefined'"); // a fresh worker
  }, 120_000);

  it("keeps an edit across a reload; Reset cell restores the original", async () => {
    const { page } = live.browser;
    const id = "01-normalize-c20";
    const original = await page.innerText(`${cellSelector(id)} .cm-content`);
    await setCell(page, id, "// my edit\n1 + 1");
    await page.reload();
    await waitReady(page);
    expect(await page.innerText(`${cellSelector(id)} .cm-content`)).toContain("// my edit");
    expect(await page.isVisible(`${cellSelector(id)} .edited`)).toBe(true);
    await page.click(`${cellSelector(id)} [data-action="reset"]`);
    expect(await page.innerText(`${cellSelector(id)} .cm-content`)).toBe(original);
    await page.reload();
    expect(await page.innerText(`${cellSelector(id)} .cm-content`)).toBe(original);
  }, 120_000);

  it("downloads a notebook that the grader scores like one saved from Jupyter", async () => {
    const { page } = live.browser;
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await waitReady(page);
    await setCell(page, "01-normalize-exercise-1_1", RIGHT_BATCH_STATS);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-action="download"]')]);
    expect(download.suggestedFilename()).toBe("01-normalize.ipynb");
    const submissions = path.join(live.temp, "submissions");
    fs.mkdirSync(path.join(submissions, "learner"), { recursive: true });
    const file = path.join(submissions, "learner", "01-normalize.ipynb");
    await download.saveAs(file);
    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { id: string; metadata: unknown }[] };
    const original = JSON.parse(fs.readFileSync(path.join(root, "notebooks", "01-normalize.ipynb"), "utf8")) as typeof saved;
    expect(saved.cells.map((c) => [c.id, c.metadata])).toEqual(original.cells.map((c) => [c.id, c.metadata]));
    const batch = await gradeBatch({ projectRoot: root, submissionsDir: submissions, outDir: path.join(live.temp, "graded"), isolation: "none", courseSecret: "bnlab-live-site-test-secret-0123456789abcdef" });
    const grade = batch.grades[0];
    expect(grade.status).toBe("ok");
    const exercise = grade.exercises.find((e) => e.id === "1.1");
    expect(exercise?.points).toBe(exercise?.maxPoints);
    expect(grade.exercises.filter((e) => e.id !== "1.1").every((e) => e.points === 0)).toBe(true);
  }, 300_000);

  it("works offline once loaded: with the server gone, a reload still runs cells that read MNIST", async () => {
    const { page } = live.browser;
    await page.goto(`${live.server.url}01-normalize.html`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await waitReady(page);
    await live.server.close();
    await page.reload();
    await waitReady(page);
    await runCell(page, "01-normalize-c03");
    expect(await runCell(page, "01-normalize-c05")).toContain("digits:");
    await page.goto(`${live.server.url}02-gamma-beta.html`);
    await waitReady(page);
  }, 180_000);
});

