"use strict";
/**
 * The content hash of the library sources (src/ without the course tooling, plus the build
 * configs) that dist/.source-hash records, and each file's, which dist/.source-files records. Plain Node, because the kernel launcher (launch.cjs)
 * checks it before every kernel start and must not pay for a TypeScript loader;
 * src/course/library/build-library.ts uses this same function.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** @param {string} dir @returns {string[]} every file under dir except package.json */
function listFiles(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.name !== "package.json") out.push(full);
  }
  return out;
}

/** @param {string} root @returns {string[]} the files the library is compiled from, sorted */
function librarySourceFiles(root) {
  const files = listFiles(path.join(root, "src")).filter((f) => !f.includes(`${path.sep}course${path.sep}`));
  files.push(path.join(root, "tsconfig.lib.json"), path.join(root, "tsconfig.json"));
  return files.sort();
}

/**
 * @typedef {{ hash: string, files: Record<string, string> }} LibrarySources
 *   hash: of the whole library; files: each file's (its path relative to the project → sha256)
 */

/** @param {string} root @returns {LibrarySources} */
function librarySources(root) {
  /** @type {Record<string, string>} */
  const files = {};
  const h = crypto.createHash("sha256");
  for (const f of librarySourceFiles(root)) {
    const rel = path.relative(root, f);
    files[rel] = crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
    h.update(`${rel}\0${files[rel]}\0`);
  }
  return { hash: h.digest("hex"), files };
}

/** @param {string} root @returns {string} */
function librarySourceHash(root) {
  return librarySources(root).hash;
}

/** The stamp files a library build writes into dist/: the hash, and each file's (LibrarySources). */
const STAMP = ".source-hash";
const FILES_STAMP = ".source-files";

/** @param {string} dist @param {LibrarySources} sources what the build in dist was made from */
function writeStamp(dist, sources) {
  fs.writeFileSync(path.join(dist, FILES_STAMP), JSON.stringify(sources));
  fs.writeFileSync(path.join(dist, STAMP), `${sources.hash}\n`);
}

/** @param {string} root @returns {LibrarySources | null} what dist/ was built from, file by file (null if unknown) */
function builtSources(root) {
  try {
    const sources = JSON.parse(fs.readFileSync(path.join(root, "dist", FILES_STAMP), "utf8"));
    return sources.hash === builtHash(root) ? sources : null;
  } catch {
    return null;
  }
}

/** @param {string} root @returns {string} the hash dist/ was built from ("" if none) */
function builtHash(root) {
  const dist = path.join(root, "dist");
  const stamp = path.join(dist, STAMP);
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(dist, "index.js"))) return "";
  return fs.readFileSync(stamp, "utf8").trim();
}

module.exports = { listFiles, librarySourceFiles, librarySources, librarySourceHash, builtHash, builtSources, writeStamp, STAMP };
