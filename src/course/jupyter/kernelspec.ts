/**
 * The project-local Jupyter kernelspec for the tslab kernel.
 *
 * It lives in `<root>/.jupyter/share/jupyter/kernels/bnlab-tslab/kernel.json` (gitignored) and runs
 * this project's own tslab through scripts/launcher/launch.cjs, so nothing global is touched. Jupyter
 * finds it through JUPYTER_PATH, which `jupyterEnv()` sets. The kernelspec is defined once, in
 * scripts/launcher/kernelspec.cjs (plain Node: scripts/postinstall.js, the hub and the homework
 * release's start.js write it too); the project's runners (tests, `npm run execute`, the grader)
 * start the same argv without its env (no learner helpers).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { KERNEL_DISPLAY_NAME, KERNEL_LANGUAGE, KERNEL_NAME } from "../notebook/kernel-metadata";
import { projectRoot } from "./project-root";

export { KERNEL_DISPLAY_NAME, KERNEL_LANGUAGE, KERNEL_NAME };

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: "signal" | "message";
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** `<root>/.jupyter/share/jupyter`: the data dir put on JUPYTER_PATH. */
export function jupyterDataDir(root: string = projectRoot()): string {
  return join(root, ".jupyter", "share", "jupyter");
}

export function kernelspecDir(root: string = projectRoot()): string {
  return join(jupyterDataDir(root), "kernels", KERNEL_NAME);
}

/** The tslab launcher of this project (npm's .bin shim). */
export function tslabBin(root: string = projectRoot()): string {
  return join(root, "node_modules", ".bin", "tslab");
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const launcherSpec = require("../../../scripts/launcher/kernelspec.cjs") as {
  launcherKernelspec(options: { launcher: string; node?: string; library?: string }): KernelSpec;
};

/** The JS entry point behind the shim, for running tslab under an explicit `node` (memory limits). */
export function tslabMainScript(root: string = projectRoot()): string {
  return join(root, "node_modules", "tslab", "bin", "tslab");
}

/**
 * The bnlab kernel's kernelspec. `library`: a read-only library snapshot the kernel loads as it is
 * (the hub's); `node`: an absolute node to run the launcher with (a hub's servers may not have ours on PATH).
 */
export function expectedKernelspec(root: string = projectRoot(), options: { node?: string; library?: string } = {}): KernelSpec {
  // the launcher brings dist/ up to date, then starts tslab
  return launcherSpec.launcherKernelspec({ launcher: join(root, "scripts", "launcher", "launch.cjs"), ...options });
}

/** Writes kernel.json if missing or different; returns the kernelspec directory. */
export function ensureKernelspec(root: string = projectRoot()): string {
  const dir = kernelspecDir(root);
  const file = join(dir, "kernel.json");
  const text = JSON.stringify(expectedKernelspec(root), null, 2) + "\n";
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

/**
 * The environment for Jupyter processes: JUPYTER_PATH starts with the project's data dir,
 * JUPYTER_RUNTIME_DIR is the project's `.jupyter/runtime` (connection files and server info stay in
 * the project: nothing global), and PATH starts with the folder of the running `node` (the
 * launcher runs `#!/usr/bin/env node`).
 */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env, root: string = projectRoot()): NodeJS.ProcessEnv {
  const prepend = (value: string, list: string | undefined): string =>
    list ? [value, ...list.split(delimiter).filter((entry) => entry !== value)].join(delimiter) : value;
  return {
    ...base,
    JUPYTER_PATH: prepend(jupyterDataDir(root), base.JUPYTER_PATH),
    JUPYTER_RUNTIME_DIR: join(root, ".jupyter", "runtime"),
    PATH: prepend(dirname(process.execPath), base.PATH),
  };
}
