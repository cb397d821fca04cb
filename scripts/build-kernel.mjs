#!/usr/bin/env node
// `npm run build:kernel`: compile the AssemblyScript kernel (kernel/assembly/index.ts)
// into src/tensor/wasm/kernel.wasm, the binary that src/tensor/kernel-wasm.ts loads.
//
// The build is reproducible: the same source and the same assemblyscript version
// give the same bytes, and test/kernel-wasm.test.ts rebuilds into a temporary
// file to check that the committed binary matches its source.
//
//   node scripts/build-kernel.mjs [--out path/to/kernel.wasm]
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** The exact compiler flags; changing them changes the binary. */
export const ASC_FLAGS = ["-O3", "--noAssert", "--runtime", "stub", "--enable", "simd"];

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, "src", "tensor", "wasm", "kernel.wasm");

const asc = path.join(path.dirname(require.resolve("assemblyscript/package.json")), "bin", "asc.js");
const result = spawnSync(process.execPath, [asc, "kernel/assembly/index.ts", "-o", out, ...ASC_FLAGS], {
  cwd: root,
  stdio: "inherit",
});
if (result.status !== 0) {
  console.error(`build-kernel: asc failed (exit ${result.status ?? result.signal})`);
  process.exit(1);
}
console.log(`build-kernel: wrote ${path.relative(process.cwd(), out) || out}`);
