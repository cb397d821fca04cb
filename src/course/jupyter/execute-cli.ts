/**
 * `npm run execute -- FILES [--out DIR] [--timeout-cell S] [--timeout-notebook S] [--allow-errors]
 *                            [--memory-mb N] [--verbose]`
 * Executes notebooks in fresh tslab kernels, saves them (in place unless --out), prints the time
 * per notebook and exits 1 if any cell failed, naming notebook, cell index and error.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type Notebook, serializeNotebook } from "../notebook/nbformat";
import { formatCellError } from "./cell-error";
import { executeNotebook } from "./execute-notebook";
import { ensureKernelspec } from "./kernelspec";
import { parsedArgs, readArgs } from "./cli-args";

interface ExecuteCliOptions {
  files: string[];
  outDir?: string;
  cellTimeoutMs?: number;
  notebookTimeoutMs?: number;
  allowErrors: boolean;
  memoryLimitMb?: number;
  verbose: boolean;
}

const EXECUTE_USAGE =
  "usage: npm run execute -- NOTEBOOK.ipynb... [--out DIR] [--timeout-cell SECONDS] [--timeout-notebook SECONDS] [--allow-errors] [--memory-mb N] [--verbose]";

function parseExecuteArgs(args: readonly string[]): ExecuteCliOptions {
  const { values, positionals } = readArgs(
    args,
    {
      out: { type: "string" },
      "timeout-cell": { type: "string" },
      "timeout-notebook": { type: "string" },
      "memory-mb": { type: "string" },
      "allow-errors": { type: "boolean" },
      verbose: { type: "boolean" },
    },
    EXECUTE_USAGE,
  );
  if (positionals.length === 0) throw new Error(`no notebooks given\n${EXECUTE_USAGE}`);
  const milliseconds = (flag: "timeout-cell" | "timeout-notebook"): number | undefined => {
    const value = values[flag];
    if (value === undefined) return undefined;
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--${flag}: expected a positive number of seconds, got ${value}`);
    return Math.round(seconds * 1000);
  };
  const megabytes = (value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const mb = Number(value);
    if (!Number.isInteger(mb) || mb < 64) throw new Error(`--memory-mb: expected a whole number of megabytes (at least 64), got ${value}`);
    return mb;
  };
  return {
    files: positionals,
    outDir: values.out,
    cellTimeoutMs: milliseconds("timeout-cell"),
    notebookTimeoutMs: milliseconds("timeout-notebook"),
    allowErrors: values["allow-errors"] === true,
    memoryLimitMb: megabytes(values["memory-mb"]),
    verbose: values.verbose === true,
  };
}

/** Runs the CLI; returns the process exit code. */
export async function runExecuteCli(args: readonly string[], log: (line: string) => void = console.log): Promise<number> {
  const opts = parsedArgs(() => parseExecuteArgs(args), log);
  if (opts === null) return 2;
  ensureKernelspec();
  let failed = 0;
  for (const file of opts.files) {
    const path = resolve(file);
    const notebook = JSON.parse(readFileSync(path, "utf8")) as Notebook;
    const result = await executeNotebook(notebook, {
      cwd: dirname(path),
      cellTimeoutMs: opts.cellTimeoutMs,
      notebookTimeoutMs: opts.notebookTimeoutMs,
      allowErrors: opts.allowErrors,
      memoryLimitMb: opts.memoryLimitMb,
      onKernelStart: opts.verbose ? (pid) => log(`  kernel pid ${pid}`) : undefined,
      onCell: opts.verbose ? (i, _cell, r) => log(`  cell ${i}: ${r.status} in ${r.durationMs} ms`) : undefined,
    });
    const target = opts.outDir ? join(resolve(opts.outDir), basename(path)) : path;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, serializeNotebook(result.notebook));
    const seconds = (result.durationMs / 1000).toFixed(1);
    const status = result.errors.length ? `FAILED (${result.errors.length} error${result.errors.length > 1 ? "s" : ""})` : "ok";
    log(`${file}: ${status}, ${result.executedCells} cells in ${seconds} s -> ${target}`);
    for (const error of result.errors) log(formatCellError(error, file));
    if (result.errors.length) failed++;
  }
  if (opts.files.length > 1) log(`${opts.files.length - failed}/${opts.files.length} notebooks ok`);
  return failed ? 1 : 0;
}
