/**
 * The native kernel: the same functions as the WebAssembly kernel, compiled
 * from C with 256-bit AVX2 vectors (kernel/native/kernel.c), working on the
 * Float64Arrays in place through Node-API. Its results are bit for bit the
 * WebAssembly kernel's (and, for the elementwise passes, the TypeScript
 * reference's in elementwise.ts); it is about twice as fast on the matrix
 * products, and needs no copies.
 *
 * The binary is built for this machine by `npm run build:native` (and by
 * postinstall). loadNativeKernel() returns null, and the WebAssembly kernel is
 * used, when it is not built, was built from another version of kernel.c, or
 * the CPU has no AVX2; nativeKernelError says why.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Kernel } from "./kernel";

/** Where the compiled kernel lives (next to this file, in src/ or dist/). */
export const NATIVE_KERNEL_FILE = path.join(__dirname, "native", "kernel.node");
/** Its source, when the project is there (not in a homework release). */
const SOURCE_FILE = path.join(__dirname, "..", "..", "kernel", "native", "kernel.c");

/** What kernel.node exports: the kernel's functions, with the Kernel interface's arguments. */
type NativeExports = Omit<Kernel, "name"> & { sourceHash: string; usable: boolean };

/** Why the last loadNativeKernel() returned null, or null if it loaded. */
export let nativeKernelError: string | null = null;

export interface LoadNativeOptions {
  /** The .node file (default: src/tensor/native/kernel.node). */
  file?: string;
  /** The C source it must have been built from (default: kernel/native/kernel.c, checked when present). */
  source?: string;
}

/** The native kernel, or null if it cannot be used here (see nativeKernelError). */
export function loadNativeKernel(options: LoadNativeOptions = {}): Kernel | null {
  nativeKernelError = null;
  const file = options.file ?? NATIVE_KERNEL_FILE;
  const source = options.source ?? SOURCE_FILE;
  if (!fs.existsSync(file)) {
    nativeKernelError = `${file} is not built (npm run build:native)`;
    return null;
  }
  try {
    const mod = { exports: {} as NativeExports };
    process.dlopen(mod, file);
    const native = mod.exports;
    if (fs.existsSync(source)) {
      const expected = createHash("sha256").update(fs.readFileSync(source)).digest("hex");
      if (native.sourceHash !== expected) {
        nativeKernelError = `${file} was built from another version of ${source} (npm run build:native)`;
        return null;
      }
    }
    if (!native.usable) {
      nativeKernelError = "this CPU has no AVX2";
      return null;
    }
    return nativeKernel(native);
  } catch (e) {
    nativeKernelError = e instanceof Error ? e.message : String(e);
    return null;
  }
}

function nativeKernel(native: NativeExports): Kernel {
  return {
    name: "native-avx2",
    matmul: native.matmul,
    matmulTransA: native.matmulTransA,
    matmulTransB: native.matmulTransB,
    batchNormStats: native.batchNormStats,
    batchNormNormalize: native.batchNormNormalize,
    batchNormBackward: native.batchNormBackward,
    sigmoid: native.sigmoid,
    axpy: native.axpy,
    sumRows: native.sumRows,
    addRow: native.addRow,
    sigmoidBackward: native.sigmoidBackward,
    im2col: native.im2col,
    col2im: native.col2im,
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
}
