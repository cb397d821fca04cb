import { CheckResult } from "./check-result";

/**
 * How results reach the learner and the grader.
 *
 * The learner reads a plain-text report: "✓ title: message" or "✗ title: message" followed by the
 * indented details. The grader reads one machine line per check, the last line of the report:
 *
 *   BNLAB_CHECK {"exercise":"batchStats","ok":false,"kind":"misconception","misconception":"unbiased-variance"}
 *
 * (JSON after the marker, on a single line, keys in that order; "misconception" only when named.)
 */
export const CHECK_MARKER = "BNLAB_CHECK";

/** The grader's line for a result. */
export function markerLine(result: CheckResult): string {
  const record: Record<string, string | boolean | number> = {
    exercise: result.exercise,
    ok: result.ok,
    kind: result.kind,
  };
  if (result.misconception !== undefined) record.misconception = result.misconception;
  if (result.points !== undefined) record.points = result.points;
  return `${CHECK_MARKER} ${JSON.stringify(record)}`;
}

/** Every grader line in a text (a notebook's stdout), parsed, in order. */
export function parseMarkers(text: string): Array<Pick<CheckResult, "exercise" | "ok" | "kind" | "misconception" | "points">> {
  const out: Array<Pick<CheckResult, "exercise" | "ok" | "kind" | "misconception" | "points">> = [];
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(CHECK_MARKER + " ");
    if (at < 0) continue;
    try {
      out.push(JSON.parse(line.slice(at + CHECK_MARKER.length + 1)));
    } catch {
      // not one of ours
    }
  }
  return out;
}

/** The learner's report as text, without the grader's line. */
export function formatResult(result: CheckResult): string {
  const mark = result.ok ? "✓" : "✗";
  const lines = [`${mark} ${result.title}: ${result.message}`];
  if (result.details) lines.push(...result.details.split("\n").map((l) => "    " + l));
  return lines.join("\n");
}

/** Print the report and the grader's line (console.log); return the printed text. */
export function report(result: CheckResult): string {
  const text = `${formatResult(result)}\n${markerLine(result)}`;
  console.log(text);
  return text;
}

/** Thrown by assertPasses; the message is the diagnosis. */
export class CheckFailedError extends Error {
  readonly result: CheckResult;
  constructor(result: CheckResult) {
    super(formatResult(result));
    this.name = "CheckFailedError";
    this.result = result;
  }
}

/** For hidden tests and grading: return quietly on a pass, throw a CheckFailedError otherwise. */
export function assertPasses(result: CheckResult): void {
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
