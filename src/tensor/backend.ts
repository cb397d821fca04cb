/**
 * The arithmetic backend: the few loops that do the heavy work behind `Matrix`.
 *
 * Nobody needs to read this file to follow the course. Every function works on
 * plain row-major `Float64Array`s with explicit sizes, writes into `out`, and
 * allocates nothing, so a faster implementation (WebAssembly) can replace it
 * behind the same interface. This plain TypeScript version stays the reference
 * that every fast backend is tested against.
 *
 * The default is the native AVX2 backend of backend-native.ts when it is built
 * and the CPU has AVX2, else the WebAssembly SIMD backend of backend-wasm.ts,
 * else this one; BNLAB_BACKEND=js (or wasm) in the environment forces one.
 */
import { loadWasmBackend, wasmBackendError } from "./backend-wasm";
import { loadNativeBackend, nativeBackendError } from "./backend-native";
import * as elementwise from "./elementwise";
import { checkBatchNormBackward, checkBatchNormNormalize, checkBatchNormStats, checkElementwise, checkProduct } from "./backend-args";
import { batchNorm2dBackward, batchNorm2dNormalize, batchNorm2dStats, convPasses } from "./conv-passes";

export interface Backend {
  readonly name: string;
  /** This backend with its matrix products and σ in float32 (see setPrecision), when it has them. */
  readonly float32?: Backend;
  /** out(m×n) = a(m×k) · b(k×n) */
  matmul(a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number): void;
  /**
   * out(m×n) = aᵀ · b, where a is (k×m) and b is (k×n); with `accumulate`,
   * out += aᵀ · b (a gradient summed straight into its buffer, no temporary).
   */
  matmulTransA(a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number, accumulate?: boolean): void;
  /** out(m×n) = a · bᵀ, where a is (m×k) and b is (n×k) */
  matmulTransB(a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number): void;

  // ---- fused batch-norm passes (the fast path of BatchNorm1d; its readable code is the reference) ----

  /**
   * Per column j of x (n×c): mean[j] = (1/n)·Σᵢ xᵢⱼ and the biased
   * variance[j] = (1/n)·Σᵢ (xᵢⱼ − mean[j])², summed in row order.
   */
  batchNormStats(x: Float64Array, mean: Float64Array, variance: Float64Array, n: number, c: number): void;
  /**
   * xhat = (x − mean)·invStd, and y = xhat·gamma + beta (per column) when
   * gamma is given (y is not written when gamma is null: y = xhat).
   */
  batchNormNormalize(
    x: Float64Array, mean: Float64Array, invStd: Float64Array, gamma: Float64Array | null, beta: Float64Array | null,
    xhat: Float64Array, y: Float64Array, n: number, c: number,
  ): void;
  /**
   * The backward pass of batch norm. When gamma is given: dgamma += Σᵢ dy·xhat,
   * dbeta += Σᵢ dy, dxhat = dy·gamma (else dxhat = dy). Then with batch
   * statistics dx = (n·dxhat − Σᵢ dxhat − xhat·Σᵢ dxhat·xhat)·(invStd·(1/n)),
   * without them (eval mode) dx = dxhat·invStd.
   */
  batchNormBackward(
    dy: Float64Array, xhat: Float64Array, invStd: Float64Array, gamma: Float64Array | null,
    dgamma: Float64Array | null, dbeta: Float64Array | null, dx: Float64Array, n: number, c: number, batchStats: boolean,
  ): void;

  /**
   * y = σ(x) = 1 / (1 + e^−x) for the first len entries, computed stably:
   * 1 / (1 + e^−x) for x ≥ 0, e^x / (1 + e^x) for x < 0 (as Sigmoid's reference code).
   */
  sigmoid(x: Float64Array, y: Float64Array, len: number): void;

  // ---- the training step's elementwise passes (reference: elementwise.ts) ----

  /** y += alpha·x for the first len entries (Matrix.addInPlace: SGD's update). */
  axpy(alpha: number, x: Float64Array, y: Float64Array, len: number): void;
  /** out[j] = Σᵢ x[i][j] over the rows of x (rows×cols), in row order (Matrix.sumRows: a bias gradient). */
  sumRows(x: Float64Array, out: Float64Array, rows: number, cols: number): void;
  /** x[i][j] += row[j] for every row of x (Matrix.addRowInPlace: Linear's bias). */
  addRow(x: Float64Array, row: Float64Array, rows: number, cols: number): void;
  /** dx = dy·y·(1 − y) elementwise, from the sigmoid's output y (Sigmoid's backward fast path). */
  sigmoidBackward(y: Float64Array, dy: Float64Array, dx: Float64Array, len: number): void;

