/**
 * Finding every process a hub started, however it was started: the hub, the proxy, each learner's
 * server and their kernels all carry `BNLAB_HUB_ID=<id>` in their environment (the hub's own
 * environment passes to the proxy; the spawner's `environment` to each server and its kernels).
 * Linux only (/proc); the processes must belong to us (or we are root) to be seen.
 */
import * as fs from "node:fs";

export const HUB_ID_VARIABLE = "BNLAB_HUB_ID";

/** Pids of the live processes whose environment has BNLAB_HUB_ID=id (never this process). */
export function markedProcesses(id: string): number[] {
  if (!id) throw new Error("markedProcesses: an empty hub id would match nothing useful");
  const needle = Buffer.from(`\0${HUB_ID_VARIABLE}=${id}\0`);
  const pids: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ: Buffer;
    try {
      environ = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${name}/environ`), Buffer.from([0])]);
    } catch {
      continue; // gone, or not ours to read
    }
    if (environ.includes(needle) && !isZombie(name)) pids.push(Number(name));
  }
  return pids.sort((a, b) => a - b);
}

function isZombie(pid: string): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/**
 * SIGTERMs every marked process, waits up to `graceMs` for them to go, then SIGKILLs the rest.
 * Returns the pids that were still alive (and were signalled).
 */
export async function stopMarkedProcesses(id: string, graceMs = 5_000): Promise<number[]> {
  const found = markedProcesses(id);
  const signal = (pid: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  for (const pid of found) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && markedProcesses(id).length > 0) await new Promise((r) => setTimeout(r, 100));
  for (const pid of markedProcesses(id)) signal(pid, "SIGKILL");
  return found;
}
