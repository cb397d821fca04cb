import { CheckResult } from "./check-result";
import { describe } from "../validate/checks";

/**
 * How results reach the learner: a plain-text report, "✓ title: message" or "✗ title: message"
 * followed by the indented details. Nothing else is printed: the grader does not read what a
 * notebook prints (a learner could print anything). It runs the checker's collector in the
 * learner's kernel and judges the data in its own process (src/course/homework/collection.ts).
 *
 * CHECK_MARKER is the prefix of the machine line earlier versions printed under every check
 * (`BNLAB_CHECK {…}`); the site export still leaves such lines out of notebooks saved with them.
 */
export const CHECK_MARKER = "BNLAB_CHECK";

/** The learner's report as text. */
export function formatResult(result: CheckResult): string {
  return reportText("formatResult", result);
}

/** A result as a checker returns it ({ ok, title, message, details? }), or an error naming `where`. */
function reportText(where: string, result: unknown): string {
  const r = result as Partial<CheckResult> | null;
  if (r === null || typeof r !== "object" || typeof r.ok !== "boolean" || typeof r.title !== "string" || typeof r.message !== "string") {
    throw new TypeError(`${where}: result must be what a checker returns ({ ok, title, message }), e.g. checkers.batchStats(batchStats); got ${describe(result)}`);
  }
  return textOf(r as CheckResult);
}

function textOf(result: CheckResult): string {
  const mark = result.ok ? "✓" : "✗";
  const lines = [`${mark} ${result.title}: ${result.message}`];
  if (result.details) lines.push(...result.details.split("\n").map((l) => "    " + l));
  return lines.join("\n");
}

/** Print the report (console.log); return the printed text. */
export function report(result: CheckResult): string {
  const text = reportText("report", result);
  console.log(text);
  return text;
}

/** Thrown by assertPasses; the message is the diagnosis. */
export class CheckFailedError extends Error {
  readonly result: CheckResult;
  constructor(result: CheckResult) {
    super(reportText("CheckFailedError", result));
    this.name = "CheckFailedError";
    this.result = result;
  }
}

/** For hidden tests and grading: return quietly on a pass, throw a CheckFailedError otherwise. */
export function assertPasses(result: CheckResult): void {
  reportText("assertPasses", result);
  if (!result.ok) throw new CheckFailedError(result);
}

/**
 * A copy of the result that a notebook shows as nothing when it is a cell's last expression
 * (tslab console.logs that value; the report is already printed).
 */
export function quietInNotebook(result: CheckResult): CheckResult {
  const copy: CheckResult = { ...result };
  Object.defineProperty(copy, Symbol.for("nodejs.util.inspect.custom"), {
    value: () => "",
    enumerable: false,
  });
  return copy;
}
