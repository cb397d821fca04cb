/**
 * Stage 3 of grading: run the assembled notebook in the isolated kernel, under the per-cell and
 * per-notebook time limits, a resident-memory watchdog and an output budget. Records what each
 * cell did (status, scrubbed stdout and error, raw outputs for the judge) and how the kernel
 * ended; decides nothing. The cells go to the kernel as messages: the graded notebook is never
 * on disk.
 */
import { executeNotebook } from "../jupyter/execute-notebook";
import type { ErrorInfo } from "../jupyter/error-info";
import type { GradeLimits } from "./grade-notebook";
import { streamText, type Notebook, type Output } from "../notebook/nbformat";
import { startIsolatedKernel, type IsolatedKernel, type IsolationRequest } from "./isolated-kernel";
import { watchMemory } from "./sandbox";
import type { CellRun } from "./scoring";

export type RunLimits = Pick<GradeLimits, "cellTimeoutMs" | "notebookTimeoutMs" | "notebookOutputBytes"> & {
  /** The watchdog stops the kernel when its resident memory (and extraMb) passes this. */
  residentLimitMb: number;
};

interface CellRecord {
  run: CellRun;
  /** The cell's outputs as sent (for the judge: a collection cell's data). */
  outputs: Output[];
}

export interface KernelRun {
  /** By graded cell index; undefined for a cell that never ran. */
  cells: (CellRecord | undefined)[];
  /** Failed cells, by graded cell index. */
  errors: { kind: string; cellIndex: number; error: ErrorInfo }[];
  memoryExceededMb: number | null;
  outputExceeded: boolean;
  writes: string[];
  /** How the kernel exited, when it died during the run. */
  exit: { code: number | null; signal: string | null } | null;
  kernelLog: string;
}

async function runInKernel(kernel: IsolatedKernel, notebook: Notebook, limits: RunLimits): Promise<KernelRun> {
  const { session } = kernel;
  const out: KernelRun = { cells: [], errors: [], memoryExceededMb: null, outputExceeded: false, writes: [], exit: null, kernelLog: "" };
  const stopWatch = watchMemory(
    session.pid,
    limits.residentLimitMb,
    (mb) => {
      out.memoryExceededMb = mb;
      void session.kernel.kill();
    },
    kernel.extraMb,
  );
  let outputBytes = 0;
  try {
    const result = await executeNotebook(notebook, {
      session,
      allowErrors: true,
      cellTimeoutMs: limits.cellTimeoutMs,
      notebookTimeoutMs: limits.notebookTimeoutMs,
      onCell: (index, _cell, res) => {
        const stdout = streamText(res.outputs, "stdout");
        out.cells[index] = { run: { status: res.status, stdout: kernel.scrub(stdout), ...(res.error ? { error: scrubError(res.error, kernel.scrub) } : {}) }, outputs: res.outputs };
        outputBytes += JSON.stringify(res.outputs).length;
        if (outputBytes > limits.notebookOutputBytes && !out.outputExceeded) {
          out.outputExceeded = true;
          void session.kernel.kill();
        }
      },
    });
    out.errors = result.errors.map((e) => ({ kind: e.kind, cellIndex: e.cellIndex, error: scrubError(e, kernel.scrub) }));
    if (session.alive) out.writes = await kernel.refusedWrites();
    else out.exit = await session.kernel.exited;
  } finally {
    stopWatch();
  }
  out.kernelLog = session.kernel.output();
  return out;
}

/**
 * A kernel of its own for `request`: started (`started` is called once it is up, or failed), the
 * notebook run once `ready` settles, then closed.
 */
export async function runIsolated(request: IsolationRequest, notebook: Notebook, limits: RunLimits, ready: Promise<unknown>, started?: () => void): Promise<KernelRun> {
  const kernel = await startIsolatedKernel(request).finally(started);
  try {
    await ready.catch(() => undefined);
    return await runInKernel(kernel, notebook, limits);
  } finally {
    await kernel.close();
  }
}

function scrubError(error: ErrorInfo, scrub: (s: string) => string): ErrorInfo {
  return { ename: error.ename, evalue: scrub(error.evalue), traceback: error.traceback.map(scrub) };
}
