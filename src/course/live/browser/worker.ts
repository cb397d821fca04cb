/**
 * The live site's kernel: a Web Worker that runs the page's cells one at a time in one global scope,
 * with the bundled library as `../src`. tslab's executor is replaced by compileCell + indirect eval;
 * the learner kernel's behaviour around it ("Skipped:" for unsolved exercises, "run the Setup cell
 * first", "did not compile") is the same code as in Jupyter (scripts/launcher/learner-executor.cjs).
 */
import * as ts from "typescript";
import * as library from "../../../index";
import { setDisplaySink } from "../../../charts/jupyter-display";
import { markPlotlyInjected } from "../../../charts/plotly-session";
import { compileCell, type CellDiagnostic } from "./cell-transform";
import { format, inspect } from "./inspect";
import { originalPosition, type LineMap } from "./source-map";
import type { RunRequest, WorkerMessage } from "./protocol";

/** What the page uses of scripts/launcher/learner-executor.cjs (the learner kernel's logic around tslab's executor). */
interface LearnerModule {
  learnerExecutor(options: {
    ts: typeof ts;
    executor: { execute(source: string): Promise<boolean> };
    sink: { target: { log(...args: unknown[]): void; error(...args: unknown[]): void } };
    lastConverted(): { diagnostics: { code?: number; messageText: string }[] } | null;
    out(text: string): void;
    err(text: string): void;
    definingCells(missing: string[], source: string): unknown[];
  }): { execute(source: string): Promise<boolean> };
}
/** What the page uses of scripts/launcher/defining-cells.cjs: which cells define the names a cell misses. */
interface DefiningCellsModule {
  cellsDefining(typescript: typeof ts, texts: string[], missing: string[]): unknown[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { learnerExecutor } = require("../../../../scripts/launcher/learner-executor.cjs") as LearnerModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cellsDefining } = require("../../../../scripts/launcher/defining-cells.cjs") as DefiningCellsModule;

declare const self: { postMessage(message: WorkerMessage): void; onmessage: ((event: { data: RunRequest }) => void) | null };

const MODULES: Record<string, unknown> = { "../src": library, "../src/index": library };

(globalThis as Record<string, unknown>).__bnlabImport = (spec: string): unknown => {
  const found = MODULES[spec];
  if (found === undefined) throw new Error(`Cannot find module '${spec}': in the live site a cell can import only the course library, as "../src"`);
  return found;
};

let run = 0;
/** The notebook's code cells as the page showed them with the latest run. */
let notebookCells: string[] = [];
const post = (message: WorkerMessage): void => self.postMessage(message);
const stream = (name: "stdout" | "stderr", text: string): void => post({ type: "stream", run, name, text });

/** Where a cell's lines are, for error traces (cell name → its line map). */
const lineMaps = new Map<string, LineMap>();

/** An error as tslab prints it: the message, then the frames in the cells (with the cell's lines). */
function errorOutput(error: unknown): void {
  if (!(error instanceof Error)) {
    post({ type: "error", run, ename: "Error", evalue: `Uncaught ${inspect(error)}`, traceback: [] });
    return;
  }
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const traceback = frames.flatMap((frame) => {
    const at = /(cell-\d+)\.js:(\d+):(\d+)/.exec(frame);
    const map = at ? lineMaps.get(at[1]) : undefined;
    if (!at || !map) return [];
    const pos = originalPosition(map, Number(at[2]), Number(at[3]));
    return [frame.replace(/\(?\S*cell-\d+\.js:\d+:\d+\)?/, `(${at[1]}:${pos.line}:${pos.column})`)];
  });
  post({ type: "error", run, ename: error.name, evalue: error.message, traceback: [`${error.name}: ${error.message}`, ...traceback] });
}

const real = {
  log: (...args: unknown[]): void => stream("stdout", format(args) + "\n"),
  error: (...args: unknown[]): void => {
    if (args.length === 1 && args[0] instanceof Error) errorOutput(args[0]);
    else stream("stderr", format(args) + "\n");
  },
};
const sink = { target: real };
for (const name of ["log", "info", "debug"] as const) console[name] = (...args: unknown[]) => sink.target.log(...args);
for (const name of ["error", "warn"] as const) console[name] = (...args: unknown[]) => sink.target.error(...args);

let lastDiagnostics: CellDiagnostic[] = [];

/** tslab's "%s%d:%d - %s" line for a diagnostic (the learner executor recognises it). */
function reportDiagnostic(d: CellDiagnostic): void {
  sink.target.error("%s%d:%d - %s", "", d.line, d.column, d.message);
}

/** Runs one cell: true when it ran to the end (tslab's executor.execute). */
async function execute(source: string): Promise<boolean> {
  const name = `cell-${run}`;
  const cell = compileCell(ts, source, name);
  lastDiagnostics = cell.diagnostics;
  if (cell.diagnostics.length > 0) {
    cell.diagnostics.forEach(reportDiagnostic);
    return false;
  }
  lineMaps.set(name, cell.lines);
  try {
    const value: unknown = (0, eval)(cell.js);
    if (cell.showsLastValue && value !== undefined) {
      const text = inspect(value);
      if (text !== "") sink.target.log(text);
    }
    return true;
  } catch (error) {
    // tslab finds an undeclared name when compiling (TS2304); here it is found when it is used.
    const missing = error instanceof ReferenceError ? /^(\S+) is not defined$/.exec(error.message) : null;
    if (error instanceof ReferenceError && missing) {
      const at = /cell-\d+\.js:(\d+):(\d+)/.exec(error.stack ?? "");
      const pos = at ? originalPosition(cell.lines, Number(at[1]), Number(at[2])) : { line: 1, column: 1 };
      lastDiagnostics = [{ ...pos, message: `Cannot find name '${missing[1]}'.`, code: 2304 }];
      lastDiagnostics.forEach(reportDiagnostic);
      return false;
    }
    sink.target.error(error);
    return false;
  }
}

const learner = learnerExecutor({
  ts,
  executor: { execute },
  sink,
  lastConverted: () => ({ diagnostics: lastDiagnostics.map((d) => ({ code: d.code, messageText: d.message })) }),
  out: (text: string) => stream("stdout", text),
  err: (text: string) => stream("stderr", text),
  definingCells: (missing: string[]) => cellsDefining(ts, notebookCells, missing),
});

setDisplaySink((content, update) => post({ type: "display", run, content, update }));
// The page loads plotly.js itself: charts carry only their figure.
markPlotlyInjected();

self.onmessage = (event) => {
  const request = event.data;
  run = request.run;
  notebookCells = request.notebook;
  void learner.execute(request.source).then(
    (ok: boolean) => post({ type: "done", run: request.run, ok }),
    (error: unknown) => {
      errorOutput(error);
      post({ type: "done", run: request.run, ok: false });
    },
  );
};
post({ type: "ready" });
