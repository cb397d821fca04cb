/**
 * Run All on a fresh STUDENT notebook, in the kernel Jupyter starts (the kernelspec's launcher and
 * env), without stopping at errors: every lesson reaches its end. A cell that needs an unsolved
 * exercise prints one line naming it (or the value its cell could not compute) and raises
 * nothing; every other cell runs, and every chart that does not depend on learner code is drawn.
 * The notebook saved afterwards stays small (< 1.5 MB: plotly.js is loaded from the server, not
 * carried in the outputs). The same in an unpacked homework release, in the kernel its start.js
 * registers (the hub's case: test/hub-learner-kernel.test.ts).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatCellError } from "../src/course/jupyter/cell-error";
import { executeNotebook } from "../src/course/jupyter/execute-notebook";
import { expectedKernelspec, jupyterEnv } from "../src/course/jupyter/kernelspec";
import { releaseLessons } from "../src/course/homework/release";
import { serializeNotebook, type Notebook } from "../src/course/notebook/nbformat";
import { expectStudentRunAll } from "./helpers/student-run";

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const MAX_BYTES = 1.5 * 1024 * 1024;
const files = fs.readdirSync(NOTEBOOKS).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();

describe("Run All on a fresh student notebook", () => {
  it.each(files)("%s reaches the end, draws what does not need learner code, and saves small", async (file) => {
    const input = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, file), "utf8")) as Notebook;
    const spec = expectedKernelspec(ROOT);
    const { notebook, errors } = await executeNotebook(input, {
      cwd: NOTEBOOKS,
      env: { ...jupyterEnv(), ...spec.env },
      argv: spec.argv,
      allowErrors: true,
      cellTimeoutMs: 900_000,
      startTimeoutMs: 240_000,
    });
    expect(errors.map((e) => formatCellError(e, file))).toEqual([]);

    const drawn = expectStudentRunAll(notebook, true);
    const bytes = Buffer.byteLength(serializeNotebook(notebook), "utf8");
    console.log(`${file}: ${drawn} charts drawn, ${(bytes / 1024).toFixed(0)} KB saved`);
    expect(bytes).toBeLessThan(MAX_BYTES);
    fs.mkdirSync(path.join(ROOT, "test-artifacts", "student-run-all"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "test-artifacts", "student-run-all", file), serializeNotebook(notebook));
  }, 1_200_000);
});

describe("Run All in an unpacked homework release", () => {
  it("reaches the end of the student lesson 1 in the kernel the release's start.js registers (learner helpers, its own library)", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-release-run-"));
    try {
      const release = releaseLessons({ root: ROOT, lessons: ["01"], outDir: path.join(out, "release") });
      // the project's tslab stands in for the learner's `npm install`
      fs.symlinkSync(path.join(ROOT, "node_modules", "tslab"), path.join(release.outDir, "node_modules", "tslab"));
      spawnSync(process.execPath, [path.join(release.outDir, "start.js"), "--check"], { encoding: "utf8", env: { ...process.env, HOME: out } });
      const spec = JSON.parse(fs.readFileSync(path.join(release.outDir, ".jupyter", "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { argv: string[]; env: Record<string, string> };
      const file = release.notebooks[0];
      const input = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
      const { notebook, errors } = await executeNotebook(input, { cwd: path.dirname(file), env: { ...process.env, ...spec.env }, argv: spec.argv, allowErrors: true, cellTimeoutMs: 600_000, startTimeoutMs: 240_000 });
      expect(errors.map((e) => formatCellError(e, path.basename(file)))).toEqual([]);
      expect(expectStudentRunAll(notebook, true)).toBeGreaterThan(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 900_000);
});
