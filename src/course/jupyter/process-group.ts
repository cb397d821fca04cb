/**
 * A child process that leads its own process group (a Jupyter server, a kernel, JupyterHub): its
 * output kept as a tail for error messages, and stopped as a group — SIGTERM first (Jupyter and the
 * hub shut down what they started), SIGKILL after a grace period, and the rest of the group is
 * killed when the leader exits — so nothing it started survives it.
 */
import { spawn } from "node:child_process";

/** Ctrl-C, kill, and the terminal closing: each stops what this process started. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

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

/** Resolves with the promise's value, or "timeout" after `ms` (Infinity = never). */
export async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  if (ms === Infinity) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), Math.max(0, ms))));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface GroupExit {
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

interface SpawnGroupOptions {
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
        waitExit: async (ms) => (await raceTimeout(exited, ms)) !== "timeout",
      });
    });
  });
}

/** Whether `url` answers 200 within `timeoutMs`. */
export async function answers(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })).ok;
  } catch {
    return false;
  }
}

/**
 * Waits for a server `group` started: `ready` is asked every 250 ms until it returns a value, for up
 * to `timeoutMs`. If the server exits or the time runs out, `stop` is called and the error names
 * `name` and shows the end of the server's output.
 */
export async function waitForServer<T>(group: ProcessGroup, name: string, timeoutMs: number, ready: () => Promise<T | null>, stop: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !group.hasExited) {
    const value = await ready();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`${name} did not start${group.hasExited ? " (it exited)" : " in time"}. Its output:\n${group.output().slice(-6000)}`);
}
