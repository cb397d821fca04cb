/**
 * The course served to a class by JupyterHub, end to end, with real processes on 127.0.0.1:
 * `npm run hub -- --port <free>` (Debian's jupyterhub, its proxy, one single-user server per
 * learner), two learners logging in at the same time in headless Chromium, each solving lesson 1's
 * first exercises in their own notebook and running all of it in the learner kernel, to its end
 * (every chart that needs no unsolved exercise drawn, one Skipped line per cell that needs one); their edits stay
 * their own; an update of the course reaches the untouched notebook and not the edited one; the
 * notebooks are collected from the homes and graded; Ctrl-C stops everything the hub started.
 *
 * The single-user server is whatever `npm run hub` picks: the classic Notebook from Debian's
 * packages (no .venv), which is what CI has. Timings are printed, never asserted.
 * Screenshots: test-artifacts/hub-*.png; the hub's log: test-artifacts/hub-e2e.log.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { which } from "../src/course/jupyter/frontend-probe";
import { freePort } from "../src/course/jupyter/connection";
import { markedProcesses, stopMarkedProcesses } from "../src/course/hub/marked-processes";
import { projectRoot } from "../src/course/jupyter/project-root";
import type { Notebook } from "../src/course/notebook/nbformat";
import { ARTIFACTS, CHROMIUM_FLAGS, findChromium, requireTool, screenshot } from "./helpers/browser";
import { expectStudentRunAll } from "./helpers/student-run";
import { lessonAnswers, logIn as logInAs, openNotebook as open, readNotebook, runAll, typeInto, waitForFirstOutputAndChart, waitRunFinished } from "./helpers/hub-learner";

const root = projectRoot();
const LESSON = "01-normalize";
const OTHER = "02-gamma-beta";
const LEARNERS = ["alice", "bruno"] as const;
type Learner = (typeof LEARNERS)[number];
const UPDATE = "COURSE UPDATE 2: a paragraph the instructor added after the class started";

const tools = ["jupyterhub", "jupyterhub-singleuser", "configurable-http-proxy"].map((name) => which(name));
const enabled =
  requireTool("Chromium", findChromium(), "apt-get install -y chromium") &&
  requireTool("JupyterHub (jupyterhub, jupyterhub-singleuser, configurable-http-proxy)", tools.every(Boolean) ? "found" : null, "apt-get install -y jupyterhub");

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Runs an npm script to the end (asynchronously: the test worker must keep answering vitest); returns its output. */
function npm(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", ...args], { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), "SIGTERM");
      } catch {
        // gone
      }
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`npm run ${args.join(" ")} exited ${code ?? signal}:\n${output.slice(-4000)}`));
    });
  });
}

