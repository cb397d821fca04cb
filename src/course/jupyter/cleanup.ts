/**
 * Kills still-running kernel process groups when the runner exits or receives SIGINT/SIGTERM/SIGHUP,
 * so no kernel is ever orphaned. Handlers are installed only while at least one kernel is alive.
 */
import { killGroup } from "./process-group";

const live = new Set<number>();
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let installed = false;

function killAll(): void {
  for (const pid of live) killGroup(pid);
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  uninstall();
  // If nobody else handles the signal, die of it as we would have without our handler.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off("exit", killAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

export function trackKernel(pid: number): void {
  live.add(pid);
  install();
}

export function untrackKernel(pid: number): void {
  live.delete(pid);
  if (live.size === 0) uninstall();
}

export function liveKernelPids(): number[] {
  return [...live];
}
