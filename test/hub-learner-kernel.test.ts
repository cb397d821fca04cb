/**
 * A learner's copy of the course on the hub runs in the real kernel: the hub's kernelspec (absolute
 * node and tslab) started in ~/bnlab/notebooks, where `import … from "../src"` must reach the
 * shared read-only library through the links prepareLearnerCourse makes (TypeScript resolves
 * src/package.json's "../dist" from the link, Node from its target).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishLibrary, writeHubKernelspec } from "../src/course/hub/hub-setup";
import { prepareLearnerCourse } from "../src/course/hub/learner-course";
import { executeNotebook } from "../src/course/jupyter";
import { projectRoot } from "../src/course/jupyter/project-root";
import { ensureLibraryBuilt } from "../src/course/library/build-library";
import type { Notebook } from "../src/course/notebook/nbformat";

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
  it("imports the shared read-only library and computes with it", async () => {
    const stateDir = path.join(tmp, "state");
    const library = publishLibrary(root, stateDir);
    expect(fs.existsSync(path.join(library, "dist", "exercises", "solutions")), "reference solutions are not shared").toBe(false);
    expect(fs.statSync(path.join(library, "dist", "index.js")).mode & 0o222).toBe(0);
    const course = path.join(tmp, "course");
    fs.mkdirSync(course);
    fs.copyFileSync(path.join(root, "notebooks", "01-normalize.ipynb"), path.join(course, "01-normalize.ipynb"));
    const { notebooksDir } = prepareLearnerCourse({ home: path.join(tmp, "homes", "alice"), course, library });
    const spec = JSON.parse(fs.readFileSync(path.join(writeHubKernelspec(root, path.join(stateDir, "share", "jupyter")), "kernel.json"), "utf8")) as { argv: string[] };
    const notebook: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "code", id: "a", metadata: {}, execution_count: null, outputs: [], source: 'import { Matrix, BatchNorm1d } from "../src";\nconst y = new BatchNorm1d(2).forward(Matrix.fromArray([[1, 2], [3, 6]]));\nconsole.log("bn", y.toArray().flat().map((v) => Math.round(v)).join(" "));' },
      ],
    } as Notebook;
    const run = await executeNotebook(notebook, { cwd: notebooksDir, argv: spec.argv, cellTimeoutMs: 120_000 });
    expect(run.errors.map((e) => e.evalue)).toEqual([]);
    const text = JSON.stringify(run.notebook.cells[0].cell_type === "code" ? run.notebook.cells[0].outputs : []);
    expect(text).toContain("bn -1 -1 1 1");
  }, 180_000);
});
