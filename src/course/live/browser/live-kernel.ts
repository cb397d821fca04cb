/**
 * The page's handle on the worker that runs its cells: one run at a time; Stop terminates the worker
 * (the only way to interrupt a synchronous loop) and starts a fresh one, as a kernel restart does.
 */
import type { RunRequest, WorkerMessage } from "./protocol";

type RunOutcome = "ok" | "failed" | "stopped";

type StatusSink = (text: string, state: "ready" | "busy" | "stopped") => void;

interface CurrentRun {
  run: number;
  onMessage(message: WorkerMessage): void;
  finish(outcome: RunOutcome): void;
}

export class LiveKernel {
  private worker!: Worker;
  private ready!: Promise<void>;
  private current: CurrentRun | null = null;

  constructor(
    private readonly url: string,
    private readonly status: StatusSink,
  ) {
    this.start("starting…");
  }

  private start(label: string): void {
    this.status(label, "busy");
    this.worker = new Worker(this.url);
    this.ready = new Promise((resolve) => {
      this.worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
        const message = event.data;
        if (message.type === "ready") {
          this.status("ready", "ready");
          resolve();
          return;
        }
        const current = this.current;
        if (!current || !("run" in message) || message.run !== current.run) return;
        if (message.type === "done") current.finish(message.ok ? "ok" : "failed");
        else current.onMessage(message);
      };
    });
    this.worker.onerror = (event) => {
      this.status(`the worker failed: ${event.message}`, "stopped");
    };
  }

  async run(run: number, source: string, notebook: string[], onMessage: (message: WorkerMessage) => void): Promise<RunOutcome> {
    await this.ready;
    this.status(`running [${run}]`, "busy");
    return new Promise<RunOutcome>((resolve) => {
      this.current = {
        run,
        onMessage,
        finish: (outcome) => {
          this.current = null;
          if (outcome !== "stopped") this.status("ready", "ready");
          resolve(outcome);
        },
      };
      const request: RunRequest = { type: "run", run, source, notebook };
      this.worker.postMessage(request);
    });
  }

  /** Terminates the worker (interrupting the running cell) and starts a new one. */
  stop(): void {
    this.worker.terminate();
    const current = this.current;
    this.start("stopped — the worker was restarted, earlier definitions are gone");
    this.ready = this.ready.then(() => this.status("stopped and restarted: run the cells above again", "ready"));
    current?.finish("stopped");
  }
}
