import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { jsBackend, backend, Backend, useBackend } from "../src/tensor/backend";
import { loadWasmBackend, WASM_BACKEND_FILE, wasmBackendError } from "../src/tensor/backend-wasm";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { backendChosenBy } from "./helpers/backend-choice";

/** The backend the library chose when it loaded (BNLAB_BACKEND, else the fastest). */
const startBackend = backend();

type Op = "matmul" | "matmulTransA" | "matmulTransB";
const OPS: Op[] = ["matmul", "matmulTransA", "matmulTransB"];

const wasm = loadWasmBackend();
const rng = new Rng("kernel-wasm-test");

function random(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Both backends on the same random operands; the outputs, and the length they must fill. */
function compare(fast: Backend, op: Op, m: number, k: number, n: number) {
  const a = random(m * k), b = random(k * n);
  const expected = new Float64Array(m * n).fill(NaN);
  const actual = new Float64Array(m * n).fill(NaN);
  jsBackend[op](a, b, expected, m, k, n);
  fast[op](a, b, actual, m, k, n);
  return { expected, actual };
}

/** |x − y| ≤ 1e-12·(1 + |y|) everywhere (matmulTransB adds in a different order). */
function expectClose(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  }
  expect(Number.isNaN(worst)).toBe(false);
  expect(worst).toBeLessThanOrEqual(1e-12);
}

// sizes around the block sizes (4 rows, 4 or 2 columns, 2 along k), and the step's own shapes
const EDGE_SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17];
const STEP_SHAPES: Array<[number, number, number]> = [
  [60, 784, 100],
  [100, 60, 784],
  [60, 100, 784],
  [60, 100, 100],
  [60, 100, 10],
  [10, 60, 100],
];

describe("the WebAssembly backend", () => {
  afterEach(() => useBackend(startBackend));

  it("loads here (Node has WebAssembly with SIMD); the default backend is the native one (test/backend-native.test.ts)", () => {
    expect(wasmBackendError).toBeNull();
    expect(wasm).not.toBeNull();
    expect(wasm!.name).toBe("wasm-simd");
  });

  for (const op of OPS) {
    describe(op, () => {
      it("matches the TypeScript backend on every small shape, including 1×1 and K = 1", () => {
        for (const m of EDGE_SIZES) {
          for (const k of EDGE_SIZES) {
            for (const n of EDGE_SIZES) {
              const { expected, actual } = compare(wasm!, op, m, k, n);
              if (op === "matmulTransB") expectClose(actual, expected);
              else expect(actual).toEqual(expected); // same sums in the same order: bit for bit
            }
          }
        }
      });

      it("matches on random shapes, the training step's shapes and a large one", () => {
        const shapes: Array<[number, number, number]> = [...STEP_SHAPES, [257, 301, 263]];
        for (let t = 0; t < 20; t++) {
          shapes.push([1 + Math.floor(rng.uniform(0, 90)), 1 + Math.floor(rng.uniform(0, 90)), 1 + Math.floor(rng.uniform(0, 90))]);
        }
        for (const [m, k, n] of shapes) {
          const { expected, actual } = compare(wasm!, op, m, k, n);
          expectClose(actual, expected);
        }
      });

      it("writes zeros when K = 0 and nothing when the output is empty", () => {
        const out = new Float64Array(6).fill(7);
        wasm![op](new Float64Array(0), new Float64Array(0), out, 2, 0, 3);
        expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
        const none = new Float64Array(0);
        wasm![op](new Float64Array(0), random(5), none, 0, 5, 1);
      });
    });
  }

  it("stays correct after its memory grows (memory.grow detaches the old views)", () => {
    const small = compare(wasm!, "matmul", 3, 5, 7);
    expect(small.actual).toEqual(small.expected);
    const big = compare(wasm!, "matmulTransA", 700, 600, 650); // ~10 MB of operands: the memory must grow
    expectClose(big.actual, big.expected);
    const again = compare(wasm!, "matmulTransB", 9, 11, 13);
    expectClose(again.actual, again.expected);
  });

  it("reads only the first m·k and k·n entries and writes only the first m·n", () => {
    const a = random(2 * 3 + 4), b = random(3 * 2 + 5);
    const out = new Float64Array(4 + 3).fill(-1);
    const expected = new Float64Array(4);
    wasm!.matmul(a, b, out, 2, 3, 2);
    jsBackend.matmul(a.subarray(0, 6), b.subarray(0, 6), expected, 2, 3, 2);
    expect(Array.from(out.subarray(0, 4))).toEqual(Array.from(expected));
    expect(Array.from(out.subarray(4))).toEqual([-1, -1, -1]);
  });

  it("gives Matrix the same products as the TypeScript backend", () => {
    const x = new Matrix(13, 21, random(13 * 21));
    const w = new Matrix(17, 21, random(17 * 21));
    useBackend(jsBackend);
    const reference = [x.matmulTransB(w), x.matmulTransB(w).matmulTransA(x), x.matmulTransB(w).matmul(w)];
    useBackend(wasm!);
    const fast = [x.matmulTransB(w), x.matmulTransB(w).matmulTransA(x), x.matmulTransB(w).matmul(w)];
    fast.forEach((f, i) => expectClose(f.data, reference[i].data));
  });
});

describe("falling back to the TypeScript backend", () => {
  afterEach(() => {
    useBackend(startBackend);
  });

  it("returns null without WebAssembly, and says why", () => {
    expect(loadWasmBackend({ webAssembly: null })).toBeNull();
    expect(wasmBackendError).toMatch(/no WebAssembly/);
  });

  it("returns null when the runtime rejects the module (e.g. no SIMD)", () => {
    const noSimd = {
      Module: class {
        constructor() {
          throw new Error("WebAssembly.Module(): Compiling function failed: invalid simd opcode");
        }
      },
      Instance: class {
        exports = {};
      },
    };
    expect(loadWasmBackend({ webAssembly: noSimd })).toBeNull();
    expect(wasmBackendError).toMatch(/simd/);
  });

  it("returns null when the binary is missing or not WebAssembly", () => {
    expect(loadWasmBackend({ file: path.join(os.tmpdir(), "no-such-backend.wasm") })).toBeNull();
    const bogus = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-backend-")), "bogus.wasm");
    fs.writeFileSync(bogus, "not wasm");
    expect(loadWasmBackend({ file: bogus })).toBeNull();
  });

  it("BNLAB_BACKEND=js selects the TypeScript backend, and Matrix works with it", () => {
    expect(backendChosenBy("js")).toEqual({ name: jsBackend.name, stderr: "" });
    useBackend(jsBackend);
    expect(Matrix.fromArray([[1, 2]]).matmul(Matrix.fromArray([[3], [4]])).toArray()).toEqual([[11]]);
  });
});

describe("the committed backend.wasm", () => {
  it("is exactly what `npm run build:wasm` makes of backends/wasm/index.ts", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-backend-"));
    const rebuilt = path.join(dir, "backend.wasm");
    execFileSync(process.execPath, [path.join(__dirname, "..", "scripts", "build-wasm.mjs"), "--out", rebuilt], { stdio: "pipe" });
    const committed = fs.readFileSync(WASM_BACKEND_FILE);
    const fresh = fs.readFileSync(rebuilt);
    expect(fresh.equals(committed), "src/tensor/wasm/backend.wasm is stale: run `npm run build:wasm` and commit it").toBe(true);
  }, 240_000); // the AssemblyScript compiler takes ~10 s alone and minutes on a loaded machine
});
