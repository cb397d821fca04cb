"use strict";
/**
 * node check-types.cjs ROOT HASH LOCK — the background half of library-build.cjs: compiles the
 * library's declaration files with tsc and, if dist/ still holds the build of HASH, puts them in
 * dist/ with dist/.types-hash = HASH and the compiler's errors in dist/.type-errors (first line
 * HASH). Removes LOCK when done.
 */
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { builtHash, listFiles } = require("./library-hash.cjs");
const { TYPES_STAMP, TYPE_ERRORS } = require("./library-build.cjs");

const [root, hash, lock] = process.argv.slice(2);
const out = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-types-"));
try {
  const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.lib.json"), "--emitDeclarationOnly", "--outDir", out], { cwd: root, encoding: "utf8" });
  const dist = path.join(root, "dist");
  if (builtHash(root) === hash) {
    for (const file of listFiles(out)) {
      const target = path.join(dist, path.relative(out, file));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file, target);
    }
    const errors = `${result.stdout || ""}${result.stderr || ""}`.trim();
    if (result.status === 0) fs.rmSync(path.join(dist, TYPE_ERRORS), { force: true });
    else fs.writeFileSync(path.join(dist, TYPE_ERRORS), `${hash}\n${errors || `tsc exited with ${result.status}`}\n`);
    fs.writeFileSync(path.join(dist, TYPES_STAMP), hash + "\n");
  }
} finally {
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(lock, { force: true });
}
