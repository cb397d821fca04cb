/**
 * `npm run bench:matmul`: GFLOP/s of each backend on the products of one
 * training step of the reference MLP (784-100-100-100-10, batch 60).
 *
 * The "no-copy" column calls backend.wasm's exports directly on operands already in
 * its memory: what the copies in and out of WebAssembly memory cost is the gap
 * to the "wasm-simd" column. The last column is the native backend's opt-in
 * float32 products (setPrecision("float32")).
 *
 * Below the table, the core's peak (bench/peak.c, compiled with cc and run):
 * float64 without FMA, as the float64 products compute, and float32 with FMA;
 * each product's rate is printed as a fraction of its precision's peak.
 *
 *   npm run bench:matmul [-- --seconds 0.5]
 */
import { jsBackend, Backend } from "../src/tensor/backend";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
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

/** [float64 without FMA, float32 with FMA] peak GFLOP/s of one core, or null when bench/peak.c cannot be built here. */
function measuredPeak(): [number, number] | null {
  const exe = path.join(os.tmpdir(), `bnlab-peak-${process.pid}`);
  const built = spawnSync(process.env.CC ?? "cc", ["-O2", "-o", exe, path.join(__dirname, "peak.c")], { encoding: "utf8" });
  if (built.status !== 0) return null;
  const run = spawnSync(exe, [], { encoding: "utf8" });
  fs.rmSync(exe, { force: true });
  const [p64, p32] = run.stdout.trim().split(" ").map(Number);
  return Number.isFinite(p64) && Number.isFinite(p32) ? [p64, p32] : null;
}

const argv = process.argv.slice(2);
const seconds = argv.includes("--seconds") ? Number(argv[argv.indexOf("--seconds") + 1]) : 0.5;
const native = loadNativeBackend();
const backends = [jsBackend, loadWasmBackend(), residentBackend(), native, native?.float32 ?? null].filter((k): k is Backend => k !== null);
console.log(`GFLOP/s (one thread; float64 but the last)${backends.map((k) => k.name.padStart(k.name.length + 2)).join("")}`);
const rates: number[][] = [];
for (const [label, op, m, k, n] of SHAPES) {
  for (const kern of backends) gflops(kern, op, m, k, n, 0.1); // warm-up
  const row = backends.map((kern) => gflops(kern, op, m, k, n, seconds));
  rates.push(row);
  console.log(`${label.padEnd(42)}${row.map((r, i) => r.toFixed(2).padStart(backends[i].name.length + 2)).join("")}`);
}
const peak = measuredPeak();
if (peak === null) console.log("peak: bench/peak.c could not be built (no cc?)");
else {
  console.log(`peak of one core: float64 without FMA ${peak[0].toFixed(1)} GFLOP/s, float32 with FMA ${peak[1].toFixed(1)} GFLOP/s (bench/peak.c)`);
  const fraction = (b: Backend | null, p: number) => {
    const i = b === null ? -1 : backends.indexOf(b);
    return i < 0 ? "-" : SHAPES.map((_, s) => `${((100 * rates[s][i]) / p).toFixed(0)}%`).join(" ");
  };
  console.log(`fraction of peak, per row: ${native?.name ?? "native"} (float64) ${fraction(native, peak[0])}; float32 ${fraction(native?.float32 ?? null, peak[1])}`);
}
