/**
 * The project-local Jupyter kernelspec for the tslab kernel.
 *
 * It lives in `<root>/.jupyter/share/jupyter/kernels/bnlab-tslab/kernel.json` (gitignored) and runs
 * this project's own `node_modules/.bin/tslab`, so nothing global is touched. Jupyter finds it
 * through JUPYTER_PATH, which `jupyterEnv()` sets. scripts/postinstall.js writes the same file
 * with plain Node (test/kernelspec.test.ts checks that both agree).
 *
 * The argv matches what `tslab install` writes (node_modules/tslab/python/install.py):
 *   [tslab, "kernel", "--config-path", "{connection_file}"]
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

/** The JS entry point behind the shim, for running tslab under an explicit `node` (memory limits). */
export function tslabMainScript(root: string = projectRoot()): string {
  return join(root, "node_modules", "tslab", "bin", "tslab");
}

export function expectedKernelspec(root: string = projectRoot()): KernelSpec {
  return {
    argv: [tslabBin(root), "kernel", "--config-path", "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: KERNEL_LANGUAGE,
    // tslab ignores interrupt_request messages but interrupts on SIGINT.
    interrupt_mode: "signal",
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
 * The environment for Jupyter processes: JUPYTER_PATH starts with the project's data dir, and
 * PATH starts with the folder of the running `node` (the tslab shim runs `#!/usr/bin/env node`).
 */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env, root: string = projectRoot()): NodeJS.ProcessEnv {
  const prepend = (value: string, list: string | undefined): string =>
    list ? [value, ...list.split(delimiter).filter((entry) => entry !== value)].join(delimiter) : value;
  return {
    ...base,
    JUPYTER_PATH: prepend(jupyterDataDir(root), base.JUPYTER_PATH),
    PATH: prepend(dirname(process.execPath), base.PATH),
  };
}