  // ---- the convolutional network's passes over NCHW batches (reference and layouts: conv-passes.ts) ----

  /** cols[s] (c·kh·kw × oh·ow) = the k×k patches of image s of x (n×c×h×w), zeros in the padding. */
  im2col(x: Float64Array, cols: Float64Array, n: number, c: number, h: number, w: number, kh: number, kw: number, stride: number, padding: number): void;
  /** The adjoint of im2col: x = 0, then each column entry added back where it was copied from. */
  col2im(cols: Float64Array, x: Float64Array, n: number, c: number, h: number, w: number, kh: number, kw: number, stride: number, padding: number): void;
  /**
   * y[s] (out × oh·ow) = weight (out × c·kh·kw) · im2col(x[s]) + bias per channel (none when null), for each image s
   * of x (n×c×h×w): a convolution's forward pass.
   */
  conv2d(
    x: Float64Array, weight: Float64Array, bias: Float64Array | null, y: Float64Array,
    n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
  ): void;
  /**
   * dWeight += Σₛ dy[s] · im2col(x[s])ᵀ, and dBias += Σ dy per channel (when dBias is given; summed as sumChannels):
   * a convolution's weight and bias gradients.
   */
  conv2dWeightGrad(
    x: Float64Array, dy: Float64Array, dWeight: Float64Array, dBias: Float64Array | null,
    n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
  ): void;
  /** dx[s] (c×h×w) = col2im(weightᵀ · dy[s]) for each image s, dx written whole: a convolution's input gradient. */
  conv2dInputGrad(
    weight: Float64Array, dy: Float64Array, dx: Float64Array,
    n: number, c: number, h: number, w: number, out: number, kh: number, kw: number, stride: number, padding: number,
  ): void;
  /** x[s][ch][·] += bias[ch] over an n×c×p batch (a convolution's bias). */
  addChannelBias(x: Float64Array, bias: Float64Array, n: number, c: number, p: number): void;
  /** out[ch] = Σ of channel ch's n·p numbers (a convolution's bias gradient). */
  sumChannels(x: Float64Array, out: Float64Array, n: number, c: number, p: number): void;
  /** BatchNorm2d: per channel, the mean and biased variance of its n·p numbers. */
  batchNorm2dStats(x: Float64Array, mean: Float64Array, variance: Float64Array, n: number, c: number, p: number): void;
  /** BatchNorm2d: xhat = (x − mean)·invStd, y = xhat·gamma + beta per channel (y not written when gamma is null). */
  batchNorm2dNormalize(
    x: Float64Array, mean: Float64Array, invStd: Float64Array, gamma: Float64Array | null, beta: Float64Array | null,
    xhat: Float64Array, y: Float64Array, n: number, c: number, p: number,
  ): void;
  /** BatchNorm2d's backward pass: batchNormBackward's formulas per channel over its n·p numbers. */
  batchNorm2dBackward(
    dy: Float64Array, xhat: Float64Array, invStd: Float64Array, gamma: Float64Array | null,
    dgamma: Float64Array | null, dbeta: Float64Array | null, dx: Float64Array, n: number, c: number, p: number, batchStats: boolean,
  ): void;
  /** Max pooling (k×k windows, stride; no padding): y and each window's argmax (its position in the image plane). */
  maxPool2d(x: Float64Array, y: Float64Array, argmax: Int32Array, n: number, c: number, h: number, w: number, k: number, stride: number): void;
  /** Max pooling's backward pass: dx = 0, then dx[argmax] += dy. */
  maxPool2dBackward(dy: Float64Array, argmax: Int32Array, dx: Float64Array, n: number, c: number, h: number, w: number, k: number, stride: number): void;
  /** y = x where x > 0, else 0. */
  relu(x: Float64Array, y: Float64Array, len: number): void;
  /** dx = dy where x > 0, else 0. */
  reluBackward(x: Float64Array, dy: Float64Array, dx: Float64Array, len: number): void;
}

