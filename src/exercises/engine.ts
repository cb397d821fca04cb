import { Matrix } from "../tensor/matrix";
import { ShapeError } from "../tensor/shape-error";
import { CheckResult, ExerciseInfo, failed, passed } from "./check-result";
import {
  DEFAULT_TOLERANCE,
  Tolerance,
  closeMatrices,
  formatMatrix,
  hang,
  hasNaN,
  largestDifference,
} from "./compare";
import { InputMutated, LearnerThrew, Malformed, describeThrown, isStubError } from "./learner-code";
import { MisconceptionId, misconception } from "./misconceptions";

/** What one run of the learner's code produced, as named matrices ("mu", "variance", "dx", …). */
export type Outputs = Record<string, Matrix>;

/** One test input, with a label for messages ("a 5×3 batch, ε = 1e-5"). */
export interface ExerciseCase<I> {
  label: string;
  input: I;
}

/**
 * A known mistake: what it would output (compared on every key, a row and a column with the same
 * values agreeing), or a predicate on the learner's outputs. It explains the learner's answer when
 * it agrees with the learner on every case.
 */
export interface Mistake<I> {
  ids: MisconceptionId[];
  /** The exercise's own wording (default: the catalogue's explanations). */
  message?: string;
  outputs?(input: I): Outputs;
  matches?(got: Outputs, input: I, expected: Outputs): boolean;
}

export interface CheckSpec<I, F> extends ExerciseInfo {
  cases: ExerciseCase<I>[];
  /**
   * Run the learner's function on a case (through callLearner / guarded) and read its result.
   * Throws LearnerThrew, InputMutated or Malformed.
   */
  run(fn: F, input: I): Outputs;
  reference(input: I): Outputs;
  mistakes: Mistake<I>[];
  /** What a pass verified, e.g. "μ and σ² match on 3 batches (5×3, 2×4, 4×6)." */
  passMessage: string;
  /** The case's input for a counterexample, e.g. "x = [5×3] …". */
  describeInput(input: I): string;
  tolerance?: Tolerance;
  /** How to write output keys for the learner, e.g. { variance: "σ²" }. */
  labels?: Record<string, string>;
  /** Shown after an error whose message suggests a shape problem. */
  shapeHint?: string;
  /** A checker-specific reading of an exception (e.g. BatchNorm1d's batch-of-one error), or null. */
  onThrow?(error: LearnerThrew, input: I): { misconceptions: MisconceptionId[]; message: string } | null;
}

/** Run a checker on the learner's function. Never throws because of the learner's code. */
export function runCheck<I, F>(spec: CheckSpec<I, F>, fn: F): CheckResult {
  if (typeof fn !== "function") {
    return failed(spec, "wrong-type", `Pass your function itself to the checker, e.g. check.${spec.exercise}(${spec.exercise}); got ${typeof fn}.`);
  }
  try {
    return diagnose(spec, fn);
  } catch (e) {
    return failed(spec, "error", `The checker itself failed (this is a bug in bnlab, not in your code): ${describeThrown(e)}`);
  }
}

function diagnose<I, F>(spec: CheckSpec<I, F>, fn: F): CheckResult {
  const got: Outputs[] = [];
  for (const c of spec.cases) {
    try {
      got.push(spec.run(fn, c.input));
    } catch (e) {
      return fromThrow(spec, e, c);
    }
  }
  const tol = spec.tolerance ?? DEFAULT_TOLERANCE;
  const expected = spec.cases.map((c) => spec.reference(c.input));
  const firstWrong = got.findIndex((g, i) => !agrees(g, expected[i], tol, false));
  if (firstWrong < 0) return passed(spec, spec.passMessage);

  const evidence = difference(spec, spec.cases[firstWrong], got[firstWrong], expected[firstWrong]);
  for (const mistake of spec.mistakes) {
    const explains = spec.cases.every((c, i) =>
      mistake.matches ? mistake.matches(got[i], c.input, expected[i]) : agrees(got[i], mistake.outputs!(c.input), tol, true),
    );
    if (explains) {
      return failed(spec, "misconception", mistakeMessage(mistake), { misconceptions: mistake.ids, details: evidence.details });
    }
  }
  return failed(spec, evidence.kind, evidence.message, { details: evidence.details });
}

