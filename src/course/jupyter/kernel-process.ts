/** Spawning the kernel process from a kernelspec argv, and stopping it (whole process group). */
import { spawn, type ChildProcess } from "node:child_process";
import { killGroup, trackKernel, untrackKernel } from "./cleanup";

export interface SpawnKernelOptions {
  argv: string[];
  connectionFile: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Keeps the last `limit` characters the kernel wrote to its own stdout/stderr (for diagnostics). */
class Tail {
  private text = "";
  constructor(private readonly limit = 16_000) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

export class KernelProcess {
  readonly pid: number;
  /** Resolves when the process has exited (and was reaped). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly log = new Tail();
  private done = false;

  private constructor(private readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error("kernel process did not start");
    this.pid = child.pid;
    trackKernel(this.pid);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.log.push(chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => this.log.push(chunk));
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.done = true;
        untrackKernel(this.pid);
        // Anything the kernel started in its group goes with it.
        killGroup(this.pid);
        resolve({ code, signal });
      });
    });
  }

  static spawn(opts: SpawnKernelOptions): Promise<KernelProcess> {
    const argv = opts.argv.map((arg) => arg.split("{connection_file}").join(opts.connectionFile));
    const child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      detached: true, // own process group, so killGroup() reaches every descendant
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new Promise((resolve, reject) => {
      child.once("error", (err) => reject(new Error(`cannot start kernel ${argv[0]}: ${err.message}`)));
      child.once("spawn", () => resolve(new KernelProcess(child)));
    });
  }

  get hasExited(): boolean {
    return this.done;
  }

  /** What the kernel process printed outside the protocol (startup errors, crashes). */
  output(): string {
    return this.log.toString();
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.done) this.child.kill(signal);
  }

  /** SIGKILLs the process group and waits until the kernel is reaped. */
  async kill(): Promise<void> {
    if (!this.done) killGroup(this.pid);
    await this.exited;
  }

  /** Waits up to `ms` for a voluntary exit; false on timeout. */
  async waitExit(ms: number): Promise<boolean> {
    if (this.done) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const result = await Promise.race([this.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }
}
