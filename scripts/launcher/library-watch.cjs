"use strict";
/**
 * Notices for a running kernel about its library: the kernel loaded dist/ when it started, so
 * edits to src/ take effect only after a restart; and the type check of that build runs in the
 * background (library-build.cjs), so its errors arrive after the kernel started. Each cell asks
 * `notices()`; each thing is reported once (a change again if the files change further). Stats the
 * library files per cell and reads only those whose size or mtime changed.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { builtHash, librarySourceFiles } = require("./library-hash.cjs");
const { TYPE_ERRORS } = require("./library-build.cjs");

/**
 * @param {string} root
 * @param {{ buildProblem?: string }} [options] why the launcher could not rebuild dist/ ("" if it could)
 * @returns {{ notices(): string[] }}
 */
function libraryWatch(root, options = {}) {
  /** @type {Map<string, { key: string, hash: string }>} file → stat key and content hash */
  const seen = new Map();
  /** @type {Map<string, string>} file → content hash when the kernel started */
  const atStart = new Map();
  const hashOf = (/** @type {string} */ file) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  const scan = () => {
    /** @type {Map<string, string>} */
    const now = new Map();
    for (const file of librarySourceFiles(root)) {
      let stat;
      try {
        stat = fs.statSync(file);
      } catch {
        continue;
      }
      const key = `${stat.size}:${stat.mtimeMs}`;
      const known = seen.get(file);
      const hash = known && known.key === key ? known.hash : hashOf(file);
      seen.set(file, { key, hash });
      now.set(file, hash);
    }
    return now;
  };
  for (const [file, hash] of scan()) atStart.set(file, hash);
  let lastReported = "";
  let buildProblem = options.buildProblem ?? "";
  const loaded = builtHash(root);
  let typesReported = false;
  /** The type errors of the build this kernel loaded, once the background check has written them. */
  const typeErrors = () => {
    if (typesReported) return "";
    let text;
    try {
      text = fs.readFileSync(path.join(root, "dist", TYPE_ERRORS), "utf8");
    } catch {
      return "";
    }
    const [hash, ...lines] = text.split("\n");
    if (hash !== loaded) return "";
    typesReported = true;
    const errors = lines.filter((l) => /error TS/.test(l));
    const shown = errors.slice(0, 5).join("\n");
    return `bnlab: the library this kernel loaded has type errors (the code runs; tsc says):\n${shown}${errors.length > 5 ? `\n… and ${errors.length - 5} more` : ""}\nFix src/, then restart the kernel (Kernel › Restart Kernel…).\n`;
  };
  return {
    notices() {
      /** @type {string[]} */
      const lines = [];
      if (buildProblem) {
        const first = buildProblem.split("\n").filter((l) => /error TS|Error/.test(l)).slice(0, 5).join("\n") || buildProblem.split("\n").slice(0, 5).join("\n");
        lines.push(`bnlab: the library in src/ did not compile when this kernel started, so it runs the previous build (dist/):\n${first}\nFix src/, then restart the kernel (Kernel › Restart Kernel…).\n`);
        buildProblem = "";
      }
      const types = typeErrors();
      if (types) lines.push(types);
      const now = scan();
      const changed = [...new Set([...now.keys(), ...atStart.keys()])].filter((f) => now.get(f) !== atStart.get(f)).sort();
      const report = changed.map((f) => `${f}:${now.get(f) ?? "deleted"}`).join("\n");
      if (changed.length > 0 && report !== lastReported) {
        const names = changed.map((f) => path.relative(root, f).split(path.sep).join("/"));
        const list = names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
        lines.push(`bnlab: the library changed since this kernel started (${list}); this kernel still runs the old version. Restart the kernel (Kernel › Restart Kernel…) to load it.\n`);
      }
      lastReported = report;
      return lines;
    },
  };
}

module.exports = { libraryWatch };
