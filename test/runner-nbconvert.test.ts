/**
 * Our runner and Jupyter's own client (nbclient, via `jupyter nbconvert --execute`) must produce
 * the same outputs for the same notebook and kernelspec. (Execution counts differ by design:
 * nbclient takes them from execute_input, which tslab never sends; we take the execute_reply's.)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KERNEL_NAME, ensureKernelspec, executeNotebook, jupyterEnv } from "../src/course/jupyter";
import { serializeNotebook, type Notebook, type Output } from "../src/course/notebook/nbformat";

const FIXTURES = join(__dirname, "fixtures", "notebooks");
const NBCONVERT = "/usr/bin/jupyter-nbconvert";

/**
 * The cells' outputs, with the stack frames of error tracebacks left out: Jupyter starts the kernelspec's
 * learner-mode kernel (scripts/launcher/learner-executor.cjs appears as one more frame), our runner plain
 * tslab; the error's name, message and first line must still agree.
 */
function outputsOf(nb: Notebook): Output[][] {
  const withoutFrames = (o: Output): Output => {
    const text = (o as { text?: unknown }).text;
    if (Array.isArray(text)) return { ...o, text: text.filter((line) => !/^\s+at /.test(String(line))) } as Output;
    const traceback = (o as { traceback?: unknown }).traceback;
    if (!Array.isArray(traceback)) return o;
    const frameless = traceback.map((entry) => String(entry).split("\n").filter((line) => !/^\s+at /.test(line)).join("\n"));
    return { ...o, traceback: frameless } as Output;
  };
  return nb.cells.flatMap((c) => (c.cell_type === "code" ? [c.outputs.map(withoutFrames)] : []));
}

describe("agreement with jupyter nbconvert --execute", () => {
  const out = mkdtempSync(join(tmpdir(), "bnlab-nbconvert-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  for (const [name, allowErrors] of [["basic", false], ["error", true]] as const) {
    it(`${name}.ipynb: same outputs`, async () => {
      if (!existsSync(NBCONVERT)) throw new Error(`${NBCONVERT} is missing: sudo apt-get install jupyter-nbconvert python3-nbclient`);
      ensureKernelspec();
      const args = ["--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`, "--output-dir", out, join(FIXTURES, `${name}.ipynb`)];
      if (allowErrors) args.push("--allow-errors");
      execFileSync(NBCONVERT, args, { env: jupyterEnv(), stdio: "pipe", timeout: 90_000 });
      const theirs = JSON.parse(readFileSync(join(out, `${name}.ipynb`), "utf8")) as Notebook;
      const input = JSON.parse(readFileSync(join(FIXTURES, `${name}.ipynb`), "utf8")) as Notebook;
      const ours = JSON.parse(serializeNotebook((await executeNotebook(input, { cwd: FIXTURES, allowErrors })).notebook)) as Notebook;
      if (name === "error") {
        // The error cell's stderr (message + stack) is identical. The cell after it differs:
        // tslab answers "abort" to requests arriving within 200 ms of an error; nbclient gives up
        // on that cell (empty outputs), our runner waits and retries.
        expect(outputsOf(ours).slice(0, 2)).toEqual(outputsOf(theirs).slice(0, 2));
        expect(outputsOf(ours)[2]).toEqual([{ output_type: "stream", name: "stdout", text: ["after\n"] }]);
      } else {
        expect(outputsOf(ours)).toEqual(outputsOf(theirs));
      }
    });
  }
});
