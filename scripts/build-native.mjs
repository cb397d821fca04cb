#!/usr/bin/env node
// `npm run build:native`: compile the native backend (backends/native/backend.c) into
// src/tensor/native/backend.node, which src/tensor/backend-native.ts loads.
//
// Needs a C compiler (cc) and Node's headers (node_api.h: from the Node install,
// or npm's `nodedir`). The binary is not committed: it is built here, by
// postinstall, for this machine. The SHA-256 of backend.c is compiled into it,
// and the loader refuses a binary built from another version of the source.
// When the compiler or the headers are missing, this prints why and exits 1;
// the WebAssembly backend is used instead.
//
//   node scripts/build-native.mjs [--out path/to/backend.node] [--if-stale] [--quiet] [--optional]
//
// --optional (postinstall): a failed build is a warning and exits 0.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "backends", "native", "backend.c");

/** The exact compiler flags; AVX2 without FMA, no contraction of a·b + c, so the sums round as the WebAssembly backend's. */
export const CC_FLAGS = ["-O2", "-std=c11", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math", "-Wall", "-Wno-unused-function"];

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, "src", "tensor", "native", "backend.node");
const quiet = args.includes("--quiet");
const failure = args.includes("--optional") ? 0 : 1;

const hash = createHash("sha256").update(fs.readFileSync(source)).digest("hex");

if (args.includes("--if-stale") && fs.existsSync(out) && fs.existsSync(`${out}.hash`) && fs.readFileSync(`${out}.hash`, "utf8").trim() === hash) {
  if (!quiet) console.log(`build-native: ${path.relative(root, out)} is up to date`);
  process.exit(0);
}

function headerDir() {
  const candidates = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, "include", "node"),
    path.join(process.config.variables.node_prefix ?? "", "include", "node"),
    path.join(path.dirname(process.execPath), "..", "include", "node"),
  ].filter(Boolean);
  return candidates.find((dir) => fs.existsSync(path.join(dir, "node_api.h"))) ?? null;
}

const include = headerDir();
if (!include) {
  console.error("build-native: Node's headers (node_api.h) were not found; the WebAssembly backend will be used");
  process.exit(failure);
}
const cc = process.env.CC ?? "cc";
fs.mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.tmp-${process.pid}`;
const result = spawnSync(cc, [...CC_FLAGS, `-I${include}`, `-DBNLAB_SOURCE_HASH="${hash}"`, "-DNODE_GYP_MODULE_NAME=bnlab_backend", source, "-o", tmp], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
});
if (result.error || result.status !== 0) {
  fs.rmSync(tmp, { force: true });
  console.error(`build-native: ${cc} failed (${result.error?.message ?? `exit ${result.status}`}); the WebAssembly backend will be used`);
  process.exit(failure);
}
fs.renameSync(tmp, out);
fs.writeFileSync(`${out}.hash`, hash + "\n");
if (!quiet) console.log(`build-native: wrote ${path.relative(process.cwd(), out) || out}`);
