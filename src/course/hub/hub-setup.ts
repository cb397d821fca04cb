/**
 * Everything `npm run hub` prepares before starting JupyterHub, in its state folder
 * (default `build/hub/`):
 *
 *   library/                 the compiled library learners' notebooks load, copied from the project
 *                            and made read-only
 *   share/jupyter/kernels/bnlab-tslab/kernel.json
 *                            the bnlab kernel for every learner's server: the project's launcher
 *                            (absolute node), loading library/ as it is
 *   homes/<learner>/         learners' homes (SimpleLocalProcessSpawner)
 *   jupyterhub_config.py     the config (hub-config.ts)
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyLibrary } from "../homework/library-bundle";
import { freePort } from "../jupyter/connection";
import { which } from "../jupyter/frontend-probe";
import { expectedKernelspec, tslabMainScript, KERNEL_NAME } from "../jupyter/kernelspec";
import { renderCourseConfig, renderHubConfig, type HubPlan, type SingleUserKind } from "./hub-config";

interface HubSetupOptions {
  root: string;
  port: number;
  stateDir: string;
  courseDir: string;
  homesDir?: string;
  /** The single-user server command (default: found, see findSingleUser). */
  singleUser?: string;
  /** Prepare the library, kernelspec and configs for another hub (TLJH, Kubernetes) without needing one here. */
  setupOnly?: boolean;
}

export interface HubSetup {
  plan: HubPlan;
  /** The whole config of the local hub. */
  configFile: string;
  /** The course's part alone, for another hub's config (TLJH: /opt/tljh/config/jupyterhub_config.d/). */
  courseConfigFile: string;
  /** The jupyterhub executable. */
  jupyterhub: string;
}

/** Debian's configurable-http-proxy finds its modules only with NODE_PATH=/usr/share/nodejs. */
export function proxyCommand(proxy: string): string[] {
  const real = fs.realpathSync(proxy);
  return real.startsWith("/usr/share/nodejs/") ? ["/usr/bin/env", "NODE_PATH=/usr/share/nodejs", proxy] : [proxy];
}

/** JupyterLab when the project's .venv has jupyterhub-singleuser, else the system's (Debian: the classic Notebook). */
function findSingleUser(root: string, given?: string): { command: string; kind: SingleUserKind } {
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`--singleuser ${given}: no such file (it is the hub's jupyterhub-singleuser, e.g. /opt/tljh/user/bin/jupyterhub-singleuser)`);
    return { command: given, kind: labInstalled(given) ? "lab" : "notebook" };
  }
  const venv = path.join(root, ".venv", "bin", "jupyterhub-singleuser");
  if (which("jupyterhub-singleuser", path.dirname(venv)) && which("jupyter-lab", path.dirname(venv))) return { command: venv, kind: "lab" };
  const system = which("jupyterhub-singleuser");
  if (!system) throw new Error("jupyterhub-singleuser not found: install JupyterHub (sudo apt-get install jupyterhub), or for JupyterLab: .venv/bin/pip install jupyterhub");
  return { command: system, kind: labInstalled(system) ? "lab" : "notebook" };
}

/** Whether the Python behind a jupyterhub-singleuser script can import jupyterlab. */
function labInstalled(singleUser: string): boolean {
  const shebang = fs.readFileSync(singleUser, "utf8").split("\n")[0];
  const python = shebang.startsWith("#!") ? shebang.slice(2).trim().split(/\s+/)[0] : "";
  if (!python || !fs.existsSync(python)) return false;
  try {
    execFileSync(python, ["-c", "import jupyterlab"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Copies the library into `<stateDir>/library` and makes it read-only (files 0444, folders 0555). */
function publishLibrary(root: string, stateDir: string): string {
  const library = path.join(stateDir, "library");
  const next = `${library}.new`;
  for (const dir of [next, `${library}.old`]) removeReadOnly(dir);
  copyLibrary(root, next);
  setMode(next, 0o444, 0o555);
  if (fs.existsSync(library)) fs.renameSync(library, `${library}.old`);
  fs.renameSync(next, library);
  removeReadOnly(`${library}.old`);
  return library;
}

function setMode(dir: string, fileMode: number, dirMode: number): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) setMode(full, fileMode, dirMode);
    else if (entry.isFile()) fs.chmodSync(full, fs.statSync(full).mode & 0o111 ? dirMode : fileMode);
  }
  fs.chmodSync(dir, dirMode);
}

function removeReadOnly(dir: string): void {
  if (!fs.existsSync(dir)) return;
  setMode(dir, 0o644, 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
}

export async function setUpHub(options: HubSetupOptions): Promise<HubSetup> {
  const root = path.resolve(options.root);
  const stateDir = path.resolve(options.stateDir);
  const courseDir = path.resolve(options.courseDir);
  const jupyterhub = which("jupyterhub") ?? (options.setupOnly ? "jupyterhub" : null);
  if (!jupyterhub) throw new Error("jupyterhub not found on PATH: sudo apt-get install jupyterhub (Debian/Ubuntu), or pip install jupyterhub");
  const proxy = which("configurable-http-proxy") ?? (options.setupOnly ? "configurable-http-proxy" : null);
  if (!proxy) throw new Error("configurable-http-proxy not found on PATH: sudo apt-get install jupyterhub (it brings node-configurable-http-proxy), or npm install -g configurable-http-proxy");
  const singleUser = findSingleUser(root, options.singleUser);
  if (!fs.existsSync(courseDir)) throw new Error(`the course folder ${courseDir} does not exist: npm run build writes notebooks/`);
  const tslab = tslabMainScript(root);
  if (!fs.existsSync(tslab)) throw new Error(`${tslab} is missing: run npm install`);

  fs.mkdirSync(stateDir, { recursive: true });
  const homesDir = path.resolve(options.homesDir ?? path.join(stateDir, "homes"));
  fs.mkdirSync(homesDir, { recursive: true });
  const jupyterDataDir = path.join(stateDir, "share", "jupyter");
  const libraryDir = publishLibrary(root, stateDir);
  // the kernelspec every learner's server sees: the course's launcher on the shared read-only library
  const kernelDir = path.join(jupyterDataDir, "kernels", KERNEL_NAME);
  fs.mkdirSync(kernelDir, { recursive: true });
  fs.writeFileSync(path.join(kernelDir, "kernel.json"), JSON.stringify(expectedKernelspec(root, { node: process.execPath, library: libraryDir }), null, 2) + "\n");

  const plan: HubPlan = {
    port: options.port,
    hubPort: await freePort(),
    proxyApiPort: await freePort(),
    stateDir,
    homesDir,
    courseDir,
    libraryDir,
    jupyterDataDir,
    syncCommand: [process.execPath, path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "tools", "course-sync.ts")],
    singleUser,
    proxyCommand: fs.existsSync(proxy) ? proxyCommand(proxy) : [proxy],
    hubId: randomBytes(8).toString("hex"),
    asRoot: process.getuid?.() === 0,
  };
  const configFile = path.join(stateDir, "jupyterhub_config.py");
  fs.writeFileSync(configFile, renderHubConfig(plan));
  const courseConfigFile = path.join(stateDir, "bnlab_course_config.py");
  fs.writeFileSync(courseConfigFile, renderCourseConfig({ ...plan, hubId: undefined }, { standalone: true }));
  return { plan, configFile, courseConfigFile, jupyterhub };
}
