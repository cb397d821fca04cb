"use strict";
/**
 * Bringing the project's dist/ up to date with src/ when a kernel starts, in seconds:
 *
 * 1. transpile: esbuild turns the library .ts files that changed since dist/ was built (its
 *    .source-files says which) into their .js (types are dropped, nothing is checked), each written
 *    whole with a rename; without that record, every file, in a staging copy of dist/ swapped in
 *    with renames. Either way a kernel starting meanwhile never sees half a file, and
 *    dist/.source-hash then records the sources the .js came from.
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
const { builtHash, builtSources, librarySourceFiles, librarySources, writeStamp } = require("./library-hash.cjs");

const TYPES_STAMP = ".types-hash";
const TYPE_ERRORS = ".type-errors";

/**
 * @param {string} root
 * @returns {{ rebuilt: boolean, ms: number, problem: string }} problem: why the build failed ("" if it did not)
 */
function ensureLibrary(root) {
  const start = Date.now();
  const sources = librarySources(root);
  const hash = sources.hash;
  const dist = path.join(root, "dist");
  const done = (/** @type {boolean} */ rebuilt, /** @type {string} */ problem) => ({ rebuilt, ms: Date.now() - start, problem });
  if (builtHash(root) === hash) {
    if (typesHash(root) !== hash) checkTypesInBackground(root, hash);
    return done(false, "");
  }
  const built = builtSources(root);
  const changed = Object.keys(sources.files).filter((file) => sources.files[file] !== built?.files[file]);
  const removed = Object.keys(built?.files ?? {}).filter((file) => !(file in sources.files));
  try {
    if (built && [...changed, ...removed].every((file) => file.startsWith(`src${path.sep}`))) {
      // the changed files alone, each written whole (a rename), then the stamp
      transpile(root, dist, changed.map((file) => path.join(root, file)));
      for (const file of removed) for (const out of outputs(root, dist, path.join(root, file))) fs.rmSync(out, { force: true });
      writeStamp(dist, sources);
    } else {
      const staging = `${dist}.staging-${process.pid}`;
      fs.rmSync(staging, { recursive: true, force: true });
      if (fs.existsSync(dist)) fs.cpSync(dist, staging, { recursive: true });
      try {
        transpile(root, staging, librarySourceFiles(root));
      } catch (err) {
        fs.rmSync(staging, { recursive: true, force: true });
        throw err;
      }
      writeStamp(staging, sources);
      const old = `${dist}.old-${process.pid}`;
      if (fs.existsSync(dist)) fs.renameSync(dist, old);
      fs.renameSync(staging, dist);
      fs.rmSync(old, { recursive: true, force: true });
    }
  } catch (err) {
    return done(false, err instanceof Error ? err.message : String(err));
  }
  checkTypesInBackground(root, hash);
  return done(true, "");
}

/**
 * esbuild, one .js per .ts (no bundling), as tsc would emit them for tsconfig.lib.json, and the
 * assets copied; each file written beside its place and renamed over it. Nothing is written if a
 * file does not compile.
 * @param {string} root @param {string} outDir @param {string[]} files library source files
 */
function transpile(root, outDir, files) {
  const src = path.join(root, "src");
  const inSrc = files.filter((file) => file.startsWith(src + path.sep));
  const entryPoints = inSrc.filter((file) => /(?<!\.d)\.ts$/.test(file));
  /** @type {{ path: string, contents: Uint8Array }[]} */
  const written = [];
  if (entryPoints.length > 0) {
    const esbuild = require(require.resolve("esbuild", { paths: [root, require.resolve("tsx", { paths: [root] })] }));
    const result = esbuild.buildSync({ entryPoints, outdir: outDir, outbase: src, format: "cjs", platform: "node", target: "es2022", logLevel: "silent", write: false });
    if (result.errors.length > 0) throw new Error(result.errors.map((/** @type {any} */ e) => `${e.location?.file ?? ""}:${e.location?.line ?? ""} ${e.text}`).join("\n"));
    written.push(...result.outputFiles);
  }
  for (const file of inSrc) if (/\.(wasm|json|node)$/.test(file)) written.push({ path: path.join(outDir, path.relative(src, file)), contents: fs.readFileSync(file) });
  for (const file of written) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    fs.writeFileSync(`${file.path}.${process.pid}.tmp`, file.contents);
    fs.renameSync(`${file.path}.${process.pid}.tmp`, file.path);
  }
}

/** @param {string} root @param {string} outDir @param {string} file a library source file @returns {string[]} what a build made of it */
function outputs(root, outDir, file) {
  const out = path.join(outDir, path.relative(path.join(root, "src"), file));
  return /(?<!\.d)\.ts$/.test(file) ? [out.replace(/\.ts$/, ".js"), out.replace(/\.ts$/, ".d.ts")] : [out];
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
