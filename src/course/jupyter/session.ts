/**
 * A live kernel and a client for it over ZeroMQ (Jupyter messaging protocol v5.3):
 * DEALER sockets for shell/control/stdin, SUB for iopub.
 *
 * `KernelSession.start()` spawns the kernel from the kernelspec argv, waits for kernel_info_reply
 * (and for iopub to be live), then `execute()` runs code and returns nbformat outputs.
 * Several executions of one session share their display_id registry, so update_display_data in
 * a later cell updates the output of an earlier one.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import * as zmq from "zeromq";
import type { Output } from "../notebook/nbformat";
import { endpoint, openConnection, type ConnectionInfo } from "./connection";
import { spawnKernel } from "./cleanup";
import { errorInfo, type ErrorInfo } from "./error-info";
import { KERNEL_NAME, expectedKernelspec, jupyterEnv } from "./kernelspec";
import { OutputCollector, type DisplayRegistry } from "./output-collector";
import { raceTimeout, type ProcessGroup } from "./process-group";
import { projectRoot } from "./project-root";
import { decodeMessage, encodeMessage, newHeader, type JupyterMessage } from "./wire";

export interface KernelSessionOptions {
  /** Working directory of the kernel (a notebook's folder, so `../src` imports resolve). */
  cwd?: string;
  /** Environment of the kernel; defaults to jupyterEnv(). NODE_OPTIONS is removed unless given here. */
  env?: NodeJS.ProcessEnv;
  /** Kernel command line with `{connection_file}`; defaults to the project kernelspec's argv. */
  argv?: string[];
  /** Heap limit of the kernel's V8 (runs `node --max-old-space-size=N` explicitly). */
  memoryLimitMb?: number;
  /** How long to wait for kernel_info_reply (default 60 s). */
  startTimeoutMs?: number;
  /**
   * Reach the kernel over ipc:// sockets in `hostDir` (for a kernel in its own network namespace,
   * which sees that folder as `kernelDir`). The connection file is written there and removed once
   * the kernel answered; `argv` is used as given, `{connection_file}` being the kernel's path.
   */
  ipc?: { hostDir: string; kernelDir: string };
  /** Largest message accepted from the kernel, in bytes (a bigger one drops the connection). */
  maxMessageBytes?: number;
  /** Output text kept per execution, in bytes; the rest is dropped and a note says so. */
  maxOutputBytes?: number;
}

export type ExecuteStatus = "ok" | "error" | "timeout" | "dead";

export interface ExecuteOptions {
  /** Wall-clock limit; on expiry: interrupt_request, then SIGINT, then kill (default: none). */
  timeoutMs?: number;
  /** Called after each output change (outputs array is live). */
  onOutput?(outputs: readonly Output[]): void;
  /** Grace period after each interrupt step before escalating (default 1500 ms). */
  interruptGraceMs?: number;
}

export interface ExecuteResult {
  status: ExecuteStatus;
  executionCount: number | null;
  outputs: Output[];
  /** Set unless status is "ok". */
  error?: ErrorInfo;
  durationMs: number;
}

class KernelDiedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KernelDiedError";
  }
}

interface Pending {
  reply?: JupyterMessage;
  idle: boolean;
  collector: OutputCollector;
  onOutput?: (outputs: readonly Output[]) => void;
  settle(): void;
}

const ABORT_RETRY_DELAY_MS = 250; // tslab aborts requests for 200 ms after an error
const MAX_ABORT_RETRIES = 20;

/** Rewrites a node or Node-script (the kernel launcher) argv into `node --max-old-space-size=N <script> ...`. */
function withMemoryLimit(argv: string[], memoryLimitMb: number): string[] {
  const flag = `--max-old-space-size=${Math.floor(memoryLimitMb)}`;
  if (/(^|[\\/])node(\.exe)?$/.test(argv[0])) return [argv[0], flag, ...argv.slice(1)];
  if (/\.(c|m)?js$/.test(argv[0])) return [process.execPath, flag, ...argv];
  throw new Error(`KernelSession.start: memoryLimitMb needs a kernel argv that starts with node or a Node script (.js, .cjs, .mjs; the project's kernelspec does), got ${argv[0]}`);
}

