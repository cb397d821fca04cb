#!/usr/bin/env node
// `npm run build:wasm`: compile the AssemblyScript backend (backends/wasm/index.ts)
// into src/tensor/wasm/backend.wasm, the binary that src/tensor/backend-wasm.ts loads.
//
// The build is reproducible: the same source and the same assemblyscript version
// give the same bytes, and test/backend-wasm.test.ts rebuilds into a temporary
// file to check that the committed binary matches its source.
//
//   node scripts/build-wasm.mjs [--out path/to/backend.wasm]
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
const out = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, "src", "tensor", "wasm", "backend.wasm");

const asc = path.join(path.dirname(require.resolve("assemblyscript/package.json")), "bin", "asc.js");
const result = spawnSync(process.execPath, [asc, "backends/wasm/index.ts", "-o", out, ...ASC_FLAGS], {
  cwd: root,
  stdio: "inherit",
});
if (result.status !== 0) {
  console.error(`build-wasm: asc failed (exit ${result.status ?? result.signal})`);
  process.exit(1);
}
console.log(`build-wasm: wrote ${path.relative(process.cwd(), out) || out}`);
