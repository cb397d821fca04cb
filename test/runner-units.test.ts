import { describe, expect, it } from "vitest";
import { errorInfo } from "../src/course/jupyter/error-info";
import { runExecuteCli } from "../src/course/jupyter/execute-cli";
import { OutputCollector, type DisplayRegistry } from "../src/course/jupyter/output-collector";
import { decodeMessage, encodeMessage, newHeader, type JupyterMessage } from "../src/course/jupyter/wire";
import { serializeNotebook, type Notebook } from "../src/course/notebook/nbformat";

function iopub(msgType: string, content: Record<string, unknown>): JupyterMessage {
  return { header: newHeader(msgType, "s"), parent_header: {}, metadata: {}, content, buffers: [] };
}

describe("wire protocol", () => {
  const key = "secret";
  const msg = { header: newHeader("execute_request", "sess"), parent_header: {}, metadata: {}, content: { code: "1 + 1" } };

  it("round-trips a signed message, with routing ids in front", () => {
    const frames = [Buffer.from("routing-id"), ...encodeMessage(key, msg)];
    const decoded = decodeMessage(key, frames);
    expect(decoded.header).toEqual(msg.header);
    expect(decoded.content).toEqual({ code: "1 + 1" });
  });

  it("rejects a tampered message or a wrong key", () => {
    const frames = encodeMessage(key, msg);
    frames[5] = Buffer.from(JSON.stringify({ code: "evil()" }));
    expect(() => decodeMessage(key, frames)).toThrow(/signature does not match/);
    expect(() => decodeMessage("other", encodeMessage(key, msg))).toThrow(/signature does not match/);
    expect(() => decodeMessage(key, encodeMessage(key, msg).slice(0, 4))).toThrow(/malformed message: 4 frames/);
  });

  it("signs with HMAC-SHA256 over header, parent, metadata, content", async () => {
    const { createHmac } = await import("node:crypto");
    const frames = encodeMessage(key, msg);
    const hmac = createHmac("sha256", key);
    for (const f of frames.slice(2, 6)) hmac.update(f);
    expect(frames[1].toString()).toBe(hmac.digest("hex"));
  });
});

describe("OutputCollector", () => {
  it("merges consecutive streams of the same name only", () => {
    const c = new OutputCollector();
    c.handle(iopub("stream", { name: "stdout", text: "a" }));
    c.handle(iopub("stream", { name: "stdout", text: "b\n" }));
    c.handle(iopub("stream", { name: "stderr", text: "e\n" }));
    c.handle(iopub("stream", { name: "stdout", text: "c\n" }));
    expect(c.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "ab\n" },
      { output_type: "stream", name: "stderr", text: "e\n" },
      { output_type: "stream", name: "stdout", text: "c\n" },
    ]);
    expect(c.stderr()).toBe("e\n");
  });

  it("updates displays by display_id across executions and drops transient", () => {
    const displays: DisplayRegistry = new Map();
    const first = new OutputCollector(displays);
    first.handle(iopub("display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "p" } }));
    const second = new OutputCollector(displays);
    second.handle(iopub("update_display_data", { data: { "text/plain": "100%" }, metadata: {}, transient: { display_id: "p" } }));
    expect(first.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "100%" }, metadata: {} }]);
    expect(second.outputs).toEqual([]);
  });

  it("clear_output clears at once, or with wait=true just before the next output", () => {
    const c = new OutputCollector();
    c.handle(iopub("stream", { name: "stdout", text: "1\n" }));
    c.handle(iopub("clear_output", { wait: true }));
    expect(c.outputs).toHaveLength(1);
    c.handle(iopub("stream", { name: "stdout", text: "2\n" }));
    expect(c.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "2\n" }]);
    c.handle(iopub("clear_output", { wait: false }));
    expect(c.outputs).toEqual([]);
  });

  it("keeps execute_result counts and error outputs", () => {
    const c = new OutputCollector();
    c.handle(iopub("execute_result", { execution_count: 3, data: { "text/plain": "42" }, metadata: {} }));
    c.handle(iopub("error", { ename: "E", evalue: "v", traceback: ["t"] }));
    expect(c.outputs).toEqual([
      { output_type: "execute_result", execution_count: 3, data: { "text/plain": "42" }, metadata: {} },
      { output_type: "error", ename: "E", evalue: "v", traceback: ["t"] },
    ]);
  });
});

describe("errorInfo (tslab prints errors to stderr)", () => {
  it("finds the exception line after node's source excerpt", () => {
    const stderr = 'evalmachine.<anonymous>:2\nthrow new Error("boom");\n^\n\nError: boom\n    at evalmachine.<anonymous>:2:7\n';
    expect(errorInfo([], stderr)).toMatchObject({ ename: "Error", evalue: "boom" });
    expect(errorInfo([], "ShapeError [E1]: bad shape\n")).toMatchObject({ ename: "ShapeError", evalue: "bad shape" });
  });

  it("names TypeScript diagnostics", () => {
    expect(errorInfo([], "1:7 - Cannot find name 'x'.\n2:1 - Another.\n")).toMatchObject({ ename: "TypeScriptError", evalue: "1:7 - Cannot find name 'x'.\n2:1 - Another." });
  });

  it("prefers a real error output", () => {
    expect(errorInfo([{ output_type: "error", ename: "X", evalue: "y", traceback: [] }], "Error: other")).toMatchObject({ ename: "X" });
  });
});

describe("execute CLI arguments", () => {
  it("refuses bad arguments with exit code 2, saying why", async () => {
    const refusal = async (args: string[]): Promise<string> => {
      const lines: string[] = [];
      expect(await runExecuteCli(args, (line) => lines.push(line))).toBe(2);
      return lines.join("\n");
    };
    expect(await refusal([])).toMatch(/no notebooks/);
    expect(await refusal(["a.ipynb", "--nope"])).toMatch(/unknown option .--nope/i);
    expect(await refusal(["a.ipynb", "--timeout-cell", "x"])).toMatch(/--timeout-cell: expected a positive number of seconds, got x/);
    expect(await refusal(["a.ipynb", "--timeout-notebook=-1"])).toMatch(/--timeout-notebook: expected a positive number of seconds, got -1/);
    expect(await refusal(["a.ipynb", "--out"])).toMatch(/--out/);
    for (const bad of ["x", "0", "-512", "1.5"]) {
      expect(await refusal(["a.ipynb", `--memory-mb=${bad}`])).toMatch(new RegExp(`--memory-mb: expected a whole number of megabytes \\(at least 64\\), got ${bad}`));
    }
  });
});

describe("saved output form", () => {
  it("splits stream text and text MIME data into lines like Jupyter", () => {
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          id: "c",
          metadata: {},
          source: "x",
          execution_count: 1,
          outputs: [
            { output_type: "stream", name: "stdout", text: "a\nb\n" },
            { output_type: "display_data", data: { "text/html": "<p>\n</p>", "image/png": "AAAA\nBBBB", "application/json": { a: 1 } }, metadata: {} },
          ],
        },
      ],
    };
    const cell = (JSON.parse(serializeNotebook(nb)) as Notebook).cells[0];
    expect(cell.cell_type === "code" && cell.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: ["a\n", "b\n"] },
      { output_type: "display_data", data: { "text/html": ["<p>\n", "</p>"], "image/png": "AAAA\nBBBB", "application/json": { a: 1 } }, metadata: {} },
    ]);
  });
});
