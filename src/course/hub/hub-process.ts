/**
 * Running JupyterHub: started in its own process group from its state folder, ready when the
 * proxy answers `/hub/api`, stopped with SIGTERM (the hub then stops every learner's server and
 * the proxy), and after that every process still carrying the hub's id is stopped too
 * (marked-processes.ts): nothing the hub started outlives `stop()`.
 */
import { spawn } from "node:child_process";
import { killGroup } from "../jupyter/cleanup";
import type { HubSetup } from "./hub-setup";
import { HUB_ID_VARIABLE, markedProcesses, stopMarkedProcesses } from "./marked-processes";

export interface RunningHub {
  pid: number;
  /** http://127.0.0.1:PORT/ */
  url: string;
  exited: Promise<number | null>;
  /** Stops the hub and everything it started; resolves with the pids that had to be stopped after the hub exited. */
  stop(): Promise<number[]>;
}

export interface StartHubOptions {
  onLog?(chunk: string): void;
  /** How long to wait for the hub to answer (default 120 s). */
  startTimeoutMs?: number;
  /** How long the hub gets to stop its servers before it is killed (default 30 s). */
  stopTimeoutMs?: number;
}

export async function startHub(setup: HubSetup, options: StartHubOptions = {}): Promise<RunningHub> {
  const { plan } = setup;
  const env: NodeJS.ProcessEnv = { ...process.env, [HUB_ID_VARIABLE]: plan.hubId };
  delete env.NODE_OPTIONS;
  const child = spawn(setup.jupyterhub, ["-f", setup.configFile], { cwd: plan.stateDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString();
    log = (log + text).slice(-20_000);
    options.onLog?.(text);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(null));
    child.on("exit", (code) => resolve(code));
  }).then((code) => {
    done = true;
    return code;
  });
  const pid = child.pid ?? -1;
  const onExit = (): void => {
    // Last resort if this process exits without stop(): synchronous signals only.
    killGroup(pid, "SIGKILL");
    for (const marked of markedProcesses(plan.hubId)) killGroup(marked, "SIGKILL");
  };
  process.on("exit", onExit);

  let stopping: Promise<number[]> | undefined;
  const stop = (): Promise<number[]> =>
    (stopping ??= (async () => {
      if (!done) {
        killGroup(pid, "SIGTERM");
        const timer = setTimeout(() => killGroup(pid, "SIGKILL"), options.stopTimeoutMs ?? 30_000);
        await exited;
        clearTimeout(timer);
      }
      const leftovers = await stopMarkedProcesses(plan.hubId);
      process.off("exit", onExit);
      return leftovers;
    })());

  const url = `http://127.0.0.1:${plan.port}/`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  while (Date.now() < deadline && !done) {
    try {
      const res = await fetch(`${url}hub/api`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { pid, url, exited, stop };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`jupyterhub did not start${done ? " (it exited)" : " in time"}. Its output:\n${log.slice(-6000)}`);
}
