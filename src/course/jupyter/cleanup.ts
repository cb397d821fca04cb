/**
 * Starting kernels, and killing still-running kernel process groups when the runner exits or receives SIGINT/SIGTERM/SIGHUP,
 * so no kernel is ever orphaned. Handlers are installed only while at least one kernel is alive.
 */
import { STOP_SIGNALS, killGroup, spawnGroup, type ProcessGroup } from "./process-group";

const live = new Set<number>();
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
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off("exit", killAll);
  for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
}

/**
 * Starts a kernel from its kernelspec argv (`{connection_file}` replaced) in its own process group,
 * tracked until it exits.
 */
export async function spawnKernel(argv: readonly string[], connectionFile: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessGroup> {
  const args = argv.map((arg) => arg.split("{connection_file}").join(connectionFile));
  const kernel = await spawnGroup(args[0], args.slice(1), { cwd, env, tailChars: 16_000 }).catch((err: Error) => {
    throw new Error(`cannot start kernel: ${err.message}`);
  });
  live.add(kernel.pid);
  install();
  void kernel.exited.then(() => {
    live.delete(kernel.pid);
    if (live.size === 0) uninstall();
  });
  return kernel;
}
