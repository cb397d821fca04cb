/**
 * A learner's copy of the course on the hub runs in the real kernel: the hub's kernelspec (the
 * course's launcher with the learner helpers, on the read-only library snapshot) started in
 * ~/bnlab/notebooks, where `import … from "../src"` must reach the shared library through the
 * links prepareLearnerCourse makes (TypeScript resolves src/package.json's "../dist" from the link,
 * Node from its target). Run All of the STUDENT lesson 1 reaches its end as under `npm start`:
 * every chart that needs no unsolved exercise, one Skipped line for each cell that does.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpHub } from "../src/course/hub/hub-setup";
import { prepareLearnerCourse } from "../src/course/hub/learner-course";
import { executeNotebook, formatCellError } from "../src/course/jupyter";
import { projectRoot } from "../src/course/jupyter/project-root";
import { ensureLibraryBuilt } from "../src/course/library/build-library";
import type { Notebook } from "../src/course/notebook/nbformat";
import { expectStudentRunAll } from "./helpers/student-run";

const root = projectRoot();
let tmp: string;

beforeAll(() => {
  ensureLibraryBuilt(root, { quiet: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-hub-kernel-"));
});
afterAll(() => {
  fs.chmodSync(tmp, 0o755);
  const writable = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) writable(path.join(dir, entry.name));
    fs.chmodSync(dir, 0o755);
  };
  if (fs.existsSync(path.join(tmp, "state", "library"))) writable(path.join(tmp, "state", "library"));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("a learner's course copy in the hub's kernel", () => {
  it("runs the student lesson 1 to its end on the shared read-only library, with the learner helpers", async () => {
    const course = path.join(tmp, "course");
    fs.mkdirSync(course);
    const singleUser = path.join(tmp, "jupyterhub-singleuser");
    fs.writeFileSync(singleUser, "#!/bin/sh\n", { mode: 0o755 });
    const { plan } = await setUpHub({ root, port: 8000, stateDir: path.join(tmp, "state"), courseDir: course, singleUser, setupOnly: true });
    const library = plan.libraryDir;
    expect(fs.existsSync(path.join(library, "dist", "exercises", "solutions")), "reference solutions are not shared").toBe(false);
    expect(fs.statSync(path.join(library, "dist", "index.js")).mode & 0o222).toBe(0);
    fs.copyFileSync(path.join(root, "notebooks", "01-normalize.ipynb"), path.join(course, "01-normalize.ipynb"));
    const { notebooksDir } = prepareLearnerCourse({ home: path.join(tmp, "homes", "alice"), course, library });
    const spec = JSON.parse(fs.readFileSync(path.join(plan.jupyterDataDir, "kernels", "bnlab-tslab", "kernel.json"), "utf8")) as { argv: string[]; env: Record<string, string> };
    const student = JSON.parse(fs.readFileSync(path.join(notebooksDir, "01-normalize.ipynb"), "utf8")) as Notebook;
    const started = Date.now();
    const run = await executeNotebook(student, { cwd: notebooksDir, argv: spec.argv, env: { ...process.env, ...spec.env }, allowErrors: true, cellTimeoutMs: 600_000, startTimeoutMs: 240_000 });
    expect(run.errors.map((e) => formatCellError(e, "01-normalize.ipynb"))).toEqual([]);
    const drawn = expectStudentRunAll(run.notebook, true);
    console.log(`hub kernel, Run All of the student lesson 1: ${((Date.now() - started) / 1000).toFixed(1)} s, ${drawn} charts`);
    expect(drawn).toBeGreaterThan(0);
  }, 900_000);
});
