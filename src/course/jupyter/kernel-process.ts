/** The kernel process started from a kernelspec argv, in its own process group, stopped as a group. */
import { trackKernel, untrackKernel } from "./cleanup";
import { killGroup, spawnGroup, type GroupExit, type ProcessGroup } from "./process-group";

export interface SpawnKernelOptions {
  argv: string[];
  connectionFile: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export class KernelProcess {
  readonly pid: number;
  /** Resolves when the process has exited (and was reaped). */
  readonly exited: Promise<GroupExit>;

  private constructor(private readonly group: ProcessGroup) {
    this.pid = group.pid;
    trackKernel(this.pid);
    this.exited = group.exited.then((exit) => {
      untrackKernel(this.pid);
      return exit;
    });
  }

  static async spawn(opts: SpawnKernelOptions): Promise<KernelProcess> {
    const argv = opts.argv.map((arg) => arg.split("{connection_file}").join(opts.connectionFile));
    const group = await spawnGroup(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env, tailChars: 16_000 }).catch((err: Error) => {
      throw new Error(`cannot start kernel: ${err.message}`);
    });
    return new KernelProcess(group);
  }

  get hasExited(): boolean {
    return this.group.hasExited;
  }

  /** What the kernel process printed outside the protocol (startup errors, crashes). */
  output(): string {
    return this.group.output();
  }

  /** Signals the kernel process itself (SIGINT interrupts the running cell). */
  signal(signal: NodeJS.Signals): void {
    if (!this.hasExited) killGroupLeader(this.pid, signal);
  }

  /** SIGKILLs the process group and waits until the kernel is reaped. */
  async kill(): Promise<void> {
    if (!this.hasExited) killGroup(this.pid);
    await this.exited;
  }

  /** Waits up to `ms` for a voluntary exit; false on timeout. */
  async waitExit(ms: number): Promise<boolean> {
    if (this.hasExited) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const result = await Promise.race([this.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }
}

function killGroupLeader(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
