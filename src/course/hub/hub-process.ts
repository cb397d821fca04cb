/**
 * Running JupyterHub: started in its own process group from its state folder, ready when the
 * proxy answers `/hub/api`, stopped with SIGTERM (the hub then stops every learner's server and
 * the proxy), and after that every process still carrying the hub's id is stopped too
 * (marked-processes.ts): nothing the hub started outlives `stop()`.
 */
import { answers, killGroup, spawnGroup, waitForServer } from "../jupyter/process-group";
import type { HubSetup } from "./hub-setup";
import { HUB_ID_VARIABLE, markedProcesses, stopMarkedProcesses } from "./marked-processes";

interface RunningHub {
  pid: number;
  /** http://127.0.0.1:PORT/ */
  url: string;
  exited: Promise<number | null>;
  /** Stops the hub and everything it started; resolves with the pids that had to be stopped after the hub exited. */
  stop(): Promise<number[]>;
}

/** `onLog` gets the hub's output. The hub gets 120 s to answer, and 30 s to stop its servers before it is killed. */
export async function startHub(setup: HubSetup, onLog?: (chunk: string) => void): Promise<RunningHub> {
  const { plan } = setup;
  const env: NodeJS.ProcessEnv = { ...process.env, [HUB_ID_VARIABLE]: plan.hubId };
  delete env.NODE_OPTIONS;
  const hub = await spawnGroup(setup.jupyterhub, ["-f", setup.configFile], { cwd: plan.stateDir, env, ...(onLog ? { onOutput: onLog } : {}) });
  const { pid } = hub;
  const exited = hub.exited.then((exit) => exit.code);
  const onExit = (): void => {
    // Last resort if this process exits without stop(): synchronous signals only.
    killGroup(pid, "SIGKILL");
    for (const marked of markedProcesses(plan.hubId)) killGroup(marked, "SIGKILL");
  };
  process.on("exit", onExit);

  let stopping: Promise<number[]> | undefined;
  const stop = (): Promise<number[]> =>
    (stopping ??= (async () => {
      await hub.stop(30_000);
      const leftovers = await stopMarkedProcesses(plan.hubId);
      process.off("exit", onExit);
      return leftovers;
    })());

  const url = `http://127.0.0.1:${plan.port}/`;
  const ready = async (): Promise<RunningHub | null> => ((await answers(`${url}hub/api`)) ? { pid, url, exited, stop } : null);
  return waitForServer(hub, "jupyterhub", 120_000, ready, stop);
}
