/**
 * Every lesson, executed end to end through the real tslab kernel:
 * - the instructor notebook runs with no error output, and every code cell runs a second time in
 *   the same kernel without error (instructors re-run cells live);
 * - the student notebook (the committed notebooks/ file) errors only in exercise stubs, with the
 *   friendly "TODO: implement …" message.
 * Executed notebooks are kept in test-artifacts/notebooks/ for inspection.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureKernelspec, executeNotebook, formatCellError, jupyterEnv, KERNEL_NAME, KernelSession } from "../src/course/jupyter";
import { buildLessons } from "../src/course/lesson";
import { joinSource, serializeNotebook, type Notebook, type Output } from "../src/course/notebook/nbformat";

const root = path.resolve(__dirname, "..");
const lessonFiles = fs.existsSync(path.join(root, "lessons"))
  ? fs.readdirSync(path.join(root, "lessons")).filter((f) => /^\d\d-.*\.md$/.test(f)).sort()
  : [];
const artifacts = path.join(root, "test-artifacts", "notebooks");
const instructorDir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-instructor-"));
const CELL_TIMEOUT_MS = 180_000;
const NOTEBOOK_TIMEOUT_MS = 400_000;

afterAll(() => fs.rmSync(instructorDir, { recursive: true, force: true }));

const NBCONVERT = "/usr/bin/jupyter-nbconvert";
/** Instructor notebooks as our runner executed them (first Run All, before the re-runs), by lesson. */
const executedInstructor = new Map<string, Notebook>();
const PLOTLY = "application/vnd.plotly.v1+json";

/**
 * What must agree between our runner and Jupyter's: per code cell, the output types, the text
 * (with timings masked: they differ run to run) and the Plotly figures (seeded, so identical).
 * Chart HTML is left out: it carries per-process div ids.
 */
function comparable(nb: Notebook): unknown[] {
  const mask = (t: string) => t.replace(/\d+(\.\d+)?\s?(ms|s|min|steps\/s|k?steps\/s)\b/g, "<time>");
  const text = (v: unknown) => mask(Array.isArray(v) ? v.join("") : String(v ?? ""));
  return nb.cells.flatMap((c) =>
    c.cell_type !== "code"
      ? []
      : [
          c.outputs.map((o: Output) => {
            if (o.output_type === "stream") return { stream: o.name, text: text(o.text) };
            if (o.output_type === "error") return { error: o.ename };
            const data = (o as { data?: Record<string, unknown> }).data ?? {};
            return { type: o.output_type, plain: text(data["text/plain"]), plotly: data[PLOTLY] ?? null };
          }),
        ],
  );
}

function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

function keep(notebook: Notebook, name: string): void {
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, name), serializeNotebook(notebook));
}

it("has lessons to run", () => {
  expect(lessonFiles.length).toBeGreaterThan(0);
});

describe.each(lessonFiles)("%s", (lessonFile) => {
  const name = lessonFile.replace(/\.md$/, "");

  it("instructor notebook: runs with no error, then every cell re-runs in the same kernel", async () => {
    const build = buildLessons({
      root,
      lessonsDir: path.join(root, "lessons"),
      outDir: instructorDir,
      variant: "instructor",
    });
    expect(build.ok, JSON.stringify(build.entries.filter((e) => e.action === "refuse"))).toBe(true);
    const notebookFile = path.join(instructorDir, `${name}.ipynb`);
    const session = await KernelSession.start({ cwd: instructorDir });
    try {
      const run = await executeNotebook(readNotebook(notebookFile), {
        session,
        cellTimeoutMs: CELL_TIMEOUT_MS,
        notebookTimeoutMs: NOTEBOOK_TIMEOUT_MS,
      });
      keep(run.notebook, `${name}.instructor.ipynb`);
      executedInstructor.set(name, run.notebook);
      expect(run.errors.map((e) => formatCellError(e, name))).toEqual([]);
      console.log(`${name}: instructor Run All in ${(run.durationMs / 1000).toFixed(1)} s`);

      const rerunErrors: string[] = [];
      for (const [index, cell] of run.notebook.cells.entries()) {
        if (cell.cell_type !== "code" || joinSource(cell.source).trim() === "") continue;
        const result = await session.execute(joinSource(cell.source), { timeoutMs: CELL_TIMEOUT_MS });
        if (result.status !== "ok") rerunErrors.push(`cell ${index}: ${result.error?.ename}: ${result.error?.evalue}`);
      }
      expect(rerunErrors).toEqual([]);
    } finally {
      await session.shutdown();
    }
  }, 2 * NOTEBOOK_TIMEOUT_MS);

  it("instructor notebook: Jupyter's own client (nbconvert --execute) gives the same outputs as our runner", async () => {
    if (!fs.existsSync(NBCONVERT)) throw new Error(`${NBCONVERT} is missing: sudo apt-get install jupyter-nbconvert python3-nbclient`);
    ensureKernelspec();
    const notebookFile = path.join(instructorDir, `${name}.ipynb`);
    expect(fs.existsSync(notebookFile), "the instructor test above builds it").toBe(true);
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-nbconvert-"));
    try {
      execFileSync(
        NBCONVERT,
        ["--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
          `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_MS / 1000}`, "--output-dir", outDir, notebookFile],
        { env: jupyterEnv(), cwd: instructorDir, stdio: "pipe", timeout: NOTEBOOK_TIMEOUT_MS },
      );
      const theirs = readNotebook(path.join(outDir, `${name}.ipynb`));
      // Our runner's Run All from the test above (the same notebook file), or a fresh one when run alone.
      const executed =
        executedInstructor.get(name) ??
        (await executeNotebook(readNotebook(notebookFile), { cwd: instructorDir, cellTimeoutMs: CELL_TIMEOUT_MS })).notebook;
      const ours = JSON.parse(serializeNotebook(executed)) as Notebook;
      expect(comparable(ours).flat().length, "the lesson produced outputs to compare").toBeGreaterThan(0);
      expect(comparable(ours)).toEqual(comparable(theirs));
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 2 * NOTEBOOK_TIMEOUT_MS);

  it("student notebook: errors only in exercise stubs, with the friendly message", async () => {
    const notebookFile = path.join(root, "notebooks", `${name}.ipynb`);
    expect(fs.existsSync(notebookFile), `${notebookFile} is missing: run npm run build`).toBe(true);
    const run = await executeNotebook(readNotebook(notebookFile), {
      cwd: path.dirname(notebookFile),
      allowErrors: true,
      cellTimeoutMs: CELL_TIMEOUT_MS,
      notebookTimeoutMs: NOTEBOOK_TIMEOUT_MS,
    });
    keep(run.notebook, `${name}.student.ipynb`);
    const unfriendly = run.errors.filter((e) => !/TODO: implement .+ — see the exercise above/.test(e.evalue));
    expect(unfriendly.map((e) => formatCellError(e, name))).toEqual([]);
  }, NOTEBOOK_TIMEOUT_MS + 60_000);
});
