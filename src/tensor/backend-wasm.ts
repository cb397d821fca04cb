/**
 * The WebAssembly backend: the same functions as the plain TypeScript backend
 * (the three products and the fused batch-norm passes), computed by f64x2 SIMD
 * code compiled from backends/wasm/index.ts (`npm run build:wasm` writes
 * src/tensor/wasm/backend.wasm).
 *
 * WebAssembly code can only read its own memory, so each call copies its
 * operands into a scratch region of that memory and the results back out. For
 * a product the copies cost O(mk + kn + mn) against the O(mkn) of the product.
 *
 * Loading is synchronous (fs.readFileSync + new WebAssembly.Module), so it works
 * at import time, in a tslab notebook as under Node or vitest. Where WebAssembly
 * or its SIMD instructions are missing, loadWasmBackend() returns null and the
 * plain TypeScript backend stays in use.
 */
import * as fs from "fs";
import * as path from "path";
import type { Backend } from "./backend";
import * as elementwise from "./elementwise";
import { checkBatchNormBackward, checkBatchNormNormalize, checkBatchNormStats, checkElementwise, checkProduct } from "./backend-args";
import { convPasses } from "./conv-passes";

/** Where the compiled backend lives. */
export const WASM_BACKEND_FILE = path.join(__dirname, "wasm", "backend.wasm");

/** The part of the WebAssembly API this loader needs (declared here: lib es2022 has no WebAssembly types). */
export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

type Product = (a: number, b: number, out: number, m: number, k: number, n: number, accumulate: number) => void;

/** What backend.wasm exports (byte offsets into `memory`, sizes, flags as 0/1). */
interface BackendExports {
  memory: WasmMemory;
  heapBase(): number;
  matmul: Product;
  matmulTransA: Product;
  matmulTransB: Product;
  batchNormStats(x: number, mean: number, variance: number, n: number, c: number): void;
  batchNormNormalize(x: number, mean: number, invStd: number, gamma: number, beta: number, xhat: number, y: number, n: number, c: number, hasAffine: number): void;
  batchNormBackward(
    dy: number, xhat: number, invStd: number, gamma: number, dgamma: number, dbeta: number, dx: number,
    n: number, c: number, hasAffine: number, batchStats: number, sums: number,
  ): void;
  sigmoid(x: number, y: number, len: number): void;
}

interface LoadWasmOptions {
  /** The .wasm file (default: src/tensor/wasm/backend.wasm). */
  file?: string;
  /** The WebAssembly API (default: the global one; null simulates a runtime without it). */
  webAssembly?: WebAssemblyApi | null;
}

/** Why the last loadWasmBackend() returned null (for diagnostics), or null if it loaded. */
export let wasmBackendError: string | null = null;

