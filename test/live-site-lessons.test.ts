/**
 * Every lesson of the live site in headless Chromium, against the learner kernel (tslab) on the
 * same student notebook:
 * - Run All of the fresh student notebook in the page ends with no error and every chart drawn;
 * - for every exercise, a wrong answer typed into the editor gets, from its check cell, exactly the
 *   output the kernel gives the same cells; the instructor's answer passes in both.
 * The wrong answers are mistakes learners make, written as one edit of the instructor's answer.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelSession } from "../src/course/jupyter";
import { BEGIN_SOLUTION, END_SOLUTION, parseLesson } from "../src/course/lesson";
import { joinSource, type Notebook } from "../src/course/notebook/nbformat";
import { findChromium, renderedPlotCount, requireTool } from "./helpers/browser";
import { openLiveSite, runAllInPage, runCell, setCell, waitReady, type LiveSite } from "./helpers/live-site";

const root = path.resolve(__dirname, "..");
const enabled = requireTool("Chromium", findChromium(), "apt-get install -y chromium");
const LESSONS = fs.readdirSync(path.join(root, "lessons")).filter((f) => /^\d\d-.*\.md$/.test(f)).map((f) => f.replace(/\.md$/, "")).sort();

/** One mistake per lesson exercise: [what the instructor's answer says, what the learner wrote]. */
const WRONG: Record<string, [string, string]> = {
  "1.1": ["x.sub(mu).map((d) => d * d).meanRows()", "x.sub(mu).map((d) => d * d).sumRows().scale(1 / (x.rows - 1))"], // unbiased variance
  "1.2": ["Math.sqrt(v + eps)", "Math.sqrt(v) + eps"], // ε outside the root
  "1.3": [".sub(xhat.mul(meanDxhatXhat))", ""], // the path through σ² forgotten
  "2.1": [".mul(gamma).add(beta)", ".mul(gamma)"], // β never added
  "2.2": ["{ gamma: variance.map((v) => Math.sqrt(v + eps)), beta: mu }", "{ gamma: mu, beta: variance.map((v) => Math.sqrt(v + eps)) }"], // γ and β swapped
  "3.1": ["scale(1 / (n - 1))", "scale(1 / n)"], // the biased variance in the running estimate
  "3.2": ["momentum === null ? 1 / numBatchesTracked : momentum", "momentum ?? 0.1"], // no cumulative average
  "4.1": ["  model.eval();\n", ""], // evaluated in training mode
  "4.2": ["mean = state.runningMean;\n    variance = state.runningVar;", "mean = x.meanRows();\n    variance = x.sub(mean).map((d) => d * d).meanRows();"], // batch statistics in eval
  "5.1": ["sigma / Math.sqrt(batchSize)", "sigma / batchSize"],
  "5.2": ["x.rows < 2", "x.rows < 1"], // a batch of one passes
  "6.1": [">= target", "> target"],
  "6.2": ["new BatchNorm1d(100), new Sigmoid(),\n    new Linear(100, 10", "new Sigmoid(),\n    new Linear(100, 10"], // the last BN left out
  "6.3": ["  model.eval();\n", ""],
  "7.1": ["(k < layer ? p.sub(g[k].scale(lr)) : p)", "p.sub(g[k].scale(lr))"], // every layer stepped
  "7.2": ["change / (eta * norm(g))", "change / eta"],
  "7.3": ["start < x.rows; start += virtualBatchSize", "start + virtualBatchSize <= x.rows; start += virtualBatchSize"], // the remainder dropped
  "8.1": ["Math.sqrt(v + eps)", "Math.sqrt(v)"], // ε forgotten
  "8.2": ["- bn.runningMean.data[o])", "+ bn.runningMean.data[o])"], // the shift's sign
  "8.3": ["Math.floor(", "Math.round("],
};

interface Exercise {
  id: string;
  cell: string;
  checks: string[];
  right: string;
  wrong: string;
}

