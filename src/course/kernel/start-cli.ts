/**
 * `npm start [-- --browser] [--port N] [--no-install]`: registers the kernelspec, finds or
 * provisions a Jupyter front end (see frontend-plan.ts), starts it on 127.0.0.1 with token auth
 * and prints the URL of the course's notebooks/ folder.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { killGroup } from "./cleanup";
import { planFrontend, type FrontendKind } from "./frontend-plan";
import { isExecutable, probeFrontend } from "./frontend-probe";
import { startJupyterServer } from "./jupyter-server";
import { ensureKernelspec, kernelspecDir } from "./kernelspec";
import { projectRoot } from "./project-root";

export interface StartCliOptions {
  browser: boolean;
  port?: number;
  install: boolean;
}

export const START_USAGE = "usage: npm start [-- --browser] [--port N] [--no-install]";

export function parseStartArgs(args: readonly string[]): StartCliOptions {
  const opts: StartCliOptions = { browser: false, install: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--browser") opts.browser = true;
    else if (arg === "--no-browser") opts.browser = false;
    else if (arg === "--no-install") opts.install = false;
    else if (arg === "--port" || arg.startsWith("--port=")) {
      const value = arg.includes("=") ? arg.slice("--port=".length) : args[++i];
      const port = Number(value);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port: not a port number: ${value}\n${START_USAGE}`);
      opts.port = port;
    } else throw new Error(`unknown argument ${arg}\n${START_USAGE}`);
  }
  return opts;
}

/** Creates the venv and pip-installs into it, showing pip's own progress. Returns success. */
export function provisionVenv(python: string, venvDir: string, packages: string[], log: (line: string) => void): boolean {
  log(`bnlab: creating ${venvDir} with ${python} and installing ${packages.join(", ")} (one time)...`);
  const venv = spawnSync(python, ["-m", "venv", venvDir], { stdio: "inherit" });
  if (venv.status !== 0) {
    log(`bnlab: \`${python} -m venv ${venvDir}\` failed`);
    return false;
  }
  const pip = spawnSync(join(venvDir, "bin", "python"), ["-m", "pip", "install", ...packages], { stdio: "inherit" });
  if (pip.status !== 0) {
    log("bnlab: pip install failed");
    return false;
  }
  return isExecutable(join(venvDir, "bin", "jupyter-lab"));
}

/** Runs `npm start`; resolves with the exit code once the server has stopped. */
export async function runStartCli(args: readonly string[], log: (line: string) => void = console.log): Promise<number> {
  let opts: StartCliOptions;
  try {
    opts = parseStartArgs(args);
  } catch (err) {
    log((err as Error).message);
    return 2;
  }
  const root = projectRoot();
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
    if (provisionVenv(plan.python, plan.venvDir, plan.packages, log)) {
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
  // (SIGTERM makes Jupyter shut its kernels down), also if we are terminated or exit.
  const stop = (): void => void server.stop();
  const kill = (): void => killGroup(server.pid, "SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.on("exit", kill);
  log("");
  log(`bnlab: the course is open at\n\n    ${server.url}\n`);
  log("bnlab: press Ctrl-C to stop the server.");
  const code = await server.exited;
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  process.off("exit", kill);
  return code ?? 0;
}