/** How often a start is tried when a port was taken before the kernel could bind it. */
const PORT_RETRIES = 3;

class PortTakenError extends KernelDiedError {
  constructor(output: string) {
    super(`kernel did not start: one of its ports was taken by another process (EADDRINUSE)\n${output}`);
  }
}

/** How long one kernel_info_request may take before the handshake sends another. */
const KERNEL_INFO_ATTEMPT_MS = 3000;

export class KernelSession {
  readonly session = randomUUID();
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly stdin = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly pending = new Map<string, Pending>();
  private readonly replyWaiters = new Map<string, (msg: JupyterMessage) => void>();
  private readonly displays: DisplayRegistry = new Map();
  private readonly iopubSeen = new Set<string>();
  private closed = false;
  private ready = false;
  private sendChain: Promise<unknown> = Promise.resolve();
  private maxOutputBytes = Infinity;

  private constructor(
    readonly kernel: ProcessGroup,
    private readonly info: ConnectionInfo,
    private readonly removeConnectionFile: () => void,
  ) {}

  get pid(): number {
    return this.kernel.pid;
  }

  get alive(): boolean {
    return !this.closed && !this.kernel.hasExited;
  }

  /**
   * Starts a kernel and waits until it answers. Ports are picked free but only bound by the kernel
   * later, so another process can take one in between (the kernel then fails with EADDRINUSE);
   * such a start is retried with new ports.
   */
  static async start(opts: KernelSessionOptions = {}): Promise<KernelSession> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await KernelSession.startOnce(opts);
      } catch (err) {
        if (!(err instanceof PortTakenError) || attempt >= PORT_RETRIES) throw err;
      }
    }
  }

  private static async startOnce(opts: KernelSessionOptions): Promise<KernelSession> {
    const root = projectRoot();
    let argv = opts.argv ?? expectedKernelspec(root).argv;
    if (opts.memoryLimitMb) argv = withMemoryLimit(argv, opts.memoryLimitMb);
    const env = { ...(opts.env ?? jupyterEnv()) };
    if (!opts.env?.NODE_OPTIONS) delete env.NODE_OPTIONS; // e.g. loaders injected by tsx/vitest
    const connection = await openConnection(KERNEL_NAME, opts.ipc);
    let kernel: ProcessGroup;
    try {
      kernel = await spawnKernel(argv, connection.kernelPath, opts.cwd ?? process.cwd(), env);
    } catch (err) {
      connection.remove();
      throw err;
    }
    const session = new KernelSession(kernel, connection.info, connection.remove);
    if (opts.maxMessageBytes !== undefined) {
      for (const socket of [session.shell, session.control, session.stdin, session.iopub]) socket.maxMessageSize = opts.maxMessageBytes;
    }
    if (opts.maxOutputBytes !== undefined) session.maxOutputBytes = opts.maxOutputBytes;
    try {
      session.connect();
      await session.waitReady(opts.startTimeoutMs ?? 60_000);
      if (opts.ipc) connection.remove(); // read once at start; its key is no business of anything else
    } catch (err) {
      await session.shutdown();
      throw err;
    }
    return session;
  }

  private connect(): void {
    const { info } = this;
    this.shell.connect(endpoint(info, info.shell_port));
    this.control.connect(endpoint(info, info.control_port));
    this.stdin.connect(endpoint(info, info.stdin_port));
    this.iopub.connect(endpoint(info, info.iopub_port));
    this.iopub.subscribe();
    void this.receiveLoop(this.shell, (msg) => this.onReply(msg));
    void this.receiveLoop(this.control, (msg) => this.onReply(msg));
    void this.receiveLoop(this.stdin, () => undefined); // allow_stdin is false; nothing expected
    void this.receiveLoop(this.iopub, (msg) => this.onIopub(msg));
    void this.kernel.exited.then(() => {
      for (const p of this.pending.values()) p.settle();
    });
  }

  private async receiveLoop(socket: zmq.Dealer | zmq.Subscriber, handle: (msg: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: JupyterMessage;
        try {
          msg = decodeMessage(this.info.key, frames);
        } catch {
          continue; // not signed with the connection key: dropped
        }
        handle(msg);
      }
    } catch {
      // socket closed
    }
  }

  private onReply(msg: JupyterMessage): void {
    const parent = msg.parent_header.msg_id;
    if (!parent) return;
    this.replyWaiters.get(parent)?.(msg);
    const p = this.pending.get(parent);
    if (p && msg.header.msg_type === "execute_reply") {
      p.reply = msg;
      p.settle();
    }
  }

  private onIopub(msg: JupyterMessage): void {
    const parent = msg.parent_header.msg_id;
    if (!parent) return;
    if (!this.ready) this.iopubSeen.add(parent);
    const p = this.pending.get(parent);
    if (!p) return;
    if (msg.header.msg_type === "status") {
      if (msg.content.execution_state === "idle") {
        p.idle = true;
        p.settle();
      }
      return;
    }
    if (p.collector.handle(msg)) p.onOutput?.(p.collector.outputs);
  }

  private send(socket: zmq.Dealer, msgType: string, content: Record<string, unknown>): string {
    const header = newHeader(msgType, this.session);
    const frames = encodeMessage(this.info.key, { header, parent_header: {}, metadata: {}, content });
    this.sendChain = this.sendChain.then(() => socket.send(frames)).catch(() => undefined);
    return header.msg_id;
  }

  /** Sends a request and waits for the reply with the same parent (undefined on timeout/death). */
  private async request(socket: zmq.Dealer, msgType: string, content: Record<string, unknown>, timeoutMs: number): Promise<JupyterMessage | undefined> {
    let id = "";
    const reply = new Promise<JupyterMessage | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      void this.kernel.exited.then(() => resolve(undefined));
      id = this.send(socket, msgType, content);
      this.replyWaiters.set(id, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
    });
    const result = await reply;
    this.replyWaiters.delete(id);
    return result;
  }

  /** kernel_info handshake; repeated until iopub also delivers (SUB sockets join late). */
  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (/EADDRINUSE/.test(this.kernel.output())) throw new PortTakenError(this.kernel.output());
      if (this.kernel.hasExited) break;
      // Short attempts: tslab binds its sockets concurrently and starts reading the shell socket
      // first, so a request that arrives while iopub is still binding is lost (tslab fails with
      // EBUSY publishing its status). A later request, once everything is bound, is answered.
      const attemptMs = Math.min(KERNEL_INFO_ATTEMPT_MS, Math.max(1, deadline - Date.now()));
      const reply = await this.request(this.shell, "kernel_info_request", {}, attemptMs);
      if (!reply) continue;
      const id = reply.parent_header.msg_id ?? "";
      for (let i = 0; i < 10 && !this.iopubSeen.has(id); i++) await sleep(50);
      if (this.iopubSeen.has(id)) {
        this.ready = true;
        this.iopubSeen.clear();
        return;
      }
    }
    const why = this.kernel.hasExited ? "the kernel process exited" : `no kernel_info_reply within ${timeoutMs} ms`;
    throw new KernelDiedError(`kernel did not start: ${why}\n${this.kernel.output()}`);
  }

  /** Runs code; never throws for kernel-side errors, timeouts or kernel death (see `status`). */
  async execute(code: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
    const started = Date.now();
    const deadline = opts.timeoutMs !== undefined ? started + opts.timeoutMs : Infinity;
    const collector = new OutputCollector(this.displays, this.maxOutputBytes);
    for (let attempt = 0; ; attempt++) {
      if (!this.alive) return this.deadResult(collector, started);
      const completion = this.executeOnce(code, collector, opts);
      let outcome = await raceTimeout(completion, deadline - Date.now());
      if (outcome === "timeout") {
        outcome = await this.interrupt(completion, opts.interruptGraceMs ?? 1500);
        const killed = outcome === "dead";
        const seconds = ((opts.timeoutMs ?? 0) / 1000).toFixed(1);
        const error = {
          ename: "CellTimeoutError",
          evalue: `cell execution timed out after ${seconds} s; ${killed ? "the kernel was killed" : "the kernel was interrupted"}`,
          traceback: [],
        };
        collector.add({ output_type: "error", ...error });
        const count = outcome === "dead" ? undefined : outcome.content.execution_count;
        const executionCount = typeof count === "number" ? count : null;
        return { status: killed ? "dead" : "timeout", executionCount, outputs: collector.outputs, error, durationMs: Date.now() - started };
      }
      if (outcome === "dead") return this.deadResult(collector, started);
      const content = outcome.content;
      const status = String(content.status);
      if ((status === "abort" || status === "aborted") && attempt < MAX_ABORT_RETRIES && Date.now() < deadline) {
        await sleep(ABORT_RETRY_DELAY_MS);
        continue;
      }
      const executionCount = typeof content.execution_count === "number" ? content.execution_count : null;
      const result: ExecuteResult = { status: status === "ok" ? "ok" : "error", executionCount, outputs: collector.outputs, durationMs: Date.now() - started };
      if (status === "error" && typeof content.ename === "string" && !collector.outputs.some((o) => o.output_type === "error")) {
        result.error = { ename: content.ename, evalue: String(content.evalue ?? ""), traceback: (content.traceback as string[] | undefined) ?? [] };
      } else if (status !== "ok") {
        result.error = status === "error" ? errorInfo(collector.outputs, collector.stderr()) : { ename: "Aborted", evalue: `the kernel answered "${status}"`, traceback: [] };
      }
      return result;
    }
  }

  private deadResult(collector: OutputCollector, started: number): ExecuteResult {
    const error = { ename: "KernelDied", evalue: this.kernel.hasExited ? "the kernel process exited" : "the session is shut down", traceback: this.kernel.output().split("\n").slice(-20) };
    collector.add({ output_type: "error", ename: error.ename, evalue: error.evalue, traceback: [] });
    return { status: "dead", executionCount: null, outputs: collector.outputs, error, durationMs: Date.now() - started };
  }

  /** Sends one execute_request; resolves with the reply once iopub went idle too, or "dead". */
  private executeOnce(code: string, collector: OutputCollector, opts: ExecuteOptions): Promise<JupyterMessage | "dead"> {
    return new Promise((resolve) => {
      const pending: Pending = {
        idle: false,
        collector,
        onOutput: opts.onOutput,
        settle: () => {
          if (pending.reply && pending.idle) {
            this.pending.delete(id);
            resolve(pending.reply);
          } else if (this.kernel.hasExited || this.closed) {
            this.pending.delete(id);
            resolve("dead");
          }
        },
      };
      const id = this.send(this.shell, "execute_request", {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      });
      this.pending.set(id, pending);
    });
  }

  /**
   * Stops a running execution: interrupt_request on control, then SIGINT (what tslab reacts to;
   * it cannot stop a synchronous loop), then SIGKILL of the process group. Each step waits
   * `graceMs` for `completion` (the running execute) to finish.
   */
  async interrupt<T>(completion: Promise<T>, graceMs = 1500): Promise<T | "dead"> {
    this.send(this.control, "interrupt_request", {});
    // tslab ignores interrupt_request (its kernelspec says interrupt_mode "signal"), so wait briefly.
    let outcome = await raceTimeout(completion, Math.min(500, graceMs));
    if (outcome !== "timeout") return outcome;
    this.kernel.signal("SIGINT");
    outcome = await raceTimeout(completion, graceMs);
    if (outcome !== "timeout") return outcome;
    await this.kernel.kill();
    return "dead";
  }

  /** shutdown_request, then kill the process group if it does not exit promptly; closes sockets. */
  async shutdown(graceMs = 1000): Promise<void> {
    if (!this.closed && !this.kernel.hasExited) {
      this.send(this.control, "shutdown_request", { restart: false });
      await this.kernel.waitExit(graceMs);
    }
    await this.kernel.kill();
    if (!this.closed) {
      this.closed = true;
      for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
      this.removeConnectionFile();
      for (const p of [...this.pending.values()]) p.settle();
    }
  }
}
