/** The messages between the lesson page and the worker that runs its cells. */
import type { DisplayContent } from "../../../charts/jupyter-display";

export interface RunRequest {
  type: "run";
  /** The run's number (the page's execution count). */
  run: number;
  /** The cell's TypeScript (its name in error traces is `cell-<run>`). */
  source: string;
  /** Every code cell of the notebook as the page shows it now, in order (for the missing-name hints). */
  notebook: string[];
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "stream"; run: number; name: "stdout" | "stderr"; text: string }
  | { type: "display"; run: number; content: DisplayContent; update: boolean }
  | { type: "error"; run: number; ename: string; evalue: string; traceback: string[] }
  | { type: "done"; run: number; ok: boolean };
