/**
 * The native backend: the same functions as the WebAssembly backend, compiled
 * from C with 256-bit AVX2 vectors (backends/native/backend.c), working on the
 * Float64Arrays in place through Node-API. Its results are bit for bit the
 * WebAssembly backend's (and, for the elementwise passes, the TypeScript
 * reference's in elementwise.ts); it is about twice as fast on the matrix
 * products, and needs no copies.
 *
 * The binary is built for this machine by `npm run build:native` (and by
 * postinstall). loadNativeBackend() returns null, and the WebAssembly backend is
 * used, when it is not built, was built from another version of backend.c, or
 * the CPU has no AVX2; nativeBackendError says why.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Backend } from "./backend";
import { checkConv2d, checkConv2dInputGrad, checkConv2dWeightGrad, convPasses } from "./conv-passes";
import { checkAxpy, checkBatchNormBackward, checkBatchNormNormalize, checkBatchNormStats, checkProduct, checkElementwise, checkRowPass } from "./backend-args";

/** Where the compiled backend lives (next to this file, in src/ or dist/). */
const NATIVE_BACKEND_FILE = path.join(__dirname, "native", "backend.node");
/** Its source, when the project is there (not in a homework release). */
const SOURCE_FILE = path.join(__dirname, "..", "..", "backends", "native", "backend.c");

/** What backend.node exports: the backend's functions, with the Backend interface's arguments. */
type NativeExports = Omit<Backend, "name" | "float32"> & {
  sourceHash: string;
  usable: boolean;
  /** The float32 products and logistic function, on a CPU with FMA as well as AVX2. */
  matmul32?: Backend["matmul"];
  matmulTransA32?: Backend["matmulTransA"];
  matmulTransB32?: Backend["matmulTransB"];
  sigmoid32?: Backend["sigmoid"];
  conv2d32?: Backend["conv2d"];
  conv2dWeightGrad32?: Backend["conv2dWeightGrad"];
  conv2dInputGrad32?: Backend["conv2dInputGrad"];
};

/** Why the last loadNativeBackend() returned null, or null if it loaded. */
export let nativeBackendError: string | null = null;

interface LoadNativeOptions {
  /** The .node file (default: src/tensor/native/backend.node). */
  file?: string;
  /** The C source it must have been built from (default: backends/native/backend.c, checked when present). */
  source?: string;
}

/** The native backend, or null if it cannot be used here (see nativeBackendError). */
export function loadNativeBackend(options: LoadNativeOptions = {}): Backend | null {
  nativeBackendError = null;
  const file = options.file ?? NATIVE_BACKEND_FILE;
  const source = options.source ?? SOURCE_FILE;
  if (!fs.existsSync(file)) {
    nativeBackendError = `${file} is not built (npm run build:native)`;
    return null;
  }
  try {
    const mod = { exports: {} as NativeExports };
    process.dlopen(mod, file);
    const native = mod.exports;
    if (fs.existsSync(source)) {
      const expected = createHash("sha256").update(fs.readFileSync(source)).digest("hex");
      if (native.sourceHash !== expected) {
        nativeBackendError = `${file} was built from another version of ${source} (npm run build:native)`;
        return null;
      }
    }
    if (!native.usable) {
      nativeBackendError = "this CPU has no AVX2";
      return null;
    }
    return nativeBackend(native);
  } catch (e) {
    nativeBackendError = e instanceof Error ? e.message : String(e);
    return null;
  }
}

/**
 * The native functions behind the same argument checks as the other backends
 * (backend-args.ts): backend.c refuses short arrays itself, but reads a NaN or
 * fractional size as an integer; here every backend refuses them alike.
 */
