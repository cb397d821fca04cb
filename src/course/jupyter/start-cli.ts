/**
 * `npm start [-- --browser] [--port N] [--no-install] [--replace]`: registers the kernelspec, finds
 * or provisions a Jupyter front end (see frontend-plan.ts), starts it on 127.0.0.1 with token auth
 * and prints the URL of the course's notebooks/ folder. One server per project: if `npm start`
 * already runs one, it prints that one's URL (or, with --replace, stops it and starts anew). The
 * server and its kernels stop when this process gets SIGINT, SIGTERM or SIGHUP (the terminal closed).
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { STOP_SIGNALS, killGroup } from "./process-group";
import { planFrontend, type FrontendKind } from "./frontend-plan";
import { isExecutable, probeFrontend } from "./frontend-probe";
import { startJupyterServer } from "./jupyter-server";
import { ensureKernelspec, kernelspecDir } from "./kernelspec";
import { DEFAULT_INDEX, PIP_TIMEOUT_S, PipProgress, indexReachable, pipInstallArgs, pipSources } from "./pip-install";
import { projectRoot } from "./project-root";
import { processAlive, removeServerRecord, runningServer, writeServerRecord } from "./running-server";
import { parsedArgs, readArgs } from "./cli-args";

interface StartCliOptions {
  browser: boolean;
  port?: number;
  install: boolean;
  /** Stop a server `npm start` already runs for this project, instead of reusing it. */
  replace: boolean;
}

const START_USAGE = "usage: npm start [-- --browser] [--port N] [--no-install] [--replace]";

function parseStartArgs(args: readonly string[]): StartCliOptions {
  const flag = { type: "boolean" } as const;
  const { values, positionals } = readArgs(args, { browser: flag, "no-browser": flag, "no-install": flag, replace: flag, port: { type: "string" } }, START_USAGE);
  if (positionals.length > 0) throw new Error(`unknown argument ${positionals[0]}\n${START_USAGE}`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535)) throw new Error(`--port: not a port number: ${values.port}\n${START_USAGE}`);
  return { browser: values.browser === true && values["no-browser"] !== true, port, install: values["no-install"] !== true, replace: values.replace === true };
}

/** Creates the venv and pip-installs into it, showing pip's progress in one line. Returns success. */
async function provisionVenv(python: string, venvDir: string, packages: string[], log: (line: string) => void): Promise<boolean> {
  log(`bnlab: installing ${packages.join(" and ")} into ${venvDir} (once; ${python} -m venv, then pip)…`);
  const venv = spawnSync(python, ["-m", "venv", venvDir], { stdio: "inherit" });
  if (venv.status !== 0) {
    log(`bnlab: \`${python} -m venv ${venvDir}\` failed`);
    return false;
  }
  const venvPython = join(venvDir, "bin", "python");
  const sources = pipSources(venvPython);
  const { args, env, from } = pipInstallArgs(packages, sources, await indexReachable(sources.indexUrl ?? DEFAULT_INDEX));
  log(`bnlab: ${from}; a request that gets no answer is given up after ${PIP_TIMEOUT_S} s and retried once.`);
  const progress = new PipProgress((text) => process.stderr.write(text), process.stderr.isTTY === true);
  const pip = spawn(venvPython, ["-m", "pip", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  pip.stdout.setEncoding("utf8").on("data", (chunk: string) => progress.write(chunk));
  pip.stderr.setEncoding("utf8").on("data", (chunk: string) => progress.write(chunk));
  const code = await new Promise<number | null>((resolve) => {
    pip.once("error", () => resolve(null));
    pip.once("exit", (status) => resolve(status));
  });
  progress.finish(code === 0);
  return code === 0 && isExecutable(join(venvDir, "bin", "jupyter-lab"));
}

/** Runs `npm start`; resolves with the exit code once the server has stopped. */
export async function runStartCli(args: readonly string[], log: (line: string) => void = console.log): Promise<number> {
  const opts = parsedArgs(() => parseStartArgs(args), log);
  if (opts === null) return 2;
  const root = projectRoot();
  const existing = await runningServer(root);
  if (existing && !opts.replace) {
    log(`bnlab: ${existing.kind === "lab" ? "JupyterLab" : "Jupyter Notebook"} is already running for this project (pid ${existing.pid}, started by npm start pid ${existing.owner}):\n\n    ${existing.url}\n`);
    log("bnlab: open that URL; or stop that server and start a new one with `npm start -- --replace`.");
    return 0;
  }
  if (existing) {
    log(`bnlab: stopping the server already running for this project (pid ${existing.pid}) and its kernels…`);
    await stopProcessGroup(existing.pid);
  }
  ensureKernelspec(root);
  log(`bnlab: kernel "bnlab-tslab" registered in ${kernelspecDir(root)}`);
  const venvDir = join(root, ".venv");
  const plan = planFrontend(probeFrontend(venvDir), venvDir, { allowProvision: opts.install });
  let command: string;
  let kind: FrontendKind;
  if (plan.action === "missing") {
    log(plan.message);
    return 1;
  } else if (plan.action === "provision") {
    if (await provisionVenv(plan.python, plan.venvDir, plan.packages, log)) {
      command = plan.then;
      kind = "lab";
    } else if (plan.fallback) {
      log(`bnlab: could not install JupyterLab; falling back to the classic notebook (${plan.fallback})`);
      command = plan.fallback;
      kind = "notebook";
    } else {
      log("bnlab: could not install JupyterLab and no other Jupyter was found.\nTry: sudo apt-get install jupyter-notebook   or   pip install jupyterlab");
      return 1;
    }
  } else {
    command = plan.command;
    kind = plan.kind;
  }
  log(`bnlab: starting ${kind === "lab" ? "JupyterLab" : "Jupyter Notebook"} (${command})...`);
  const server = await startJupyterServer({
    command,
    kind,
    root,
    port: opts.port,
    browser: opts.browser,
    onLog: (chunk) => process.stderr.write(chunk),
  });
  // The server runs in its own process group, so Ctrl-C reaches only us: stop it cleanly
  // (SIGTERM makes Jupyter shut its kernels down), also if we are terminated or the terminal
  // closes (SIGHUP); if we exit, startJupyterServer's own handler sends it SIGTERM.
  writeServerRecord(root, { pid: server.pid, owner: process.pid, kind, url: server.url, baseUrl: server.baseUrl, token: server.token });
  const stop = (): void => void server.stop();
  const forget = (): void => removeServerRecord(root, server.pid);
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  process.on("exit", forget);
  log("");
  log(`bnlab: the course is open at\n\n    ${server.url}\n`);
  log("bnlab: press Ctrl-C to stop the server.");
  const code = await server.exited;
  removeServerRecord(root, server.pid);
  for (const signal of STOP_SIGNALS) process.off(signal, stop);
  process.off("exit", forget);
  return code ?? 0;
}

/** SIGTERM to a process group (Jupyter shuts its kernels down), SIGKILL after 15 s; waits until it is gone. */
async function stopProcessGroup(pid: number): Promise<void> {
  killGroup(pid, "SIGTERM");
  const deadline = Date.now() + 15_000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (processAlive(pid)) killGroup(pid, "SIGKILL");
  while (processAlive(pid)) await new Promise((r) => setTimeout(r, 100));
}
