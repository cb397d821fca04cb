#!/usr/bin/env node
"use strict";
/**
 * The bnlab kernel: what the project's kernelspec starts instead of tslab itself.
 *
 *   launch.cjs kernel --config-path CONNECTION_FILE
 *
 * 1. The notebooks load the compiled library (dist/). If src/ changed since dist/ was built, it is
 *    rebuilt first (tools/build-lib.ts), so a kernel (re)start always runs the current src/.
 *    When nothing changed this costs one hash of the sources (a few milliseconds).
 * 2. With BNLAB_LEARNER_KERNEL=1 (the kernelspec Jupyter uses sets it) tslab runs with the
 *    learner's helpers (learner-executor.cjs): checks that know when an exercise cell did not
 *    compile, Run All that passes unsolved exercises with one line each, "run the Setup cell
 *    first", and a notice when src/ changes under a running kernel.
 *    Without it (the graders and test runners) this is exactly tslab's own `tslab kernel`.
 *
 * Plain Node, no TypeScript loader: it runs on every kernel start.
 */
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { builtHash, librarySourceHash } = require("./library-hash.cjs");

const root = path.resolve(__dirname, "..", "..");

/**
 * Rebuilds dist/ when it is older than src/.
 * @returns {{ rebuilt: boolean, ms: number, problem: string }} problem: why the build failed ("" if it did not)
 */
function ensureLibrary() {
  const start = Date.now();
  const current = librarySourceHash(root);
  if (builtHash(root) === current) return { rebuilt: false, ms: Date.now() - start, problem: "" };
  process.stderr.write("bnlab kernel: src/ changed since dist/ was built: compiling the library…\n");
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, [tsx, path.join(root, "tools", "build-lib.ts")], { cwd: root, env, encoding: "utf8" });
  const output = `${result.stdout || ""}${result.stderr || ""}`.trim();
  process.stderr.write(output + "\n");
  const problem = result.status === 0 ? "" : output || `tools/build-lib.ts exited with ${result.status}`;
  return { rebuilt: result.status === 0, ms: Date.now() - start, problem };
}

/** @param {string[]} argv @returns {string} the value of --config-path */
function configPath(argv) {
  const i = argv.indexOf("--config-path");
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith("--config-path="));
  if (eq) return eq.slice("--config-path=".length);
  throw new Error("usage: launch.cjs kernel --config-path CONNECTION_FILE");
}

function main() {
  const library = ensureLibrary();
  process.stderr.write(`bnlab kernel: library ${library.rebuilt ? "rebuilt" : library.problem ? "NOT rebuilt" : "up to date"} (${library.ms} ms)\n`);
  const tslab = path.join(root, "node_modules", "tslab", "dist");
  if (process.env.BNLAB_LEARNER_KERNEL !== "1") {
    require(path.join(tslab, "main.js")).main();
    return;
  }
  const { startLearnerKernel } = require("./learner-kernel.cjs");
  startLearnerKernel({ root, tslab, configPath: configPath(process.argv.slice(2)), buildProblem: library.problem });
}

if (require.main === module) main();

module.exports = { ensureLibrary, configPath };
