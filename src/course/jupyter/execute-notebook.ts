/**
 * Executing a whole notebook in a fresh kernel, cell by cell, like `jupyter nbconvert --execute`:
 * code cells get new outputs and execution counts; the notebook is returned as a new object.
 *
 * Cells tagged "raises-exception" (nbclient's convention) may fail without counting as errors.
 */
import { type Cell, type CodeCell, type Notebook, joinSource } from "../notebook/nbformat";
import { sourceHead, type CellError, type CellErrorKind } from "./cell-error";
import { KernelSession, type ExecuteResult, type KernelSessionOptions } from "./session";

export interface RunOptions extends KernelSessionOptions {
  /** Per-cell wall-clock limit (default: none). */
  cellTimeoutMs?: number;
  /** Whole-notebook limit, kernel start included (default: none). */
  notebookTimeoutMs?: number;
  /** Keep executing after a failing cell (default false: stop at the first error). */
  allowErrors?: boolean;
  /** Called after each executed code cell. */
  onCell?(index: number, cell: CodeCell, result: ExecuteResult): void;
  /** Called once the kernel is up (before the first cell). */
  onKernelStart?(pid: number): void;
  /** Reuse a running session instead of starting (and shutting down) a kernel. */
  session?: KernelSession;
}

export interface RunResult {
  notebook: Notebook;
  errors: CellError[];
  /** Errors of cells tagged "raises-exception" (expected, not failures). */
  expectedErrors: CellError[];
  durationMs: number;
  /** Code cells that were executed. */
  executedCells: number;
}

const EXPECTED_ERROR_TAG = "raises-exception";

function kindOf(result: ExecuteResult): CellErrorKind {
  return result.status === "timeout" ? "timeout" : result.status === "dead" ? (result.error?.ename === "CellTimeoutError" ? "timeout" : "dead") : "error";
}

export async function executeNotebook(input: Notebook, opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const notebook = structuredClone(input);
  for (const cell of notebook.cells) {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  const deadline = opts.notebookTimeoutMs !== undefined ? started + opts.notebookTimeoutMs : Infinity;
  const errors: CellError[] = [];
  const expectedErrors: CellError[] = [];
  let executedCells = 0;
  const session = opts.session ?? (await KernelSession.start(opts));
  opts.onKernelStart?.(session.pid);
  try {
    for (let index = 0; index < notebook.cells.length; index++) {
      const cell: Cell = notebook.cells[index];
      if (cell.cell_type !== "code") continue;
      const code = joinSource(cell.source);
      if (code.trim() === "") continue;
      const remaining = deadline - Date.now();
      const cellLimit = opts.cellTimeoutMs ?? Infinity;
      const notebookLimited = remaining < cellLimit;
      const timeoutMs = Math.min(cellLimit, Math.max(0, remaining));
      const result = await session.execute(code, {
        timeoutMs: timeoutMs === Infinity ? undefined : timeoutMs,
        onOutput: (outputs) => (cell.outputs = [...outputs]),
      });
      executedCells++;
      cell.outputs = result.outputs;
      cell.execution_count = result.executionCount;
      opts.onCell?.(index, cell, result);
      if (result.status === "ok") continue;
      let kind = kindOf(result);
      const error = result.error ?? { ename: "Error", evalue: "", traceback: [] };
      if (kind === "timeout" && notebookLimited) {
        kind = "notebook-timeout";
        error.evalue = `notebook timed out after ${((opts.notebookTimeoutMs ?? 0) / 1000).toFixed(1)} s; ${error.evalue}`;
      }
      const report: CellError = {
        ...error,
        cellIndex: index,
        ...(cell.id ? { cellId: cell.id } : {}),
        kind,
        executionCount: result.executionCount,
        sourceHead: sourceHead(code),
      };
      const expected = kind === "error" && (cell.metadata.tags ?? []).includes(EXPECTED_ERROR_TAG);
      (expected ? expectedErrors : errors).push(report);
      if (expected) continue;
      if (!session.alive || kind === "notebook-timeout" || !opts.allowErrors) break;
    }
  } finally {
    if (!opts.session) await session.shutdown();
  }
  return { notebook, errors, expectedErrors, durationMs: Date.now() - started, executedCells };
}
