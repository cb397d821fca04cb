/**
 * The learner's side in one command: a release folder starts like the course,
 *
 *     npm install      # the release's own tslab kernel (package.json lists it), nothing global
 *     npm start        # node start.js: registers the course's kernel in ./.jupyter and opens notebooks/
 *
 * `start.js` is plain Node (the release has no TypeScript tooling): it writes the kernelspec
 * `tslab` into `<release>/.jupyter/share/jupyter/kernels/` — the course's kernel launcher
 * (launcher/, a copy of scripts/launcher: the learner's helpers) on the release's own library,
 * read-only as it was released — points JUPYTER_PATH, JUPYTER_CONFIG_DIR
 * and JUPYTER_RUNTIME_DIR into the release (nothing in the learner's home is touched), then runs
 * the first front end it finds, in the order the course's own `npm start` uses: JupyterLab in the
 * release's `.venv`, JupyterLab on PATH, a `.venv` it creates with pip (one quick try, pip's
 * progress shown), the classic `jupyter notebook` (Debian's `jupyter-notebook`). `npm start --
 * --check` only says what it would run. Stopping it (Ctrl-C, closing the terminal) stops the server.
 */
export const RELEASE_START_FILE = "start.js";

/** The release's copy of scripts/launcher. */
export const RELEASE_LAUNCHER_DIR = "launcher";

export function releaseStartScript(): string {
  return `#!/usr/bin/env node
// bnlab homework: open the notebooks with this folder's own TypeScript kernel (see README.md).
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const here = __dirname;
const check = process.argv.includes("--check");
const tslab = path.join(here, "node_modules", "tslab", "bin", "tslab");
if (!fs.existsSync(tslab)) {
  console.error("The TypeScript kernel is not installed in this folder yet: run  npm install  here first, then  npm start.");
  process.exit(1);
}
const jupyter = path.join(here, ".jupyter");
const kernelDir = path.join(jupyter, "share", "jupyter", "kernels", "tslab");
fs.mkdirSync(kernelDir, { recursive: true });
const { launcherKernelspec } = require("./${RELEASE_LAUNCHER_DIR}/kernelspec.cjs");
const spec = launcherKernelspec({ node: process.execPath, launcher: path.join(here, "${RELEASE_LAUNCHER_DIR}", "launch.cjs"), library: here, displayName: "TypeScript" });
fs.writeFileSync(path.join(kernelDir, "kernel.json"), JSON.stringify(spec, null, 2) + "\\n");
const env = {
  ...process.env,
  JUPYTER_PATH: path.join(jupyter, "share", "jupyter") + (process.env.JUPYTER_PATH ? path.delimiter + process.env.JUPYTER_PATH : ""),
  JUPYTER_CONFIG_DIR: path.join(jupyter, "config"),
  JUPYTER_RUNTIME_DIR: path.join(jupyter, "runtime"),
  PATH: path.dirname(process.execPath) + path.delimiter + (process.env.PATH || ""),
};

function which(name) {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const file = path.join(dir, name);
    try { fs.accessSync(file, fs.constants.X_OK); return file; } catch {}
  }
  return null;
}

function frontend() {
  const venvLab = path.join(here, ".venv", "bin", "jupyter-lab");
  if (fs.existsSync(venvLab)) return { command: venvLab, kind: "JupyterLab (.venv)" };
  const lab = which("jupyter-lab");
  if (lab) return { command: lab, kind: "JupyterLab" };
  const python = which("python3");
  if (python && !check && spawnSync(python, ["-c", "import venv, ensurepip"]).status === 0) {
    console.log("Installing JupyterLab into .venv (once; pip's progress follows)…");
    const made = spawnSync(python, ["-m", "venv", path.join(here, ".venv")], { stdio: "inherit" }).status === 0;
    const pip = path.join(here, ".venv", "bin", "pip");
    if (made && spawnSync(pip, ["install", "--retries", "1", "--timeout", "15", "jupyterlab"], { stdio: "inherit" }).status === 0 && fs.existsSync(venvLab)) {
      return { command: venvLab, kind: "JupyterLab (.venv)" };
    }
    console.log("Could not install JupyterLab; trying the classic notebook.");
  }
  const classic = which("jupyter-notebook");
  if (classic) return { command: classic, kind: "the classic Jupyter Notebook" };
  return null;
}

const found = frontend();
if (!found) {
  console.error("No Jupyter found. Install one of: python3 with python3-venv (then npm start again), JupyterLab (pip install jupyterlab), or the classic notebook (sudo apt-get install jupyter-notebook).");
  process.exit(1);
}
const args = ["--no-browser", "--ip=127.0.0.1"];
if (check) {
  console.log(JSON.stringify({ command: found.command, kind: found.kind, args, kernelspec: path.join(kernelDir, "kernel.json"), cwd: path.join(here, "notebooks") }));
  process.exit(0);
}
console.log("Starting " + found.kind + " with this folder's TypeScript kernel; open the http://127.0.0.1:… link it prints.");
const server = spawn(found.command, args, { cwd: path.join(here, "notebooks"), env, stdio: "inherit" });
const stop = () => { try { server.kill("SIGTERM"); } catch {} };
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stop);
server.on("exit", (code) => process.exit(code === null ? 1 : code));
`;
}
