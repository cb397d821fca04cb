/**
 * Turns iopub messages of one execution into nbformat outputs, the way Jupyter front ends do:
 * consecutive stream chunks of the same name merge; update_display_data rewrites earlier outputs
 * with the same transient display_id in place (in any cell of the session); clear_output clears
 * now, or with wait=true just before the next output arrives.
 */
import { streamText, type DisplayDataOutput, type ErrorOutput, type ExecuteResultOutput, type MimeBundle, type Output } from "../notebook/nbformat";
import type { JupyterMessage } from "./wire";

/** display_id → outputs showing it; shared by all executions of one kernel session. */
export type DisplayRegistry = Map<string, (DisplayDataOutput | ExecuteResultOutput)[]>;

type Meta = { [key: string]: unknown };

function displayId(content: Record<string, unknown>): string | undefined {
  const transient = content.transient as { display_id?: unknown } | undefined;
  return typeof transient?.display_id === "string" ? transient.display_id : undefined;
}

export class OutputCollector {
  readonly outputs: Output[] = [];
  private clearPending = false;
  private bytes = 0;
  /** Set once output passed `maxBytes`: everything after it was dropped. */
  truncated = false;

  /** `maxBytes`: output kept (stream text and display data, as JSON); the rest is dropped with a note. */
  constructor(
    private readonly displays: DisplayRegistry = new Map(),
    private readonly maxBytes = Infinity,
  ) {}

  /** Handles one iopub message; returns false if it does not produce or change outputs. */
  handle(msg: JupyterMessage): boolean {
    const c = msg.content;
    if (this.maxBytes !== Infinity && msg.header.msg_type !== "status" && msg.header.msg_type !== "execute_input") {
      if (this.truncated) return false;
      this.bytes += JSON.stringify(c ?? null).length;
      if (this.bytes > this.maxBytes) {
        this.truncated = true;
        this.addStream("stderr", `\n[output truncated: more than ${Math.round(this.maxBytes / 1024)} KB]\n`);
        return true;
      }
    }
    switch (msg.header.msg_type) {
      case "stream":
        this.addStream(c.name === "stderr" ? "stderr" : "stdout", String(c.text ?? ""));
        return true;
      case "display_data":
      case "execute_result": {
        const data = (c.data ?? {}) as MimeBundle;
        const metadata = (c.metadata ?? {}) as Meta;
        const output: DisplayDataOutput | ExecuteResultOutput =
          msg.header.msg_type === "display_data"
            ? { output_type: "display_data", data, metadata }
            : { output_type: "execute_result", execution_count: (c.execution_count as number | null) ?? null, data, metadata };
        this.add(output);
        const id = displayId(c);
        if (id !== undefined) this.displays.set(id, [...(this.displays.get(id) ?? []), output]);
        return true;
      }
      case "update_display_data": {
        const id = displayId(c);
        for (const output of (id !== undefined && this.displays.get(id)) || []) {
          output.data = (c.data ?? {}) as MimeBundle;
          output.metadata = (c.metadata ?? {}) as Meta;
        }
        return true;
      }
      case "error": {
        const output: ErrorOutput = {
          output_type: "error",
          ename: String(c.ename ?? "Error"),
          evalue: String(c.evalue ?? ""),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        };
        this.add(output);
        return true;
      }
      case "clear_output":
        if (c.wait === true) this.clearPending = true;
        else this.clear();
        return true;
      default:
        return false;
    }
  }

  /** Appends an output produced by the runner itself (e.g. a timeout error). */
  add(output: Output): void {
    if (this.clearPending) this.clear();
    this.outputs.push(output);
  }

  /** All stderr text of this execution (tslab reports errors only there). */
  stderr(): string {
    return streamText(this.outputs, "stderr");
  }

  private addStream(name: "stdout" | "stderr", text: string): void {
    if (this.clearPending) this.clear();
    const last = this.outputs[this.outputs.length - 1];
    if (last && last.output_type === "stream" && last.name === name) {
      last.text = (Array.isArray(last.text) ? last.text.join("") : last.text) + text;
    } else {
      this.outputs.push({ output_type: "stream", name, text });
    }
  }

  private clear(): void {
    this.clearPending = false;
    this.outputs.length = 0;
  }
}
