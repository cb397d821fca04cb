"use strict";
/**
 * Bringing the project's dist/ up to date with src/ when a kernel starts, in seconds:
 *
 * 1. transpile: esbuild turns every library .ts file into its .js (types are dropped, nothing is
 *    checked) in a staging copy of dist/ that is swapped in with renames, so a kernel starting
 *    meanwhile never sees half of it. dist/.source-hash then records the sources the .js came from.
 * 2. check: a background `tsc` (low priority, stopped with the kernel) writes the declaration files notebooks type-check
 *    against, and the compiler's errors; dist/.types-hash records the sources they came from and
 *    dist/.type-errors holds the errors (library-watch.cjs shows them under the next cell).
 *
 * src/course/library/build-library.ts does the full tsc build (npm install, npm start, the tests)
 * and writes both stamps.
 */
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { STAMP, builtHash, librarySourceFiles, librarySourceHash } = require("./library-hash.cjs");

const TYPES_STAMP = ".types-hash";
const TYPE_ERRORS = ".type-errors";

/**
 * @param {string} root
 * @returns {{ rebuilt: boolean, ms: number, problem: string }} problem: why the build failed ("" if it did not)
 */
function ensureLibrary(root) {
  const start = Date.now();
  const hash = librarySourceHash(root);
  const dist = path.join(root, "dist");
  const done = (/** @type {boolean} */ rebuilt, /** @type {string} */ problem) => ({ rebuilt, ms: Date.now() - start, problem });
  if (builtHash(root) === hash) {
    if (typesHash(root) !== hash) checkTypesInBackground(root, hash);
    return done(false, "");
  }
  const staging = `${dist}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  if (fs.existsSync(dist)) fs.cpSync(dist, staging, { recursive: true });
  try {
    transpile(root, staging);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    return done(false, err instanceof Error ? err.message : String(err));
  }
  fs.writeFileSync(path.join(staging, STAMP), hash + "\n");
  const old = `${dist}.old-${process.pid}`;
  if (fs.existsSync(dist)) fs.renameSync(dist, old);
  fs.renameSync(staging, dist);
  fs.rmSync(old, { recursive: true, force: true });
  checkTypesInBackground(root, hash);
  return done(true, "");
}

/** esbuild, one .js per .ts (no bundling), as tsc would emit them for tsconfig.lib.json. */
function transpile(root, outDir) {
  const esbuild = require(require.resolve("esbuild", { paths: [root, require.resolve("tsx", { paths: [root] })] }));
  const src = path.join(root, "src");
  const entryPoints = librarySourceFiles(root).filter((file) => file.startsWith(src + path.sep) && /(?<!\.d)\.ts$/.test(file));
  const result = esbuild.buildSync({ entryPoints, outdir: outDir, outbase: src, format: "cjs", platform: "node", target: "es2022", logLevel: "silent" });
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => `${e.location?.file ?? ""}:${e.location?.line ?? ""} ${e.text}`).join("\n"));
  for (const file of librarySourceFiles(root)) {
    if (!file.startsWith(src + path.sep) || !/\.(wasm|json|node)$/.test(file)) continue;
    const target = path.join(outDir, path.relative(src, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
}

/** @param {string} root @returns {string} the hash dist/'s declaration files were built from ("" if unknown) */
function typesHash(root) {
  try {
    return fs.readFileSync(path.join(root, "dist", TYPES_STAMP), "utf8").trim();
  } catch {
    return "";
  }
}

/**
 * Starts `check-types.cjs` for `hash` unless one runs already. It runs in the kernel's process
 * group, so it stops with the kernel (a restart starts it again).
 */
function checkTypesInBackground(root, hash) {
  const lock = path.join(os.tmpdir(), `bnlab-types-${Buffer.from(root).toString("hex").slice(-40)}-${hash.slice(0, 16)}.lock`);
  const holder = Number(fs.existsSync(lock) ? fs.readFileSync(lock, "utf8") : 0);
  if (holder > 0 && alive(holder)) return;
  const child = spawn(process.execPath, [path.join(__dirname, "check-types.cjs"), root, hash, lock], { stdio: "ignore" });
  if (!child.pid) return;
  fs.writeFileSync(lock, String(child.pid));
  try {
    os.setPriority(child.pid, 15);
  } catch {
    // not allowed: it runs at normal priority
  }
  child.unref();
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

module.exports = { ensureLibrary, typesHash, TYPES_STAMP, TYPE_ERRORS };
