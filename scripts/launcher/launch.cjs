#!/usr/bin/env node
"use strict";
/**
 * The bnlab kernel: what every kernelspec of the course starts instead of tslab itself
 * (kernelspec.cjs writes them: `npm start`, `npm run hub`, the homework release).
 *
 *   launch.cjs kernel --config-path CONNECTION_FILE [--library DIR]
 *
 * Which library build the notebooks load is the only thing the places differ in:
 * - without --library, the project's dist/, brought up to date with src/ first (library-build.cjs:
 *   esbuild in well under a second, the type check in the background), so a kernel (re)start runs
 *   the current src/ and a running kernel is told when src/ changes (library-watch.cjs);
 * - with --library DIR, a read-only snapshot (the hub's, a homework release): loaded as it is.
 *
 * With BNLAB_LEARNER_KERNEL=1 (every kernelspec sets it) tslab runs with the learner's helpers
 * (learner-kernel.cjs), and on the project's own library a warm kernel prepared by the previous
 * start takes over, so a restart skips most of tslab's start (warm-kernel.cjs); each start leaves
 * one for the next. Without it (the graders and test runners) this is tslab's own `tslab kernel`.
 *
 * Plain Node, no TypeScript loader: it runs on every kernel start, also where only tslab is installed.
 */
const path = require("path");
const { LEARNER_KERNEL_ENV } = require("./kernelspec.cjs");

const WARM_KERNEL_DELAY_MS = 10_000;

/**
 * The value of `--name VALUE` or `--name=VALUE`, removed from `argv`.
 * @param {string[]} argv @param {string} name @returns {string | undefined}
 */
function takeOption(argv, name) {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const value = argv[i] === name ? argv[i + 1] : argv[i].slice(name.length + 1);
  argv.splice(i, argv[i] === name ? 2 : 1);
  if (!value) throw new Error(`launch.cjs: ${name} needs a value`);
  return value;
}

async function main() {
  const argv = process.argv.slice(2);
  const library = takeOption(argv, "--library");
  process.argv.splice(2, process.argv.length, ...argv); // tslab reads the rest
  const project = path.resolve(__dirname, "..", "..");
  let buildProblem = "";
  if (!library) {
    const { ensureLibrary } = require("./library-build.cjs");
    const build = ensureLibrary(project);
    buildProblem = build.problem;
    process.stderr.write(`bnlab kernel: library ${build.rebuilt ? "rebuilt" : build.problem ? "NOT rebuilt" : "up to date"} (${build.ms} ms)\n`);
  }
  const root = library ? path.resolve(library) : project;
  const tslab = path.join(path.dirname(require.resolve("tslab/package.json", { paths: [root, project] })), "dist");
  if (process.env[LEARNER_KERNEL_ENV] !== "1") {
    require(path.join(tslab, "main.js")).main();
    return;
  }
  const configPath = takeOption(argv, "--config-path");
  if (!configPath) throw new Error("usage: launch.cjs kernel --config-path CONNECTION_FILE [--library DIR]");
  const { prepareKernel, serveKernel } = require("./learner-kernel.cjs");
  if (library) {
    serveKernel(prepareKernel(tslab), { configPath, watch: null });
    return;
  }
  const { claimWarmKernel, startWarmKernel } = require("./warm-kernel.cjs");
  const warm = await claimWarmKernel(project, { configPath, buildProblem });
  process.stderr.write(`bnlab kernel: ${warm ? "a warm kernel took over" : "no warm kernel, starting here"}\n`);
  // the next restart's, once this kernel's own start is past (it would slow it down)
  setTimeout(() => startWarmKernel(project), WARM_KERNEL_DELAY_MS).unref();
  if (!warm) serveKernel(prepareKernel(tslab), { configPath, watch: { root: project, buildProblem } });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { takeOption };