/** Same keys, each within tolerance (and of the same shape, unless anyOrientation for vectors). */
function agrees(got: Outputs, expected: Outputs, tol: Tolerance, anyOrientation: boolean): boolean {
  return Object.keys(expected).every((k) => got[k] !== undefined && closeMatrices(got[k], expected[k], tol, anyOrientation));
}

function mistakeMessage<I>(mistake: Mistake<I>): string {
  if (mistake.message) return mistake.message;
  if (mistake.ids.length === 1) return misconception(mistake.ids[0]).explanation;
  const parts = mistake.ids.map((id, i) => `(${i + 1}) ${misconception(id).explanation}`);
  return `Your answer matches ${mistake.ids.length} mistakes at once: ${parts.join(" ")}`;
}

/** What differs in one case: NaN, a wrong shape or a wrong value, with the evidence. */
function difference<I, F>(
  spec: CheckSpec<I, F>,
  c: ExerciseCase<I>,
  got: Outputs,
  expected: Outputs,
): { kind: "nan" | "wrong-shape" | "counterexample"; message: string; details: string } {
  const tol = spec.tolerance ?? DEFAULT_TOLERANCE;
  const key = Object.keys(expected).find((k) => !closeMatrices(got[k], expected[k], tol)) ?? Object.keys(expected)[0];
  const label = spec.labels?.[key] ?? key;
  const g = got[key];
  const e = expected[key];
  const lines = [`On ${c.label}:`, ...spec.describeInput(c.input).split("\n").map((l) => "  " + l)];
  lines.push(hang(`expected ${label} = `, formatMatrix(e)), hang(`your ${label}     = `, formatMatrix(g)));
  const where = largestDifference(g, e);
  if (where) lines.push(`largest difference ${where}`);
  const details = lines.join("\n");
  if (hasNaN(g) && !hasNaN(e)) {
    return {
      kind: "nan",
      message: `Your ${label} contains NaN (look for 0/0, √ of a negative number, or a division by a zero variance).`,
      details,
    };
  }
  if (g.rows !== e.rows || g.cols !== e.cols) {
    const sameValues = closeMatrices(g, e, tol, true);
    return {
      kind: "wrong-shape",
      message:
        `Your ${label} is ${g.rows}×${g.cols}; it should be ${e.rows}×${e.cols}` +
        (sameValues ? " (the values are right, only the layout is not)." : "."),
      details,
    };
  }
  return { kind: "counterexample", message: `Your ${label} is wrong on ${c.label} (no known mistake explains it; compare below).`, details };
}

function fromThrow<I, F>(spec: CheckSpec<I, F>, e: unknown, c: ExerciseCase<I>): CheckResult {
  const input = spec.describeInput(c.input);
  if (e instanceof InputMutated) {
    return failed(
      spec,
      "mutated-input",
      `Your function modified its input ${e.path} in place. Leave the inputs untouched and return new matrices ` +
        "(Matrix methods such as sub, mul and map return new ones; the …InPlace methods and .data[…] = … do not).",
      { details: `On ${c.label}.` },
    );
  }
  if (e instanceof Malformed) return failed(spec, e.kind, e.message, { details: `On ${c.label}:\n${indent(input)}` });
  if (e instanceof LearnerThrew) {
    if (isStubError(e.thrown)) {
      return failed(spec, "not-implemented", "Not implemented yet: replace the line that throws \"TODO: implement …\" with your code.");
    }
    const known = spec.onThrow?.(e, c.input);
    if (known) return failed(spec, "misconception", known.message, { misconceptions: known.misconceptions, details: describeThrown(e.thrown) });
    const isShape = e.thrown instanceof ShapeError || /shape|\[\d+, \d+\]/i.test(e.message);
    const hint = isShape && spec.shapeHint ? ` ${spec.shapeHint}` : "";
    const during = e.during ? ` (while ${e.during})` : "";
    return failed(spec, "error", `Your function threw an error on ${c.label}${during}: ${e.message}${hint}`, {
      details: `The input was:\n${indent(input)}`,
    });
  }
  throw e;
}

function indent(text: string): string {
  return text.split("\n").map((l) => "  " + l).join("\n");
}
