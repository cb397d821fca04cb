/**
 * `npm run bench:hub [-- --learners N]`: how a class fares on this machine's hub. Starts the hub
 * (as `npm run hub` does, in a temporary state folder), logs N learners in at the same time in
 * headless Chromium, and has each type lesson 1's first answers and Run All until a chart is
 * drawn. Prints, per learner, the time from login to their server, to the first output and to the
 * first chart, and the whole run. A benchmark: it never fails on a slow machine; it exits non-zero
 * only when a learner did not get to a chart.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { setUpHub, startHub } from "../src/course/hub";
import { freePort } from "../src/course/jupyter/connection";
import { ensureLibraryBuilt } from "../src/course/library/build-library";
import { CHROMIUM_FLAGS, findChromium } from "../test/helpers/browser";
import { lessonAnswers, logIn, openNotebook, runAll, typeInto, waitForFirstOutputAndChart } from "../test/helpers/hub-learner";

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf("--learners");
  const learners = at >= 0 ? Number(argv[at + 1]) : 4;
  if (!Number.isInteger(learners) || learners < 1) throw new Error("--learners needs a positive whole number");
  const chromiumPath = findChromium();
  if (!chromiumPath) throw new Error("Chromium not found (apt-get install -y chromium)");
  const root = path.resolve(__dirname, "..");
  ensureLibraryBuilt(root);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-bench-hub-"));
  const lesson = "01-normalize";
  const { answers } = lessonAnswers(root, path.join(root, "notebooks", `${lesson}.ipynb`), path.join(tmp, "instructor"));
  const setup = await setUpHub({ root, port: await freePort(), stateDir: path.join(tmp, "state"), courseDir: path.join(root, "notebooks") });
  const started = Date.now();
  const hub = await startHub(setup);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: [...CHROMIUM_FLAGS, "--disable-sync"] });
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  let failed = 0;
  try {
    console.log(`bench:hub: ${learners} learners at once on ${os.cpus().length} cores (hub up in ${s(Date.now() - started)})`);
    const classStarted = Date.now();
    const results = await Promise.all(
      Array.from({ length: learners }, async (_, i) => {
        const learner = `learner${String(i + 1).padStart(2, "0")}`;
        const t0 = Date.now();
        try {
          const page = await logIn(browser, hub.url, learner);
          const server = Date.now();
          await openNotebook(page, hub.url, learner, lesson);
          for (const [index, answer] of answers) await typeInto(page, index, answer);
          await runAll(page);
          const { firstOutput, chart } = await waitForFirstOutputAndChart(page);
          return `${learner}: server ${s(server - t0)}, first output ${s(firstOutput - t0)}, first chart ${s(chart - t0)}`;
        } catch (error) {
          failed++;
          return `${learner}: FAILED after ${s(Date.now() - t0)}: ${(error as Error).message.split("\n")[0]}`;
        }
      }),
    );
    for (const line of results) console.log(`  ${line}`);
    console.log(`bench:hub: every learner at a chart ${s(Date.now() - classStarted)} after the first login (${learners - failed}/${learners} got there)`);
  } finally {
    await browser.close();
    await hub.stop();
    spawnSync("chmod", ["-R", "u+w", tmp]); // the shared library is read-only
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench:hub: ${(err as Error).message}`);
    process.exit(1);
  },
);
