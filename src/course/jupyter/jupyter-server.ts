/**
 * Starting a Jupyter server (JupyterLab or the classic notebook) for the course: bound to
 * 127.0.0.1, token auth on (a random token via JUPYTER_TOKEN unless one is set), rooted at the
 * project, opening notebooks/, with JUPYTER_PATH pointing at the project-local kernelspec, and with
 * scripts/jupyter/bnlab_jupyter.py's save hook (drops the PNG snapshots JupyterLab's plotly renderer
 * adds to chart outputs, which made every saved notebook grow by a picture per chart).
 */
import { randomBytes } from "node:crypto";
import type { FrontendKind } from "./frontend-plan";
import { delimiter, join } from "node:path";
import { ensureKernelspec, jupyterEnv } from "./kernelspec";
import { answers, killGroup, spawnGroup, waitForServer } from "./process-group";
import { projectRoot } from "./project-root";

interface JupyterServerOptions {
  command: string;
  kind: FrontendKind;
  root?: string;
  /** Port to listen on; default 8888 (Jupyter moves on to the next free one if taken). */
  port?: number;
  /** Open a browser (default false: --no-browser). */
  browser?: boolean;
  /** Folder (relative to root) to open. */
  openPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Receives the server's log output (default: dropped). */
  onLog?(chunk: string): void;
  /** How long to wait for the server to answer (default 90 s). */
  startTimeoutMs?: number;
}

export interface JupyterServer {
  kind: FrontendKind;
  pid: number;
  port: number;
  token: string;
  /** Base URL, e.g. http://127.0.0.1:8888/ */
  baseUrl: string;
  /** The URL to open, with the token: .../lab/tree/notebooks?token=... */
  url: string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The command-line arguments for a front end. */
function serverArgs(kind: FrontendKind, opts: { root: string; port: number; browser: boolean; openPath: string; asRoot?: boolean }): string[] {
  const app = kind === "lab" ? "ServerApp" : "NotebookApp";
  const dirFlag = kind === "lab" ? `--ServerApp.root_dir=${opts.root}` : `--NotebookApp.notebook_dir=${opts.root}`;
  return [
    "--ip=127.0.0.1",
    `--port=${opts.port}`,
    ...(opts.browser ? [] : ["--no-browser"]),
    dirFlag,
    `--${app}.default_url=${openUrlPath(kind, opts.openPath)}`,
    `--ContentsManager.pre_save_hook=${PRE_SAVE_HOOK}`,
    // Jupyter refuses to run as root without it (containers, CI).
    ...(opts.asRoot ? ["--allow-root"] : []),
  ];
}

/** The save hook (a Python import path; scripts/jupyter is put on PYTHONPATH). */
const PRE_SAVE_HOOK = "bnlab_jupyter.strip_plotly_png";

function openUrlPath(kind: FrontendKind, openPath: string): string {
  const clean = openPath.replace(/^\/+|\/+$/g, "");
  return kind === "lab" ? `/lab/tree/${clean}` : `/tree/${clean}`;
}

/** Finds "http://127.0.0.1:PORT/" in the server log. */
function parseServerPort(log: string): number | null {
  const m = /https?:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
  return m ? Number(m[1]) : null;
}

export async function startJupyterServer(opts: JupyterServerOptions): Promise<JupyterServer> {
  const root = opts.root ?? projectRoot();
  ensureKernelspec(root);
  const baseEnv = opts.env ?? process.env;
  const token = baseEnv.JUPYTER_TOKEN || randomBytes(24).toString("hex");
  const env: NodeJS.ProcessEnv = { ...jupyterEnv(baseEnv, root), JUPYTER_TOKEN: token };
  // scripts/jupyter holds bnlab's Python hooks for the server (PRE_SAVE_HOOK)
  env.PYTHONPATH = [join(root, "scripts", "jupyter"), ...(baseEnv.PYTHONPATH ? [baseEnv.PYTHONPATH] : [])].join(delimiter);
  delete env.NODE_OPTIONS;
  const openPath = opts.openPath ?? "notebooks";
  const args = serverArgs(opts.kind, { root, port: opts.port ?? 8888, browser: opts.browser ?? false, openPath, asRoot: process.getuid?.() === 0 });
  const server = await spawnGroup(opts.command, args, { cwd: root, env, ...(opts.onLog ? { onOutput: opts.onLog } : {}) });
  const { pid } = server;
  const exited = server.exited.then((exit) => exit.code);
  // Never leave a server behind if this process exits without stopping it.
  const onExit = (): void => killGroup(pid, "SIGTERM");
  process.on("exit", onExit);
  void exited.then(() => process.off("exit", onExit));
  // SIGTERM makes Jupyter shut its kernels down.
  const stop = async (): Promise<void> => void (await server.stop(10_000));
  const ready = async (): Promise<JupyterServer | null> => {
    const port = parseServerPort(server.output());
    if (!port || !(await answers(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`))) return null;
    const url = `http://127.0.0.1:${port}${openUrlPath(opts.kind, openPath)}?token=${token}`;
    return { kind: opts.kind, pid, port, token, baseUrl: `http://127.0.0.1:${port}/`, url, exited, stop };
  };
  return waitForServer(server, opts.command, opts.startTimeoutMs ?? 90_000, ready, stop);
}