/** The functions every Backend has: a record, so that the compiler refuses a list that misses one. */
const REQUIRED: Record<Exclude<keyof Backend, "name" | "float32">, true> = {
  matmul: true, matmulTransA: true, matmulTransB: true, batchNormStats: true, batchNormNormalize: true, batchNormBackward: true,
  sigmoid: true, axpy: true, sumRows: true, addRow: true, sigmoidBackward: true,
  im2col: true, col2im: true, conv2d: true, conv2dWeightGrad: true, conv2dInputGrad: true, addChannelBias: true, sumChannels: true, batchNorm2dStats: true, batchNorm2dNormalize: true,
  batchNorm2dBackward: true, maxPool2d: true, maxPool2dBackward: true, relu: true, reluBackward: true,
};
const BACKEND_FUNCTIONS = Object.keys(REQUIRED);

/** Register-blocked, allocation-free loops in plain TypeScript. */
export const jsBackend: Backend = {
  name: "js",

  // No product skips a zero multiplier: 0·∞ and 0·NaN are NaN, as in the other backends and PyTorch.
  matmul(a, b, out, m, k, n) {
    checkProduct("matmul", a, b, out, m, k, n);
    out.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const oi = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[ai + p];
        const bp = p * n;
        for (let j = 0; j < n; j++) out[oi + j] += aip * b[bp + j];
      }
    }
  },

  matmulTransA(a, b, out, m, k, n, accumulate = false) {
    checkProduct("matmulTransA", a, b, out, m, k, n);
    if (!accumulate) out.fill(0, 0, m * n);
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const api = a[ap + i];
        const oi = i * n;
        for (let j = 0; j < n; j++) out[oi + j] += api * b[bp + j];
      }
    }
  },

  matmulTransB(a, b, out, m, k, n) {
    checkProduct("matmulTransB", a, b, out, m, k, n);
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

  // The batch-norm passes of feature vectors are the image passes with P = 1 (one position per
  // channel): the same sums in the same order. Each checks its arguments under its own name first.
  batchNormStats(x, mean, variance, n, c) {
    checkBatchNormStats("batchNormStats", x, mean, variance, n, c);
    batchNorm2dStats(x, mean, variance, n, c, 1);
  },

  batchNormNormalize(x, mean, invStd, gamma, beta, xhat, y, n, c) {
    checkBatchNormNormalize("batchNormNormalize", x, mean, invStd, gamma, beta, xhat, y, n, c);
    batchNorm2dNormalize(x, mean, invStd, gamma, beta, xhat, y, n, c, 1);
  },

  batchNormBackward(dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c, batchStats) {
    checkBatchNormBackward("batchNormBackward", dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c);
    batchNorm2dBackward(dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c, 1, batchStats);
  },

  sigmoid(x, y, len) {
    checkElementwise("sigmoid", len, { x, y });
    for (let i = 0; i < len; i++) {
      const v = x[i];
      if (v >= 0) {
        y[i] = 1 / (1 + Math.exp(-v));
      } else {
        const e = Math.exp(v);
        y[i] = e / (1 + e);
      }
    }
  },

  ...elementwise, // axpy, sumRows, addRow, sigmoidBackward
  ...convPasses,
};

/** The values BNLAB_BACKEND may take. */
const BACKEND_CHOICES = ["native", "wasm", "js"] as const;

/** The backend a BNLAB_BACKEND value selects, and a warning when that is not what it says. */
interface BackendChoice {
  backend: Backend;
  /** Why the backend is not the one asked for (a typo, a backend that does not load here), or null. */
  warning: string | null;
}

/**
 * What BNLAB_BACKEND = `wanted` selects. Unset or empty: the fastest backend that
 * loads (native, else wasm, else js). "native", "wasm" or "js" (any case, spaces
 * trimmed) asks for one; when it cannot load here the next one in that order is
 * used, and the warning says why. Any other value is a mistake: the default is
 * used and the warning names the valid values.
 */