/** The WebAssembly backend, or null if it cannot be loaded here. */
export function loadWasmBackend(options: LoadWasmOptions = {}): Backend | null {
  const api =
    options.webAssembly !== undefined ? options.webAssembly : (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  wasmBackendError = null;
  if (!api) {
    wasmBackendError = "this JavaScript runtime has no WebAssembly";
    return null;
  }
  try {
    const bytes = fs.readFileSync(options.file ?? WASM_BACKEND_FILE);
    const instance = new api.Instance(new api.Module(bytes), {});
    return wasmBackend(instance.exports as BackendExports);
  } catch (e) {
    wasmBackendError = e instanceof Error ? e.message : String(e);
    return null;
  }
}

const PAGE = 65536;

function wasmBackend(wasm: BackendExports): Backend {
  const base = align16(wasm.heapBase());
  let heap = new Float64Array(wasm.memory.buffer);

  /** A view of the whole memory with room for `bytes` bytes from `base`; memory.grow detaches old views. */
  function reserve(bytes: number): Float64Array {
    const missing = base + bytes - wasm.memory.buffer.byteLength;
    if (missing > 0) wasm.memory.grow(Math.ceil(missing / PAGE));
    if (heap.buffer !== wasm.memory.buffer) heap = new Float64Array(wasm.memory.buffer);
    return heap;
  }

  /** Copy a (aLen) and b (bLen) in (and out, to accumulate), run the product, copy out (outLen) back. */
  function run(
    name: string, product: Product, a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number,
    aLen: number, bLen: number, accumulate: boolean,
  ): void {
    checkProduct(name, a, b, out, m, k, n); // a short array would make the backend read stale memory
    const outLen = m * n;
    if (outLen === 0) return;
    const h = place(aLen, bLen, outLen);
    const [aAt, bAt, outAt] = offsets;
    copyIn(h, a, aLen, aAt);
    copyIn(h, b, bLen, bAt);
    if (accumulate) copyIn(h, out, outLen, outAt);
    product(aAt, bAt, outAt, m, k, n, accumulate ? 1 : 0);
    copyOut(h, outAt, out, outLen);
  }

  /**
   * Byte offsets for arrays of the given lengths, one after the other from
   * `base` (16-byte aligned), with the memory grown to hold them all.
   */
  const offsets: number[] = [];
  function place(...lengths: number[]): Float64Array {
    let at = base;
    offsets.length = 0;
    for (const len of lengths) {
      offsets.push(at);
      at = align16(at + len * 8);
    }
    return reserve(at - base);
  }

  return {
    name: "wasm-simd",
    matmul: (a, b, out, m, k, n) => run("matmul", wasm.matmul, a, b, out, m, k, n, m * k, k * n, false),
    matmulTransA: (a, b, out, m, k, n, accumulate = false) => run("matmulTransA", wasm.matmulTransA, a, b, out, m, k, n, k * m, k * n, accumulate),
    matmulTransB: (a, b, out, m, k, n) => run("matmulTransB", wasm.matmulTransB, a, b, out, m, k, n, m * k, n * k, false),

    batchNormStats(x, mean, variance, n, c) {
      checkBatchNormStats("batchNormStats", x, mean, variance, n, c);
      if (c === 0) return;
      const h = place(n * c, c, c);
      const [xAt, meanAt, varAt] = offsets;
      copyIn(h, x, n * c, xAt);
      wasm.batchNormStats(xAt, meanAt, varAt, n, c);
      copyOut(h, meanAt, mean, c);
      copyOut(h, varAt, variance, c);
    },

    batchNormNormalize(x, mean, invStd, gamma, beta, xhat, y, n, c) {
      checkBatchNormNormalize("batchNormNormalize", x, mean, invStd, gamma, beta, xhat, y, n, c);
      if (n * c === 0) return;
      const affine = gamma !== null;
      const h = place(n * c, c, c, c, c, n * c, affine ? n * c : 0);
      const [xAt, meanAt, invStdAt, gammaAt, betaAt, xhatAt, yAt] = offsets;
      copyIn(h, x, n * c, xAt);
      copyIn(h, mean, c, meanAt);
      copyIn(h, invStd, c, invStdAt);
      if (affine) {
        copyIn(h, gamma, c, gammaAt);
        zeroOrCopyIn(h, beta, c, betaAt);
      }
      wasm.batchNormNormalize(xAt, meanAt, invStdAt, gammaAt, betaAt, xhatAt, yAt, n, c, affine ? 1 : 0);
      copyOut(h, xhatAt, xhat, n * c);
      if (affine) copyOut(h, yAt, y, n * c);
    },

    batchNormBackward(dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c, batchStats) {
      checkBatchNormBackward("batchNormBackward", dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c);
      if (n * c === 0) return;
      const affine = gamma !== null;
      const h = place(n * c, n * c, c, c, c, c, n * c, 4 * c);
      const [dyAt, xhatAt, invStdAt, gammaAt, dgammaAt, dbetaAt, dxAt, sumsAt] = offsets;
      copyIn(h, dy, n * c, dyAt);
      copyIn(h, xhat, n * c, xhatAt);
      copyIn(h, invStd, c, invStdAt);
      if (affine) {
        copyIn(h, gamma, c, gammaAt);
        zeroOrCopyIn(h, dgamma, c, dgammaAt);
        zeroOrCopyIn(h, dbeta, c, dbetaAt);
      }
      wasm.batchNormBackward(dyAt, xhatAt, invStdAt, gammaAt, dgammaAt, dbetaAt, dxAt, n, c, affine ? 1 : 0, batchStats ? 1 : 0, sumsAt);
      if (affine && dgamma !== null) copyOut(h, dgammaAt, dgamma, c);
      if (affine && dbeta !== null) copyOut(h, dbetaAt, dbeta, c);
      copyOut(h, dxAt, dx, n * c);
    },

    sigmoid(x, y, len) {
      checkElementwise("sigmoid", len, { x, y });
      if (len === 0) return;
      const h = place(len, len);
      const [xAt, yAt] = offsets;
      copyIn(h, x, len, xAt);
      wasm.sigmoid(xAt, yAt, len);
      copyOut(h, yAt, y, len);
    },

    // one pass over memory each: copying into WebAssembly memory would cost more than the pass
    ...elementwise, // axpy, sumRows, addRow, sigmoidBackward
    // the convolutional passes: one pass over memory each too (conv-passes.ts)
    ...convPasses,
  };
}

/** heap[at/8 …] = the first len entries of src. */
function copyIn(heap: Float64Array, src: Float64Array, len: number, at: number): void {
  heap.set(src.length === len ? src : src.subarray(0, len), at / 8);
}

/** An array copied in, or zeros in its place when it is null (no β; a gradient with none to keep). */
function zeroOrCopyIn(heap: Float64Array, src: Float64Array | null, len: number, at: number): void {
  if (src === null) heap.fill(0, at / 8, at / 8 + len);
  else copyIn(heap, src, len, at);
}

/** The first len entries of dst = heap[at/8 …]. */
function copyOut(heap: Float64Array, at: number, dst: Float64Array, len: number): void {
  dst.set(heap.subarray(at / 8, at / 8 + len));
}

function align16(bytes: number): number {
  return (bytes + 15) & ~15;
}