describe.skipIf(!enabled)("the course on JupyterHub, for a class", () => {
  let tmp: string;
  let stateDir: string;
  let courseDir: string;
  let port: number;
  let hub: ChildProcess | undefined;
  let hubExited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });
  let hubId = "";
  let log = "";
  let browser: Browser | undefined;
  const sessions = new Map<Learner, { page: Page }>();
  /** The exercise cells above the first chart: index in the notebook → the instructor's solution. */
  const solutions = new Map<number, string>();
  let chartCell = -1;
  const timings: string[] = [];
  const flowStarted = Date.now();

  const home = (learner: Learner): string => path.join(stateDir, "homes", learner, "bnlab", "notebooks");
  const tail = (): string => `\nhub log (tail):\n${log.slice(-4000)}`;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-hub-e2e-"));
    stateDir = path.join(tmp, "state");
    // The published course: the student notebooks, in a folder this test can change ("publish").
    courseDir = path.join(tmp, "course");
    fs.mkdirSync(courseDir);
    for (const file of fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb"))) fs.copyFileSync(path.join(root, "notebooks", file), path.join(courseDir, file));

    // What a learner types: the instructor's answer to each exercise above lesson 1's first chart.
    const planned = lessonAnswers(root, path.join(courseDir, `${LESSON}.ipynb`), path.join(tmp, "instructor"));
    chartCell = planned.chartCell;
    for (const [index, text] of planned.answers) solutions.set(index, text);
    expect(solutions.size, "lesson 1 has exercises above its first chart").toBeGreaterThan(0);
    for (const [, text] of solutions) expect(text).not.toMatch(/TODO/);

    port = await freePort();
    const started = Date.now();
    hub = spawn("npm", ["run", "hub", "--", "--port", String(port), "--state", stateDir, "--course", courseDir], { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    const exitedHub = hub;
    hubExited = new Promise((resolve) => exitedHub.on("exit", (code, signal) => resolve({ code, signal })));
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
    };
    hub.stdout?.on("data", onData);
    hub.stderr?.on("data", onData);
    const deadline = Date.now() + 240_000;
    while (!log.includes("the course is served at") && Date.now() < deadline && hub.exitCode === null) await new Promise((r) => setTimeout(r, 250));
    if (!log.includes("the course is served at")) throw new Error(`npm run hub did not start${tail()}`);
    hubId = (JSON.parse(fs.readFileSync(path.join(stateDir, "hub.json"), "utf8")) as { hubId: string }).hubId;
    timings.push(`hub up in ${seconds(Date.now() - started)}`);
    browser = await chromium.launch({ executablePath: findChromium() ?? undefined, headless: true, args: [...CHROMIUM_FLAGS, "--disable-sync"] });
  }, 300_000);

  afterAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, "hub-e2e.log"), log);
    await browser?.close().catch(() => {});
    // Whatever happened above: stop the hub as Ctrl-C would, then make sure nothing it started is left.
    if (hub?.pid && hub.exitCode === null && hub.signalCode === null) {
      try {
        process.kill(-hub.pid, "SIGINT");
      } catch {
        // gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-(hub?.pid ?? 0), "SIGKILL");
        } catch {
          // gone
        }
      }, 60_000);
      await hubExited;
      clearTimeout(timer);
    }
    if (hubId) await stopMarkedProcesses(hubId);
    if (tmp) {
      spawnSync("chmod", ["-R", "u+w", tmp]);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    console.log(`hub end to end (${LEARNERS.length} learners at once):\n  ${timings.join("\n  ")}`);
  }, 120_000);

  const baseUrl = (): string => `http://127.0.0.1:${port}/`;
  async function logIn(learner: Learner): Promise<Page> {
    const page = await logInAs(browser as Browser, baseUrl(), learner);
    sessions.set(learner, { page });
    return page;
  }
  const openNotebook = (page: Page, learner: Learner, name: string): Promise<void> => open(page, baseUrl(), learner, name);

  it("serves two learners at once: each solves lesson 1's first exercises, runs it and sees a chart drawn", async () => {
    await Promise.all(
      LEARNERS.map(async (learner) => {
        const started = Date.now();
        const page = await logIn(learner);
        const loggedIn = Date.now();
        try {
          await openNotebook(page, learner, LESSON);
          for (const [index, answer] of solutions) {
            const text = `// ${learner}'s answer\n${answer}`;
            expect(await typeInto(page, index, text)).toBe(text);
          }
          await runAll(page);
          const { firstOutput, chart } = await waitForFirstOutputAndChart(page);
          timings.push(`${learner}: first login to server ${seconds(loggedIn - started)}, to first output ${seconds(firstOutput - started)}, to first chart drawn ${seconds(chart - started)}`);
          // The hub's kernel is the learner kernel: Run All reaches the end, a cell that needs the
          // exercise not done yet says so in one line, every other chart is drawn.
          await waitRunFinished(page);
          timings.push(`${learner}: Run All to the end of lesson 1 in ${seconds(Date.now() - started)} since login`);
          const chartOutput = page.locator("#notebook .cell").nth(chartCell);
          expect(await chartOutput.locator(".js-plotly-plot .main-svg").count(), `${learner}: the chart cell drew its chart`).toBeGreaterThan(0);
          expect(await page.locator("#notebook .output_error").allInnerTexts(), `${learner}: no error output`).toEqual([]);
          await page.locator("button[data-jupyter-action='jupyter-notebook:save-notebook']").click();
          const file = path.join(home(learner), `${LESSON}.ipynb`);
          const deadline = Date.now() + 60_000;
          while (!fs.readFileSync(file, "utf8").includes(`${learner}'s answer`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
          expect(expectStudentRunAll(readNotebook(file)), `${learner}: charts drawn`).toBeGreaterThan(0);
          await chartOutput.scrollIntoViewIfNeeded();
          await screenshot(page, `hub-${learner}-lesson-1`);
        } catch (error) {
          await screenshot(page, `hub-${learner}-failed`).catch(() => {});
          throw new Error(`${learner}: ${(error as Error).message}${tail()}`);
        }
      }),
    );
    timings.push(`both learners done in ${seconds(Date.now() - flowStarted)} since the hub was started`);
  }, 900_000);

  it("keeps each learner's edits their own", async () => {
    const alice = fs.readFileSync(path.join(home("alice"), `${LESSON}.ipynb`), "utf8");
    const bruno = fs.readFileSync(path.join(home("bruno"), `${LESSON}.ipynb`), "utf8");
    expect(alice).toContain("alice's answer");
    expect(alice).not.toContain("bruno's answer");
    expect(bruno).toContain("bruno's answer");
    expect(bruno).not.toContain("alice's answer");
    // …also in what the other learner's browser shows, and the hub does not let one into the other's server.
    const { page } = sessions.get("bruno") as { page: Page };
    await openNotebook(page, "bruno", LESSON);
    expect(await page.locator("#notebook").innerText()).not.toContain("alice's answer");
    const response = await page.goto(`http://127.0.0.1:${port}/user/alice/tree`);
    expect(response?.status(), "bruno opening alice's server").toBe(403);
    // The shared library is read-only.
    const library = path.join(stateDir, "library", "dist", "index.js");
    expect(fs.statSync(library).mode & 0o222).toBe(0);
  }, 300_000);

  it("publishes a course update: the edited notebook keeps its edit, the untouched one updates", async () => {
    for (const name of [LESSON, OTHER]) {
      const file = path.join(courseDir, `${name}.ipynb`);
      const notebook = readNotebook(file);
      notebook.cells.push({ cell_type: "markdown", id: `${name}-update-2`, metadata: {}, source: [`## ${UPDATE}`] } as Notebook["cells"][number]);
      fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + "\n");
    }
    // Learners get it when their server starts again: Stop My Server, Start My Server.
    // One learner after the other, and the home page reloaded until the hub says the server stopped: the
    // page's own live update of the button was seen to miss the stop once when both stopped at once.
    for (const learner of LEARNERS) {
      const { page } = sessions.get(learner) as { page: Page };
      const started = Date.now();
      const home = `http://127.0.0.1:${port}/hub/home`;
      await page.goto(home);
      await page.locator("#stop").click();
      let stopped = false;
      for (const until = Date.now() + 180_000; !stopped && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 2_000));
        await page.goto(home);
        stopped = await page.evaluate(() => {
          const start = document.querySelector("#start");
          const stop = document.querySelector("#stop");
          return start !== null && (start.textContent ?? "").includes("Start") && (stop === null || (stop as HTMLElement).offsetParent === null);
        });
        // a click made before the page's script bound the button sends nothing: the hub never heard it
        if (!stopped && !log.includes(`Removing user ${learner} from proxy`) && (await page.locator("#stop").isVisible())) await page.locator("#stop").click();
      }
      expect(stopped, `${learner}'s server did not stop within 180 s`).toBe(true);
      await page.locator("#start").click();
      await page.waitForURL(new RegExp(`/user/${learner}/tree/bnlab/notebooks`), { timeout: 240_000 });
      timings.push(`${learner}: server restarted with the update in ${seconds(Date.now() - started)}`);
    }
    for (const learner of LEARNERS) {
      const edited = fs.readFileSync(path.join(home(learner), `${LESSON}.ipynb`), "utf8");
      expect(edited, `${learner}'s edited ${LESSON}`).toContain(`${learner}'s answer`);
      expect(edited, `${learner}'s edited ${LESSON}`).not.toContain(UPDATE);
      const untouched = fs.readFileSync(path.join(home(learner), `${OTHER}.ipynb`), "utf8");
      expect(untouched, `${learner}'s untouched ${OTHER}`).toContain(UPDATE);
    }
    expect(log).toMatch(/bnlab course sync \(alice\): kept-edited 01-normalize\.ipynb/);
    expect(log).toMatch(/bnlab course sync \(bruno\): updated 02-gamma-beta\.ipynb/);
    const { page } = sessions.get("alice") as { page: Page };
    await openNotebook(page, "alice", OTHER);
    await page.locator("#notebook .text_cell_render", { hasText: UPDATE }).waitFor({ timeout: 60_000 });
  }, 600_000);

  it("collects lesson 1 from the learners' homes and grades it, with a progress bar and a summary", async () => {
    const submitted = path.join(tmp, "submitted");
    const started = Date.now();
    const collected = await npm(["collect", "--", LESSON, "--homes", path.join(stateDir, "homes"), "--out", submitted], 120_000);
    expect(collected).toMatch(/collected 2 notebooks of 2 learners/);
    expect(fs.readdirSync(submitted).sort()).toEqual([...LEARNERS]);
    const graded = path.join(tmp, "graded");
    const output = await npm(["grade", "--", submitted, "--out", graded, "--secret", path.join(tmp, "course-secret")], 900_000);
    timings.push(`collect and grade ${LEARNERS.length} notebooks: ${seconds(Date.now() - started)}`);
    expect(output).toMatch(/\[#+\] 2\/2/); // the progress bar's last state
    expect(output).toMatch(/graded 2 notebooks/);
    // The columns read here (learner, lesson, exercise points) never hold a comma or a quote.
    const [header, ...rows] = fs.readFileSync(path.join(graded, "gradebook.csv"), "utf8").trim().split(/\r?\n/).map((line) => line.split(","));
    expect(rows.map((r) => r[0])).toEqual([...LEARNERS]);
    const column = (id: string): number => header.indexOf(id);
    for (const row of rows) {
      // The exercises the learner typed in earn their points; the one left as TODO earns none.
      for (const id of ["1.1", "1.2"]) expect(Number(row[column(id)]), `${row[0]} exercise ${id} (${header.join(",")})`).toBeGreaterThan(0);
      expect(Number(row[column("1.3")]), `${row[0]} exercise 1.3`).toBe(0);
    }
  }, 1_200_000);

  it("stops the hub and every server and kernel it started on Ctrl-C", async () => {
    expect(markedProcesses(hubId).length, "processes the hub started while it runs").toBeGreaterThan(3);
    const started = Date.now();
    process.kill(-(hub?.pid ?? 0), "SIGINT");
    const { code, signal } = await hubExited;
    timings.push(`Ctrl-C to everything stopped: ${seconds(Date.now() - started)}`);
    // npm itself, like a shell, may die of the SIGINT once the hub tool has finished.
    expect(code === 0 || signal === "SIGINT", `npm run hub exited with ${code ?? signal}`).toBe(true);
    expect(log).toContain("bnlab hub: stopped.");
    expect(markedProcesses(hubId)).toEqual([]);
    const leftBehind = /stopped (\d+) process\(es\) the hub left behind/.exec(log);
    if (leftBehind) timings.push(`after the hub exited, npm run hub stopped ${leftBehind[1]} process(es) it had left`);
    await expect(fetch(`http://127.0.0.1:${port}/hub/api`)).rejects.toThrow();
  }, 120_000);
});
