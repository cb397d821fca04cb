/**
 * The project-local Jupyter kernelspec for the tslab kernel.
 *
 * It lives in `<root>/.jupyter/share/jupyter/kernels/bnlab-tslab/kernel.json` (gitignored) and runs
 * this project's own tslab through scripts/launcher/launch.cjs, so nothing global is touched. Jupyter
 * finds it through JUPYTER_PATH, which `jupyterEnv()` sets. scripts/postinstall.js writes the same
 * file with plain Node (test/kernelspec.test.ts checks that both agree).
 *
 * The argv is what `tslab install` writes (node_modules/tslab/python/install.py) with the launcher
 * in place of tslab: [launch.cjs, "kernel", "--config-path", "{connection_file}"]. The launcher
 * rebuilds dist/ when src/ changed (so a kernel restart loads the current library), and the
 * kernelspec's env (BNLAB_LEARNER_KERNEL=1) turns on the learner's helpers; the project's own
 * runners (tests, `npm run execute`, the grader) start the same argv without that env.
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

/** `<root>/.jupyter/runtime`: Jupyter's runtime files (kernel connection files, server info). */
export function jupyterRuntimeDir(root: string = projectRoot()): string {
  return join(root, ".jupyter", "runtime");
}

export function kernelspecDir(root: string = projectRoot()): string {
  return join(jupyterDataDir(root), "kernels", KERNEL_NAME);
}

/** The tslab launcher of this project (npm's .bin shim). */
export function tslabBin(root: string = projectRoot()): string {
  return join(root, "node_modules", ".bin", "tslab");
}

/** The kernel launcher the kernelspec runs (rebuilds a stale library, then starts tslab). */
export function kernelLauncher(root: string = projectRoot()): string {
  return join(root, "scripts", "launcher", "launch.cjs");
}

/** The environment variable that turns on the learner's helpers in the launcher. */
export const LEARNER_KERNEL_ENV = "BNLAB_LEARNER_KERNEL";

/** The JS entry point behind the shim, for running tslab under an explicit `node` (memory limits). */
export function tslabMainScript(root: string = projectRoot()): string {
  return join(root, "node_modules", "tslab", "bin", "tslab");
}

export function expectedKernelspec(root: string = projectRoot()): KernelSpec {
  return {
    argv: [kernelLauncher(root), "kernel", "--config-path", "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: KERNEL_LANGUAGE,
    // tslab ignores interrupt_request messages but interrupts on SIGINT.
    interrupt_mode: "signal",
    env: { [LEARNER_KERNEL_ENV]: "1" },
  };
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

/** Reads the installed kernelspec, falling back to the expected one when it is not installed. */
export function readKernelspec(root: string = projectRoot()): KernelSpec {
  const file = join(kernelspecDir(root), "kernel.json");
  if (!existsSync(file)) return expectedKernelspec(root);
  return JSON.parse(readFileSync(file, "utf8")) as KernelSpec;
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
    JUPYTER_RUNTIME_DIR: jupyterRuntimeDir(root),
    PATH: prepend(dirname(process.execPath), base.PATH),
  };
}
