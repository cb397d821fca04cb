/**
 * A child process that leads its own process group (a Jupyter server, a kernel, JupyterHub): its
 * output kept as a tail for error messages, and stopped as a group — SIGTERM first (Jupyter and the
 * hub shut down what they started), SIGKILL after a grace period, and the rest of the group is
 * killed when the leader exits — so nothing it started survives it.
 */
import { spawn } from "node:child_process";

/** Sends a signal to a whole process group (a detached child leads one), or to the pid if it has none. */
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export interface GroupExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessGroup {
  readonly pid: number;
  /** Resolves once the leader has exited (or could not start: code null). */
  readonly exited: Promise<GroupExit>;
  readonly hasExited: boolean;
  /** The last characters the process wrote to stdout and stderr. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the leader has exited. */
  stop(graceMs: number): Promise<GroupExit>;
  /** SIGKILL to the group; resolves when the leader has exited. */
  kill(): Promise<GroupExit>;
  /** Signals the leader alone (SIGINT interrupts a kernel's running cell). */
  signal(signal: NodeJS.Signals): void;
  /** Waits up to `ms` for the leader to exit by itself; false on timeout. */
  waitExit(ms: number): Promise<boolean>;
}

export interface SpawnGroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Receives every chunk of output as it comes. */
  onOutput?(text: string): void;
  /** How many characters of output `output()` keeps (default 20 000). */
  tailChars?: number;
}

/** Starts `command` as the leader of a new process group; rejects if it cannot be started. */
export function spawnGroup(command: string, args: readonly string[], options: SpawnGroupOptions): Promise<ProcessGroup> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const limit = options.tailChars ?? 20_000;
  let tail = "";
  const onData = (text: string): void => {
    tail = (tail + text).slice(-limit);
    options.onOutput?.(text);
  };
  child.stdout?.setEncoding("utf8").on("data", onData);
  child.stderr?.setEncoding("utf8").on("data", onData);
  let done = false;
  const exited = new Promise<GroupExit>((resolve) => {
    child.once("error", () => resolve({ code: null, signal: null }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  }).then((exit) => {
    done = true;
    // Whatever the leader started in its group goes with it.
    if (child.pid !== undefined) killGroup(child.pid);
    return exit;
  });
  let stopping: Promise<GroupExit> | undefined;
  return new Promise((resolve, reject) => {
    child.once("error", (err) => reject(new Error(`cannot start ${command}: ${err.message}`)));
    child.once("spawn", () => {
      const pid = child.pid ?? -1;
      resolve({
        pid,
        exited,
        get hasExited() {
          return done;
        },
        output: () => tail,
        stop: (graceMs) =>
          (stopping ??= (async () => {
            if (!done) killGroup(pid, "SIGTERM");
            const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
            const exit = await exited;
            clearTimeout(timer);
            return exit;
          })()),
        kill: () => {
          if (!done) killGroup(pid);
          return exited;
        },
        signal: (signal) => {
          if (!done) child.kill(signal);
        },
        waitExit: async (ms) => {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
          const result = await Promise.race([exited.then(() => true as const), timeout]);
          clearTimeout(timer);
          return result;
        },
      });
    });
  });
}