function chooseBackend(wanted: string | undefined): BackendChoice {
  const fastest = (): Backend => loadNativeBackend() ?? loadWasmBackend() ?? jsBackend;
  if (wanted === undefined || wanted.trim() === "") return { backend: fastest(), warning: null };
  const name = wanted.trim().toLowerCase();
  const spelling =
    name !== wanted && (BACKEND_CHOICES as readonly string[]).includes(name)
      ? `BNLAB_BACKEND=${JSON.stringify(wanted)} is read as "${name}" (the values are ${BACKEND_CHOICES.join(", ")}, in lower case)`
      : null;
  if (name === "js") return { backend: jsBackend, warning: spelling };
  if (name === "wasm") {
    const wasm = loadWasmBackend();
    if (wasm) return { backend: wasm, warning: spelling };
    return { backend: jsBackend, warning: `BNLAB_BACKEND=${wanted}: the WebAssembly backend does not load here (${wasmBackendError}); using the TypeScript backend (js)` };
  }
  if (name === "native") {
    const native = loadNativeBackend();
    if (native) return { backend: native, warning: spelling };
    const why = nativeBackendError;
    const wasm = loadWasmBackend();
    const chosen = wasm ? "the WebAssembly backend (wasm)" : "the TypeScript backend (js)";
    return { backend: wasm ?? jsBackend, warning: `BNLAB_BACKEND=${wanted}: the native backend is not available (${why}); using ${chosen}` };
  }
  const backend = fastest();
  return {
    backend,
    warning: `BNLAB_BACKEND=${JSON.stringify(wanted)} is not a backend: expected one of ${BACKEND_CHOICES.join(", ")} (or unset for the fastest); using ${backend.name}`,
  };
}

/** The backend BNLAB_BACKEND selects (see chooseBackend); says on stderr when it is not the one asked for. */
function defaultBackend(): Backend {
  const wanted = typeof process !== "undefined" ? process.env.BNLAB_BACKEND : undefined;
  const { backend, warning } = chooseBackend(wanted);
  if (warning !== null && typeof process !== "undefined" && process.stderr) process.stderr.write(`bnlab: ${warning}\n`);
  return backend;
}

let active: Backend = defaultBackend();

/** The backend `Matrix` uses now. */
export function backend(): Backend {
  return active;
}

/** The float64 backend while setPrecision("float32") is on, else null. */
let float64Backend: Backend | null = null;

/** The precision of the matrix products: "float64" (the default, and what the notebooks use) or "float32". */
export type Precision = "float64" | "float32";

/** The precision of the matrix products now. */
export function precision(): Precision {
  return float64Backend === null ? "float64" : "float32";
}

/**
 * Opt in to float32 matrix products (or back to float64, the default). In
 * float32 the products of Linear and Conv2d round their operands to float32 and
 * multiply with fused multiply-adds, about as PyTorch's float32 does (Conv2d's
 * forward pass and weight gradient unfold the image straight into float32, and its
 * input gradient adds float32 columns back onto the image), and Sigmoid computes
 * σ in float32; arrays stay Float64Array and every other pass stays float64. Only
 * the native backend has float32 products (on a CPU with AVX2 and FMA). Back in float64, results
 * are bit for bit those before the switch. useBackend() resets it to float64.
 */
export function setPrecision(p: Precision): void {
  if (p !== "float64" && p !== "float32") throw new TypeError(`setPrecision: expected "float64" or "float32", got ${JSON.stringify(p)}`);
  if (p === precision()) return;
  if (p === "float64") {
    active = float64Backend as Backend;
    float64Backend = null;
    return;
  }
  if (active.float32 === undefined) {
    throw new Error(
      `setPrecision("float32"): the ${active.name} backend has no float32 products; only the native backend has them, on a CPU with AVX2 and FMA ` +
        `(build it with npm run build:native, or keep the default float64)`,
    );
  }
  float64Backend = active;
  active = active.float32;
}

/** Swap the backend (for benchmarks and tests that compare implementations); the precision goes back to float64. */
export function useBackend(k: Backend): void {
  const missing = BACKEND_FUNCTIONS.filter((f) => typeof (k as unknown as Record<string, unknown>)?.[f] !== "function");
  if (missing.length > 0) {
    throw new TypeError(
      `useBackend: expected a Backend (jsBackend, or one that backend() returned before you switched), got ${k === null || typeof k !== "object" ? String(k) : "an object"} ` +
        `without ${missing.join(", ")}`,
    );
  }
  active = k;
  float64Backend = null;
}
