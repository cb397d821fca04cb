/**
 * The WebAssembly kernel: the same three products as the plain TypeScript
 * kernel, computed by f64x2 SIMD code compiled from kernel/assembly/index.ts
 * (`npm run build:kernel` writes src/tensor/wasm/kernel.wasm).
 *
 * WebAssembly code can only read its own memory, so each call copies a and b
 * into a scratch region of that memory and the result back into `out`. The
 * copies cost O(mk + kn + mn) against the O(mkn) of the product.
 *
 * Loading is synchronous (fs.readFileSync + new WebAssembly.Module), so it works
 * at import time, in a tslab notebook as under Node or vitest. Where WebAssembly
 * or its SIMD instructions are missing, loadWasmKernel() returns null and the
 * plain TypeScript kernel stays in use.
 */
import * as fs from "fs";
import * as path from "path";
import type { Kernel } from "./kernel";

/** Where the compiled kernel lives. */
export const WASM_KERNEL_FILE = path.join(__dirname, "wasm", "kernel.wasm");

/** The part of the WebAssembly API this loader needs (declared here: lib es2022 has no WebAssembly types). */
export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

type Product = (a: number, b: number, out: number, m: number, k: number, n: number) => void;

/** What kernel.wasm exports (byte offsets into `memory`, sizes). */
interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  matmul: Product;
  matmulTransA: Product;
  matmulTransB: Product;
}

export interface LoadWasmOptions {
  /** The .wasm file (default: src/tensor/wasm/kernel.wasm). */
  file?: string;
  /** The WebAssembly API (default: the global one; null simulates a runtime without it). */
  webAssembly?: WebAssemblyApi | null;
}

/** Why the last loadWasmKernel() returned null (for diagnostics), or null if it loaded. */
export let wasmKernelError: string | null = null;

/** The WebAssembly kernel, or null if it cannot be loaded here. */
export function loadWasmKernel(options: LoadWasmOptions = {}): Kernel | null {
  const api =
    options.webAssembly !== undefined ? options.webAssembly : (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  wasmKernelError = null;
  if (!api) {
    wasmKernelError = "this JavaScript runtime has no WebAssembly";
    return null;
  }
  try {
    const bytes = fs.readFileSync(options.file ?? WASM_KERNEL_FILE);
    const instance = new api.Instance(new api.Module(bytes), {});
    return wasmKernel(instance.exports as KernelExports);
  } catch (e) {
    wasmKernelError = e instanceof Error ? e.message : String(e);
    return null;
  }
}

const PAGE = 65536;

function wasmKernel(wasm: KernelExports): Kernel {
  const base = align16(wasm.heapBase());
  let heap = new Float64Array(wasm.memory.buffer);

  /** A view of the whole memory with room for `bytes` bytes from `base`; memory.grow detaches old views. */
  function reserve(bytes: number): Float64Array {
    const missing = base + bytes - wasm.memory.buffer.byteLength;
    if (missing > 0) wasm.memory.grow(Math.ceil(missing / PAGE));
    if (heap.buffer !== wasm.memory.buffer) heap = new Float64Array(wasm.memory.buffer);
    return heap;
  }

  /** Copy a (aLen) and b (bLen) in, run the product, copy out (outLen) back. */
  function run(product: Product, a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number, aLen: number, bLen: number): void {
    const outLen = m * n;
    if (outLen === 0) return;
    const aAt = base;
    const bAt = align16(aAt + aLen * 8);
    const outAt = align16(bAt + bLen * 8);
    const h = reserve(outAt + outLen * 8 - base);
    h.set(a.length === aLen ? a : a.subarray(0, aLen), aAt / 8);
    h.set(b.length === bLen ? b : b.subarray(0, bLen), bAt / 8);
    product(aAt, bAt, outAt, m, k, n);
    out.set(h.subarray(outAt / 8, outAt / 8 + outLen));
  }

  return {
    name: "wasm-simd",
    matmul: (a, b, out, m, k, n) => run(wasm.matmul, a, b, out, m, k, n, m * k, k * n),
    matmulTransA: (a, b, out, m, k, n) => run(wasm.matmulTransA, a, b, out, m, k, n, k * m, k * n),
    matmulTransB: (a, b, out, m, k, n) => run(wasm.matmulTransB, a, b, out, m, k, n, m * k, n * k),
  };
}

function align16(bytes: number): number {
  return (bytes + 15) & ~15;
}
