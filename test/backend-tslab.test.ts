/**
 * The fast backend in a real tslab kernel: the compiled library (dist/) must
 * find and load the native backend (backend.node) synchronously, or backend.wasm
 * where there is none, and agree with the TypeScript backend.
 */
import { describe, expect, it } from "vitest";
import { nativeExpectedHere } from "./helpers/native";
import { executeNotebook } from "../src/course/jupyter";
import { projectRoot } from "../src/course/jupyter/project-root";
import type { CodeCell, Notebook } from "../src/course/notebook/nbformat";

describe("the backend in a tslab notebook", () => {
  it("loads the WebAssembly backend by default, and its products match the TypeScript backend's", async () => {
    const source = [
      'import { backend, jsBackend, useBackend, Matrix } from "./src/index";',
      "const a = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);",
      "const b = Matrix.fromArray([[1, 0], [2, 1], [0, 3]]);",
      "const fast = a.matmul(b).toArray();",
      "const name = backend().name;",
      "useBackend(jsBackend);",
      "console.log(JSON.stringify({ name, fast, plain: a.matmul(b).toArray() }));",
    ].join("\n");
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: "code", id: "backend-0", metadata: {}, execution_count: null, outputs: [], source } as CodeCell],
    } as Notebook;
    const { notebook: out, errors } = await executeNotebook(nb, { cwd: projectRoot(), cellTimeoutMs: 120_000 });
    expect(errors).toEqual([]);
    const stdout = (out.cells[0] as CodeCell).outputs
      .map((o) => (o.output_type === "stream" ? ([] as string[]).concat(o.text).join("") : ""))
      .join("");
    const printed = JSON.parse(stdout.trim());
    expect(printed.name).toBe(nativeExpectedHere() ? "native-avx2" : "wasm-simd"); // dist/ loads the native backend in a tslab kernel
    expect(printed.fast).toEqual([[5, 11], [14, 23]]);
    expect(printed.plain).toEqual(printed.fast);
  }, 180_000);
});
