import { readFileSync } from "node:fs";

/** True while the process exists and is not a zombie (a zombie has exited; only its parent's reap is missing). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
