/**
 * `npm run bench:site [-- 01 02]`: each lesson's Run All in the live site (headless Chromium, served
 * locally) against the same student notebook through tslab (the learner's kernel), as a ratio; and
 * the bytes a first visit downloads (as served, and gzip-compressed as a static host would send them).
 * A benchmark: prints, never fails on a slow machine.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { executeNotebook, expectedKernelspec, jupyterEnv } from "../src/course/jupyter";
import type { Notebook } from "../src/course/notebook/nbformat";
import { openLiveSite, runAllInPage, waitReady } from "../test/helpers/live-site";

const MB = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;

async function main(): Promise<void> {
  const root = path.resolve(__dirname, "..");
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const live = await openLiveSite(wanted);
  const { site, server, browser } = live;
  const spec = expectedKernelspec(root);
  try {
    const requested = new Set<string>();
    browser.context.on("request", (r) => requested.add(new URL(r.url()).pathname.slice(1)));
    console.log("lesson                     page ready   page Run All   tslab Run All   ratio");
    for (const { lesson, notebook } of site.lessons) {
      const { page } = browser;
      const started = Date.now();
      await page.goto(`${server.url}${lesson.href}`);
      await waitReady(page);
      const readyMs = Date.now() - started;
      const inPage = await runAllInPage(page);
      const failed = Object.values(inPage.states).filter((s) => s !== "done").length;
      const input = JSON.parse(fs.readFileSync(path.join(root, notebook), "utf8")) as Notebook;
      const tslab = await executeNotebook(input, { argv: spec.argv, env: { ...jupyterEnv(process.env, root), ...spec.env }, cwd: path.join(root, "notebooks"), allowErrors: true, cellTimeoutMs: 300_000 });
      const ratio = inPage.ms / tslab.durationMs;
      console.log(
        `${lesson.name.padEnd(26)} ${(readyMs / 1000).toFixed(1).padStart(8)} s ${(inPage.ms / 1000).toFixed(1).padStart(12)} s ${(tslab.durationMs / 1000).toFixed(1).padStart(13)} s ${ratio.toFixed(2).padStart(7)}×` +
          (failed ? `  (${failed} cells not done in the page)` : ""),
      );
    }
    const firstVisit = [...requested].filter((file) => file in site.files);
    const raw = (files: string[]): number => files.reduce((sum, f) => sum + site.files[f], 0);
    const gzip = (files: string[]): number => files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(site.siteDir, f))).length, 0);
    const withoutMnist = firstVisit.filter((f) => !f.endsWith("mnist.bin"));
    const mnist = firstVisit.filter((f) => f.endsWith("mnist.bin"));
    console.log(`first visit: ${MB(raw(withoutMnist))} (${MB(gzip(withoutMnist))} gzip) before MNIST; MNIST ${MB(raw(mnist))} (${MB(gzip(mnist))} gzip), fetched once`);
  } finally {
    await live.close();
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
