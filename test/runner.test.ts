import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { processAlive } from "./helpers/process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KernelSession, executeNotebook, type RunResult } from "../src/course/jupyter";
import { runExecuteCli } from "../src/course/jupyter/execute-cli";
import type { CodeCell, Notebook, Output } from "../src/course/notebook/nbformat";

const FIXTURES = join(__dirname, "fixtures", "notebooks");

function load(name: string): Notebook {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.ipynb`), "utf8")) as Notebook;
}

function run(name: string, opts: Parameters<typeof executeNotebook>[1] = {}): Promise<RunResult & { pid: number }> {
  let pid = -1;
  return executeNotebook(load(name), { cwd: FIXTURES, onKernelStart: (p) => (pid = p), ...opts }).then((r) => ({ ...r, pid }));
}

function code(nb: Notebook, index: number): CodeCell {
  const cell = nb.cells[index];
  if (cell.cell_type !== "code") throw new Error(`cell ${index} is not code`);
  return cell;
}

function text(outputs: Output[]): string {
  return outputs
    .map((o) => (o.output_type === "stream" ? ([] as string[]).concat(o.text).join("") : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : JSON.stringify(o.data)))
    .join("");
}

describe("executeNotebook", () => {
  it("collects streams, displays, display updates and local imports, with execution counts", async () => {
    const { notebook, errors, pid } = await run("basic");
    expect(errors).toEqual([]);
    expect(notebook.cells[0].cell_type).toBe("markdown");
    expect([1, 2, 3, 4, 5, 6].map((i) => code(notebook, i).execution_count)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(code(notebook, 1).outputs).toEqual([{ output_type: "stream", name: "stdout", text: "hi\nthere\n" }]);
    expect(code(notebook, 2).outputs).toEqual([{ output_type: "stream", name: "stderr", text: "to stderr\n" }]);
    expect(code(notebook, 3).outputs).toEqual([{ output_type: "display_data", data: { "text/html": "<b>bold</b>" }, metadata: {} }]);
    // newDisplay(): the first call displays, the second updates the same display in place.
    expect(code(notebook, 4).outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "final" }, metadata: {} }]);
    expect(text(code(notebook, 5).outputs)).toBe("hello from helper 42\n");
    expect(text(code(notebook, 6).outputs)).toBe("4\n");
    expect(processAlive(pid)).toBe(false);
  });

  it("stops at the first error and reports cell index, source and error", async () => {
    const { notebook, errors, pid } = await run("error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ cellIndex: 1, cellId: "error-1", kind: "error", ename: "RangeError", evalue: "boom at cell 1", executionCount: 2 });
    expect(errors[0].sourceHead).toContain('throw new RangeError("boom at cell 1")');
    expect(text(code(notebook, 0).outputs)).toBe("before\n");
    expect(text(code(notebook, 1).outputs)).toContain("RangeError: boom at cell 1");
    expect(code(notebook, 2).execution_count).toBeNull();
    expect(code(notebook, 2).outputs).toEqual([]);
    expect(processAlive(pid)).toBe(false);
  });

  it("with allowErrors keeps going after an error (tslab's abort window is retried)", async () => {
    const { notebook, errors } = await run("error", { allowErrors: true });
    expect(errors.map((e) => e.cellIndex)).toEqual([1]);
    expect(code(notebook, 2).execution_count).toBe(3);
    expect(text(code(notebook, 2).outputs)).toBe("after\n");
  });

  it("reports TypeScript compile errors", async () => {
    const { errors } = await run("typeerror");
    expect(errors).toHaveLength(1);
    expect(errors[0].ename).toBe("TypeScriptError");
    expect(errors[0].evalue).toMatch(/1:7 - Type 'string' is not assignable to type 'number'/);
  });

  it("treats cells tagged raises-exception as expected errors", async () => {
    const { notebook, errors, expectedErrors } = await run("expected-error");
    expect(errors).toEqual([]);
    expect(expectedErrors.map((e) => e.evalue)).toEqual(["this one is expected"]);
    expect(text(code(notebook, 1).outputs)).toBe("still running\n");
  });

  it("times out a synchronous endless loop, marks the cell and leaves no kernel behind", async () => {
    // No wall-clock bound here (timings are not tests): the vitest timeout catches a hang.
    const { notebook, errors, pid } = await run("forever", { cellTimeoutMs: 1500 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ cellIndex: 1, kind: "timeout", ename: "CellTimeoutError" });
    const outputs = code(notebook, 1).outputs;
    expect(outputs[outputs.length - 1]).toMatchObject({ output_type: "error", ename: "CellTimeoutError" });
    expect(code(notebook, 2).execution_count).toBeNull();
    expect(processAlive(pid)).toBe(false);
  });

  it("interrupts a hanging async cell and, with allowErrors, continues in the same kernel", async () => {
    const { notebook, errors } = await run("async-forever", { cellTimeoutMs: 1000, allowErrors: true });
    expect(errors.map((e) => [e.cellIndex, e.kind])).toEqual([[0, "timeout"]]);
    expect(text(code(notebook, 1).outputs)).toBe("alive after interrupt\n");
  });

  it("enforces the notebook timeout", async () => {
    // A running session, so a slow kernel start on a loaded machine does not eat the budget.
    const session = await KernelSession.start({ cwd: FIXTURES });
    try {
      const { errors } = await executeNotebook(load("forever"), { session, notebookTimeoutMs: 2500 });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ cellIndex: 1, kind: "notebook-timeout" });
      expect(errors[0].evalue).toMatch(/notebook timed out after 2\.5 s/);
    } finally {
      await session.shutdown();
    }
    expect(processAlive(session.pid)).toBe(false);
  });

  it("does not modify the input notebook", async () => {
    const input = load("error");
    const before = JSON.stringify(input);
    await executeNotebook(input, { cwd: FIXTURES });
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe("npm run execute", () => {
  it("passes its options on: --allow-errors, --timeout-cell in seconds, --verbose, --out", async () => {
    const out = mkdtempSync(join(tmpdir(), "bnlab-execute-cli-"));
    const lines: string[] = [];
    const files = [join(FIXTURES, "error.ipynb"), join(FIXTURES, "forever.ipynb")];
    expect(await runExecuteCli([...files, "--out", out, "--timeout-cell=1.5", "--allow-errors", "--verbose"], (line) => lines.push(line))).toBe(1);
    const log = lines.join("\n");
    expect(log).toMatch(/kernel pid \d+/);
    expect(log).toContain("cell 2: ok"); // error.ipynb's cell after the failing one ran
    expect(log).toContain("cell execution timed out after 1.5 s");
    expect(log).toContain("0/2 notebooks ok");
    const saved = JSON.parse(readFileSync(join(out, "error.ipynb"), "utf8")) as Notebook;
    expect(text(code(saved, 2).outputs)).toBe("after\n");
  });
});