function nativeBackend(native: NativeExports): Backend {
  const float64: Backend = {
    name: "native-avx2",
    matmul(a, b, out, m, k, n) {
      checkProduct("matmul", a, b, out, m, k, n);
      native.matmul(a, b, out, m, k, n);
    },
    matmulTransA(a, b, out, m, k, n, accumulate) {
      checkProduct("matmulTransA", a, b, out, m, k, n);
      native.matmulTransA(a, b, out, m, k, n, accumulate);
    },
    matmulTransB(a, b, out, m, k, n) {
      checkProduct("matmulTransB", a, b, out, m, k, n);
      native.matmulTransB(a, b, out, m, k, n);
    },
    batchNormStats(x, mean, variance, n, c) {
      checkBatchNormStats("batchNormStats", x, mean, variance, n, c);
      native.batchNormStats(x, mean, variance, n, c);
    },
    batchNormNormalize(x, mean, invStd, gamma, beta, xhat, y, n, c) {
      checkBatchNormNormalize("batchNormNormalize", x, mean, invStd, gamma, beta, xhat, y, n, c);
      native.batchNormNormalize(x, mean, invStd, gamma, beta, xhat, y, n, c);
    },
    batchNormBackward(dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c, batchStats) {
      checkBatchNormBackward("batchNormBackward", dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c);
      native.batchNormBackward(dy, xhat, invStd, gamma, dgamma, dbeta, dx, n, c, batchStats);
    },
    sigmoid(x, y, len) {
      checkElementwise("sigmoid", len, { x, y });
      native.sigmoid(x, y, len);
    },
    axpy(alpha, x, y, len) {
      checkAxpy(alpha, x, y, len);
      native.axpy(alpha, x, y, len);
    },
    sumRows(x, out, rows, cols) {
      checkRowPass("sumRows", x, out, rows, cols);
      native.sumRows(x, out, rows, cols);
    },
    addRow(x, row, rows, cols) {
      checkRowPass("addRow", x, row, rows, cols);
      native.addRow(x, row, rows, cols);
    },
    sigmoidBackward(y, dy, dx, len) {
      checkElementwise("sigmoidBackward", len, { y, dy, dx });
      native.sigmoidBackward(y, dy, dx, len);
    },
    im2col: native.im2col,
    col2im: native.col2im,
    conv2d: convPasses.conv2d, // im2col and matmul above, image by image
    conv2dWeightGrad: convPasses.conv2dWeightGrad,
    conv2dInputGrad: convPasses.conv2dInputGrad,
    addChannelBias: native.addChannelBias,
    sumChannels: native.sumChannels,
    batchNorm2dStats: native.batchNorm2dStats,
    batchNorm2dNormalize: native.batchNorm2dNormalize,
    batchNorm2dBackward: native.batchNorm2dBackward,
    maxPool2d: native.maxPool2d,
    maxPool2dBackward: native.maxPool2dBackward,
    relu: native.relu,
    reluBackward: native.reluBackward,
  };
  const { matmul32, matmulTransA32, matmulTransB32, sigmoid32, conv2d32, conv2dWeightGrad32, conv2dInputGrad32 } = native;
  if (!matmul32 || !matmulTransA32 || !matmulTransB32 || !sigmoid32 || !conv2d32 || !conv2dWeightGrad32 || !conv2dInputGrad32) return float64;
  const float32: Backend = {
    ...float64,
    name: "native-avx2-fma-float32",
    matmul: (a, b, out, m, k, n) => (checkProduct("matmul", a, b, out, m, k, n), matmul32(a, b, out, m, k, n)),
    matmulTransA: (a, b, out, m, k, n, acc) => (checkProduct("matmulTransA", a, b, out, m, k, n), matmulTransA32(a, b, out, m, k, n, acc)),
    matmulTransB: (a, b, out, m, k, n) => (checkProduct("matmulTransB", a, b, out, m, k, n), matmulTransB32(a, b, out, m, k, n)),
    sigmoid: (x, y, len) => (checkElementwise("sigmoid", len, { x, y }), sigmoid32(x, y, len)),
    // the convolution's passes in float32, image by image (backend.c's conv32)
    conv2d: (x, wt, bias, y, ...g) => (checkConv2d(x, wt, bias, y, ...g), conv2d32(x, wt, bias, y, ...g)),
    conv2dWeightGrad: (x, dy, dW, dB, ...g) => (checkConv2dWeightGrad(x, dy, dW, dB, ...g), conv2dWeightGrad32(x, dy, dW, dB, ...g)),
    conv2dInputGrad: (wt, dy, dx, ...g) => (checkConv2dInputGrad(wt, dy, dx, ...g), conv2dInputGrad32(wt, dy, dx, ...g)),
  };
  return { ...float64, float32 };
}
