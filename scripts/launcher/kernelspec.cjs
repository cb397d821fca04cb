"use strict";
/**
 * The kernelspec of the bnlab kernel, the one definition every place that registers it uses:
 * `npm install`/`npm start` (the project's dist/, rebuilt when src/ changes), `npm run hub` and the
 * homework release's start.js (a read-only library snapshot, `--library DIR`). The argv is what
 * `tslab install` writes (node_modules/tslab/python/install.py) with this launcher in place of
 * tslab; BNLAB_LEARNER_KERNEL=1 turns on the learner's helpers (the graders and test runners start
 * the same argv without it).
 */
const KERNEL_NAME = "bnlab-tslab";
const KERNEL_DISPLAY_NAME = "TypeScript (bnlab)";
const KERNEL_LANGUAGE = "typescript";
const LEARNER_KERNEL_ENV = "BNLAB_LEARNER_KERNEL";

/**
 * @param {{ launcher: string, node?: string, library?: string, displayName?: string }} options
 *   launcher: the absolute path of launch.cjs; node: an absolute node to run it with (default: the
 *   launcher's `#!/usr/bin/env node`); library: a read-only library snapshot to load as it is
 */
function launcherKernelspec(options) {
  return {
    argv: [...(options.node ? [options.node] : []), options.launcher, "kernel", "--config-path", "{connection_file}", ...(options.library ? ["--library", options.library] : [])],
    display_name: options.displayName ?? KERNEL_DISPLAY_NAME,
    language: KERNEL_LANGUAGE,
    // tslab ignores interrupt_request messages but interrupts on SIGINT.
    interrupt_mode: "signal",
    env: { [LEARNER_KERNEL_ENV]: "1" },
  };
}

module.exports = { KERNEL_NAME, KERNEL_DISPLAY_NAME, KERNEL_LANGUAGE, LEARNER_KERNEL_ENV, launcherKernelspec };
