/**
 * Verdicts decided outside the learner's kernel.
 *
 * A lesson's check and hidden-test cells call a checker on the learner's function
 * (`check.normalize(normalize)`, `assertPasses(checkers.normalize(normalize))`,
 * `capstone.check.bnNet(buildBnNet)`, `checkBnNet(buildBnNet)`). For grading, each becomes a
 * **collection cell** of ours: it calls the checker's collector on the same function expression
 * (`collectors.normalize(normalize)`: the learner's function run on the checker's inputs) and
 * sends the data as one display_data output of type COLLECTED_MIME. The grader's process, which
 * never runs learner code, takes that output, validates it and calls the checker's judge.
 *
 * The collector runs on inputs drawn from the learner's seed (learnerSeed in course-secret.ts: the
 * cell holds the seed, never the course secret), and the judge draws the same inputs from the
 * same seed: no answer can be keyed to inputs known in advance.
 *
 * Learner code shares the kernel with the collection cell, so it can change what that cell sends:
 * the data is untrusted. That is all it can do: the judge recomputes the expected values from its
 * own seeded inputs, so data earns a pass only if it holds the right outputs for those inputs —
 * the answer itself. A print, a fake marker, a patched checker or display function, a second
 * output: none of it is a verdict.
 */
import { judgeFor } from "../../exercises/protocol";
import { EXERCISE_IDS, isExerciseId, type ExerciseId } from "../../exercises/registry";
import type { CheckResult } from "../../exercises/check-result";
import type { Output } from "../notebook/nbformat";

const COLLECTED_MIME = "application/vnd.bnlab.collected+json";

/** The largest collected data judged (bytes of JSON). */
const MAX_COLLECTED_BYTES = 4_000_000;

export interface CheckerCall {
  /** The exercise id (`normalize`, `bnNet`). */
  checker: ExerciseId;
  /** The function expression passed to the checker, as written in the cell. */
  expression: string;
}

/**
 * The checker call of a check or hidden-test cell: `check.X(e)`, `checkers.X(e)`,
 * `capstone.check.X(e)` or `checkX(e)`, with X a protocol exercise; null if there is none.
 */
export function findCheckerCall(source: string): CheckerCall | null {
  const pattern = /(?:\bcheck\.|\bcheckers\.|\bcheck(?=[A-Z]))([A-Za-z]\w*)\s*\(/g;
  for (const match of source.matchAll(pattern)) {
    const name = match[1];
    const checker = isExerciseId(name) ? name : EXERCISE_IDS.find((id) => id === name[0].toLowerCase() + name.slice(1));
    if (!checker) continue;
    const open = (match.index ?? 0) + match[0].length - 1;
    const close = matchingParen(source, open);
    if (close < 0) continue;
    const expression = source.slice(open + 1, close).trim();
    if (expression) return { checker, expression };
  }
  return null;
}

function matchingParen(source: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** The grader's cell that collects a checker's data on the inputs of `seed`, in the kernel, and sends it as display data. */
export function collectionCell(call: CheckerCall, seed: string): string {
  return [
    // (tslab mangles names that start with "__", so these do not)
    `import { collectors as bnlabGraderCollectors } from "../src";`,
    `import { display as bnlabGraderDisplay } from "tslab";`,
    `bnlabGraderDisplay.raw(${JSON.stringify(COLLECTED_MIME)}, JSON.stringify(bnlabGraderCollectors[${JSON.stringify(call.checker)}](${call.expression}, ${JSON.stringify(seed)})));`,
  ].join("\n");
}

type CollectedOutcome = { ok: true; result: CheckResult } | { ok: false; problem: string };

/**
 * Judge what a collection cell sent: exactly one COLLECTED_MIME output, JSON, not too big; the
 * judge of `checker` decides, against the inputs of `seed`. Runs no learner code; never throws.
 */
export function judgeCollected(checker: string, outputs: readonly Output[], seed: string): CollectedOutcome {
  const judge = judgeFor(checker);
  if (!judge) return { ok: false, problem: `no judge for the checker ${JSON.stringify(checker)}` };
  const sent: unknown[] = [];
  for (const output of outputs) {
    if (output.output_type !== "display_data" && output.output_type !== "execute_result") continue;
    const data = output.data as Record<string, unknown> | undefined;
    if (data && Object.prototype.hasOwnProperty.call(data, COLLECTED_MIME)) sent.push(data[COLLECTED_MIME]);
  }
  if (sent.length === 0) return { ok: false, problem: "the checker's data did not arrive" };
  if (sent.length > 1) return { ok: false, problem: `the checker's data arrived ${sent.length} times (something else sent data of its type)` };
  const raw = sent[0];
  const text = typeof raw === "string" ? raw : Array.isArray(raw) && raw.every((s) => typeof s === "string") ? raw.join("") : null;
  if (text === null) return { ok: false, problem: "the checker's data is not text" };
  if (text.length > MAX_COLLECTED_BYTES) return { ok: false, problem: `the checker's data is larger than ${MAX_COLLECTED_BYTES / 1e6} MB` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: "the checker's data is not JSON" };
  }
  return { ok: true, result: judge(parsed, seed) };
}
