"use strict";
/**
 * The content hash of the library sources (src/ without the course tooling, plus the build
 * configs) that dist/.source-hash records. Plain Node, because the kernel launcher (launch.cjs)
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
 * @param {string} root
 * @param {(file: string) => Buffer} [read] reads a file (a cache may answer instead of the disk)
 * @returns {string}
 */
function librarySourceHash(root, read = (file) => fs.readFileSync(file)) {
  const h = crypto.createHash("sha256");
  for (const f of librarySourceFiles(root)) {
    h.update(path.relative(root, f));
    h.update("\0");
    h.update(read(f));
    h.update("\0");
  }
  return h.digest("hex");
}

/** The stamp file the library build writes into dist/. */
const STAMP = ".source-hash";

/** @param {string} root @returns {string} the hash dist/ was built from ("" if none) */
function builtHash(root) {
  const dist = path.join(root, "dist");
  const stamp = path.join(dist, STAMP);
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(dist, "index.js"))) return "";
  return fs.readFileSync(stamp, "utf8").trim();
}

module.exports = { listFiles, librarySourceFiles, librarySourceHash, builtHash, STAMP };
