/**
 * The arithmetic kernel: the few loops that do the heavy work behind `Matrix`.
 *
 * Nobody needs to read this file to follow the course. Every function works on
 * plain row-major `Float64Array`s with explicit sizes, writes into `out`, and
 * allocates nothing, so a faster implementation (WebAssembly) can replace it
 * behind the same interface. This plain TypeScript version stays the reference
 * that every fast kernel is tested against.
 *
 * The default is the WebAssembly SIMD kernel of kernel-wasm.ts when it loads,
 * else this one; BNLAB_KERNEL=js in the environment forces this one.
 */
import { loadWasmKernel } from "./kernel-wasm";

export interface Kernel {
  readonly name: string;
  /** out(m×n) = a(m×k) · b(k×n) */
  matmul(a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number): void;
  /** out(m×n) = aᵀ · b, where a is (k×m) and b is (k×n) */
  matmulTransA(a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number): void;
  /** out(m×n) = a · bᵀ, where a is (m×k) and b is (n×k) */
  matmulTransB(a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number): void;
}

/** Register-blocked, allocation-free loops in plain TypeScript. */
export const jsKernel: Kernel = {
  name: "js",

  matmul(a, b, out, m, k, n) {
    out.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const oi = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[ai + p];
        if (aip === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) out[oi + j] += aip * b[bp + j];
      }
    }
  },

  matmulTransA(a, b, out, m, k, n) {
    out.fill(0, 0, m * n);
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const api = a[ap + i];
        if (api === 0) continue;
        const oi = i * n;
        for (let j = 0; j < n; j++) out[oi + j] += api * b[bp + j];
      }
    }
  },

  matmulTransB(a, b, out, m, k, n) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let p = 0;
        for (; p + 3 < k; p += 4) {
          s0 += a[ai + p] * b[bj + p];
          s1 += a[ai + p + 1] * b[bj + p + 1];
          s2 += a[ai + p + 2] * b[bj + p + 2];
          s3 += a[ai + p + 3] * b[bj + p + 3];
        }
        for (; p < k; p++) s0 += a[ai + p] * b[bj + p];
        out[i * n + j] = s0 + s1 + s2 + s3;
      }
    }
  },
};

let active: Kernel = defaultKernel();

/** The WebAssembly kernel if it loads (and BNLAB_KERNEL is not "js"), else the TypeScript one. */
export function defaultKernel(): Kernel {
  if (typeof process !== "undefined" && process.env.BNLAB_KERNEL === "js") return jsKernel;
  return loadWasmKernel() ?? jsKernel;
}

/** The kernel `Matrix` uses now. */
export function kernel(): Kernel {
  return active;
}

/** Swap the kernel (for benchmarks and tests that compare implementations). */
export function useKernel(k: Kernel): void {
  active = k;
}
