/**
 * `npm run bench:matmul`: GFLOP/s of each backend on the products of one
 * training step of the reference MLP (784-100-100-100-10, batch 60).
 *
 * The last column calls backend.wasm's exports directly on operands already in
 * its memory: what the copies in and out of WebAssembly memory cost is the gap
 * to the "wasm-simd" column.
 *
 *   npm run bench:matmul [-- --seconds 0.5]
 */
import { jsBackend, Backend } from "../src/tensor/backend";
import * as fs from "fs";
import { loadWasmBackend, WASM_BACKEND_FILE, WebAssemblyApi } from "../src/tensor/backend-wasm";
import { loadNativeBackend } from "../src/tensor/backend-native";

type Op = "matmul" | "matmulTransA" | "matmulTransB";
const SHAPES: Array<[string, Op, number, number, number]> = [
  ["forward  x·W1ᵀ   60×784·(100×784)ᵀ", "matmulTransB", 60, 784, 100],
  ["backward dyᵀ·x   (60×100)ᵀ·60×784", "matmulTransA", 100, 60, 784],
  ["backward dy·W1   60×100·100×784", "matmul", 60, 100, 784],
  ["forward  h·W2ᵀ   60×100·(100×100)ᵀ", "matmulTransB", 60, 100, 100],
  ["backward dyᵀ·h   (60×100)ᵀ·60×100", "matmulTransA", 100, 60, 100],
  ["backward dy·W2   60×100·100×100", "matmul", 60, 100, 100],
  ["square 512", "matmul", 512, 512, 512],
];

function random(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
  return a;
}

function gflops(kern: Backend, op: Op, m: number, k: number, n: number, seconds: number): number {
  const a = random(m * k), b = random(k * n), out = new Float64Array(m * n);
  let reps = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    kern[op](a, b, out, m, k, n);
    reps++;
    if ((reps & 3) === 0) elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return (2 * m * k * n * reps) / elapsed / 1e9;
}

type Product = (a: number, b: number, out: number, m: number, k: number, n: number, accumulate: number) => void;

/** The raw exports, operands placed once: the product without the copies. */
function residentBackend(): Backend {
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const wasm = new api.Instance(new api.Module(fs.readFileSync(WASM_BACKEND_FILE)), {}).exports as Record<Op, Product> & {
    memory: { buffer: ArrayBuffer; grow(pages: number): number };
    heapBase(): number;
  };
  const at = (wasm.heapBase() + 15) & ~15;
  const resident = (op: Op) => (a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number) => {
    // timing only: the operands' values do not matter, so they are not copied at all
    const need = at + (a.length + b.length + out.length) * 8;
    if (wasm.memory.buffer.byteLength < need) {
      wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / 65536));
      new Float64Array(wasm.memory.buffer).fill(0.25); // touch every page once, with ordinary numbers
    }
    wasm[op](at, at + a.length * 8, at + (a.length + b.length) * 8, m, k, n, 0);
  };
  // only the products are timed here; the elementwise passes are the copying backend's
  return {
    ...loadWasmBackend()!,
    name: "no-copy",
    matmul: resident("matmul"),
    matmulTransA: resident("matmulTransA"),
    matmulTransB: resident("matmulTransB"),
  };
}

const argv = process.argv.slice(2);
const seconds = argv.includes("--seconds") ? Number(argv[argv.indexOf("--seconds") + 1]) : 0.5;
const backends = [jsBackend, loadWasmBackend(), residentBackend(), loadNativeBackend()].filter((k): k is Backend => k !== null);
console.log(`GFLOP/s (float64, one thread)   ${backends.map((k) => k.name.padStart(12)).join("")}`);
for (const [label, op, m, k, n] of SHAPES) {
  for (const kern of backends) gflops(kern, op, m, k, n, 0.1); // warm-up
  const cells = backends.map((kern) => gflops(kern, op, m, k, n, seconds).toFixed(2).padStart(12));
  console.log(`${label.padEnd(32)}${cells.join("")}`);
}