/** The lesson's exercises, in order: the instructor's answer, the wrong one, and the ids of their cells. */
function exercisesOf(lesson: string, notebook: Notebook): Exercise[] {
  const parsed = parseLesson(fs.readFileSync(path.join(root, "lessons", `${lesson}.md`), "utf8"), `lessons/${lesson}.md`);
  const meta = (c: Notebook["cells"][number]) => c.metadata.bnlab as { role?: string; exercise?: string } | undefined;
  return parsed.cells.flatMap((cell) => {
    if (cell.type !== "code" || cell.role.kind !== "exercise") return [];
    const id = cell.role.exercise;
    const right = cell.source.split("\n").filter((line) => ![BEGIN_SOLUTION, END_SOLUTION].includes(line.trim())).join("\n");
    const [from, to] = WRONG[id] ?? ["", ""];
    expect(from !== "" && right.includes(from), `WRONG["${id}"] edits text of the instructor's answer`).toBe(true);
    const cellId = notebook.cells.find((c) => meta(c)?.role === "exercise" && meta(c)?.exercise === id)?.id ?? "";
    const checks = notebook.cells.filter((c) => meta(c)?.role === "check" && meta(c)?.exercise === id).map((c) => c.id ?? "");
    expect(checks.length, `exercise ${id} has a check cell`).toBeGreaterThan(0);
    return [{ id, cell: cellId, checks, right, wrong: right.replace(from, to) }];
  });
}

/** What a kernel cell printed (its streams), as the page shows it. */
async function kernelOutput(kernel: KernelSession, code: string): Promise<string> {
  const result = await kernel.execute(code, { timeoutMs: 180_000 });
  return result.outputs.map((o) => (o.output_type === "stream" ? joinSource(o.text) : "")).join("").trim();
}

describe.skipIf(!enabled)("every lesson of the live site, against the learner kernel", () => {
  let live: LiveSite;

  beforeAll(async () => {
    live = await openLiveSite();
  }, 180_000);

  afterAll(async () => {
    await live?.close();
  });

  it("has a wrong answer for every exercise of every lesson", () => {
    const ids = LESSONS.flatMap((lesson) => parseLesson(fs.readFileSync(path.join(root, "lessons", `${lesson}.md`), "utf8"), lesson).cells)
      .flatMap((cell) => (cell.type === "code" && cell.role.kind === "exercise" ? [cell.role.exercise] : []));
    expect(ids.sort()).toEqual(Object.keys(WRONG).sort());
  });

  for (const lesson of LESSONS) {
    it(`${lesson}: Run All, then each exercise wrong (the kernel's message) and right (passes)`, async () => {
      const { browser, server } = live;
      const { page } = browser;
      const notebook = JSON.parse(fs.readFileSync(path.join(root, "notebooks", `${lesson}.ipynb`), "utf8")) as Notebook;
      // the kernel runs the same notebook meanwhile (another process: the two Run Alls overlap)
      const kernelRan = (async () => {
        const started = await KernelSession.start({ cwd: path.join(root, "notebooks") });
        for (const cell of notebook.cells) if (cell.cell_type === "code") await kernelOutput(started, joinSource(cell.source));
        return started;
      })();
      kernelRan.catch(() => undefined); // awaited below; a failure meanwhile must not count as unhandled
      browser.consoleErrors.length = 0;
      try {
        await page.goto(`${server.url}${lesson}.html`);
        await page.evaluate(() => localStorage.clear());
        await page.reload();
        await waitReady(page);
        const { states } = await runAllInPage(page, 800_000);
        expect(Object.entries(states).filter(([, state]) => state !== "done")).toEqual([]);
        expect(await page.locator(".output.error").allInnerTexts()).toEqual([]);
        const charts = await page.locator(".bnlab-plot").count();
        await page.waitForFunction((n) => document.querySelectorAll('.bnlab-plot[data-rendered="true"]').length === n, charts, { timeout: 60_000 });
        expect(await renderedPlotCount(page)).toBe(charts);
        expect(await page.locator(".chart-failed").count()).toBe(0);
        expect(browser.consoleErrors.filter((e) => !e.startsWith("Failed to load resource"))).toEqual([]);

        const kernel = await kernelRan;
        for (const exercise of exercisesOf(lesson, notebook)) {
          for (const [answer, verdict] of [[exercise.wrong, /^✗/], [exercise.right, /^✓/]] as const) {
            expect(await kernelOutput(kernel, answer), `${exercise.id}: the answer's cell in the kernel`).toBe("");
            await setCell(page, exercise.cell, answer);
            expect(await runCell(page, exercise.cell), `${exercise.id}: the answer's cell`).toBe("");
            for (const check of exercise.checks) {
              const code = joinSource(notebook.cells.find((c) => c.id === check)!.source);
              const inKernel = await kernelOutput(kernel, code);
              expect(inKernel, `${exercise.id} in the kernel`).toMatch(verdict);
              expect(await runCell(page, check), `${exercise.id} in the page`).toBe(inKernel);
            }
          }
        }
      } finally {
        await kernelRan.then((kernel) => kernel.shutdown(), () => undefined);
      }
    }, 1_500_000);
  }
});
