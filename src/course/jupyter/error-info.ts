/**
 * Summarising a failed execution. tslab sends no `error` iopub message: it prints the exception
 * (or the TypeScript diagnostics) to stderr and replies with status "error". So the error name and
 * message come from an error output if there is one, else from the first stderr line.
 */
import type { ErrorOutput, Output } from "../notebook/nbformat";

/** What went wrong in an execution: an error output's fields. */
export type ErrorInfo = Omit<ErrorOutput, "output_type">;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Drops ANSI escape sequences (colours, cursor moves). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

export function errorInfo(outputs: readonly Output[], stderr: string): ErrorInfo {
  const errorOutput = outputs.find((o) => o.output_type === "error");
  if (errorOutput && errorOutput.output_type === "error") {
    return { ename: errorOutput.ename, evalue: errorOutput.evalue, traceback: errorOutput.traceback };
  }
  const lines = stripAnsi(stderr).split("\n").filter((line) => line.trim() !== "");
  const first = lines[0] ?? "";
  // TypeScript diagnostics as tslab prints them: "3:5 - Cannot find name 'x'."
  if (/^\d+:\d+ - /.test(first)) return { ename: "TypeScriptError", evalue: lines.join("\n"), traceback: lines };
  // Runtime exceptions: "evalmachine.<anonymous>:2", the source line, "^", then "Error: boom" and the stack.
  for (const line of lines) {
    const thrown = /^((?:[A-Za-z_$][\w$]*)?(?:Error|Exception))(?: \[[^\]]*\])?: (.*)$/.exec(line);
    if (thrown) return { ename: thrown[1], evalue: thrown[2], traceback: lines };
  }
  return { ename: "Error", evalue: first || "the kernel reported an error without a message", traceback: lines };
}
