import { Matrix } from "../tensor/matrix";
import { CheckResult, ExerciseInfo, failed, passed } from "./check-result";
import {
  DEFAULT_TOLERANCE,
  Tolerance,
  closeMatrices,
  formatMatrix,
  formatNumber,
  hang,
  verbFor,
  hasNaN,
  largestDifference,
} from "./compare";
import { Encoded, INVALID_VALUE, decode, encode, hasOwnField, ownField } from "./codec";
import { LearnerCalls, LearnerThrew, Malformed, describeThrown, expectMatrix, expectNumber, field, isStubError } from "./learner-code";
import { MisconceptionId, isMisconceptionId, misconception } from "./misconceptions";
import { Collected, CollectedCase, CollectedFailure, PROTOCOL } from "./protocol-types";
import { DEFAULT_TIME_LIMIT_SECONDS, TimedOut, withTimeLimit } from "./time-limit";
import { Probes, probeFindings, probeInputs } from "./probes";
import { NOTEBOOK_SEED } from "./inputs";

/** What one run of the learner's code produced, as named matrices ("mu", "variance", "dx", …). */
export type Outputs = Record<string, Matrix>;

/** One test input, with a label for messages ("a 5×3 batch, ε = 1e-5"). */
interface ExerciseCase<I> {
  label: string;
  input: I;
}

/** What a judge knows about an exception the learner's code threw (from the collected data). */
type ThrownInfo = Pick<Extract<CollectedFailure, { kind: "threw" }>, "name" | "message" | "during">;

/**
 * A known mistake: what it would output (compared on every key, a row and a column with the same
 * values agreeing), or a predicate on the learner's outputs of one case, or of all cases at once.
 * It explains the learner's answer when it agrees with the learner on every case.
 */
export interface Mistake<I> {
  ids: MisconceptionId[];
  /** The exercise's own wording (default: the catalogue's explanations). */
  message?: string;
  outputs?(input: I): Outputs;
  matches?(got: Outputs, input: I, expected: Outputs): boolean;
  /** A predicate on every case at once (e.g. "the same answer whatever the input"). */
  matchesAll?(got: Outputs[], inputs: I[], expected: Outputs[]): boolean;
  /** Only keys listed here are compared (default: every key of the outputs). */
  keys?: string[];
}

/** A checker's inputs: its cases and its influence probes. */
export interface ExerciseInputs<I> {
  cases: ExerciseCase<I>[];
  /** Influence probes run after the cases (probes.ts); their findings explain an answer no mistake names. */
  probes?: Probes<I>;
}

/**
 * What collection needs, and nothing that judges (collect/, loaded where the learner's code runs
 * and kept in the library a reach kernel gets): the exercise id, the inputs and how to run the
 * learner's function on one.
 */
export interface ExerciseCollect<I, F> {
  exercise: string;
  /**
   * The cases and probes, their random draws made from `seed`, the same kinds whatever the seed:
   * grading draws them per learner (learnerSeed in course/homework/course-secret.ts), the notebook
   * from its own seed (NOTEBOOK_SEED in inputs.ts). Read them through `drawn`, which keeps them.
   */
  draw(seed: string): ExerciseInputs<I>;
  /**
   * Run fn on a case through `calls` (copies of the inputs, mutation recorded) and return named
   * values to record, e.g. { result } or the state observed after each step. May throw
   * LearnerThrew (from calls.call).
   */
  collect(fn: F, input: I, calls: LearnerCalls): Record<string, unknown>;
  /** Seconds per case (default DEFAULT_TIME_LIMIT_SECONDS). */
  timeLimitSeconds?: number;
}

/** A checker: its collect part (collect/) and its judge part (checkers/: expected values, mistakes, messages). */
export interface ExerciseSpec<I, F> extends ExerciseInfo, ExerciseCollect<I, F> {
  /** Judge side (pure): read the decoded values into Outputs, or throw Malformed. */
  read(values: Record<string, unknown>, input: I): Outputs;
  reference(input: I): Outputs;
  mistakes: Mistake<I>[];
  /** What a pass verified, e.g. "μ and σ² match on 3 batches (5×3, 2×4, 4×6)." */
  passMessage: string;
  /** The case's input for a counterexample, e.g. "x = [5×3] …". */
  describeInput(input: I): string;
  tolerance?: Tolerance;
  /** How to write output keys for the learner, e.g. { variance: "σ²" }. */
  labels?: Record<string, string>;
  /**
   * Appended to an error that quotes one of `axisShapes(input)` (a per-example or transposed
   * statistic), and only then.
   */
  shapeHint?: string;
  axisShapes?(input: I): Array<[number, number]>;
  /** A checker-specific reading of an exception (e.g. BatchNorm1d's batch-of-one error), or null. */
  onThrow?(error: ThrownInfo, input: I): { misconceptions: MisconceptionId[]; message: string } | null;
  /** The right intermediates the probes' findings fit or name outputs by (probes.ts): judge side, as they reveal the answer. */
  probeTerms?: Pick<Probes<I>, "fits" | "rows">;
}

// ---------------------------------------------------------------------------------------------
// collect: where the learner's code runs

/** The usual describeInput: each field as `name = value` (a matrix hangs below its name), one a line. */
export function describeFields<I>(names: readonly (keyof I & string)[]): (input: I) => string {
  return (input) => describeValues(Object.fromEntries(names.map((name) => [name, input[name]])));
}

/** Named values written as describeFields writes fields, for the parts of an input that are not its own fields ("running.mean"). */
export function describeValues(values: Record<string, unknown>): string {
  return Object.entries(values).map(([name, value]) => describeField(name, value)).join("\n");
}

function describeField(name: string, value: unknown): string {
  return value instanceof Matrix ? hang(`${name} = `, formatMatrix(value)) : `${name} = ${typeof value === "number" ? formatNumber(value) : String(value)}`;
}

/** The usual read of a result object: each field a Matrix of the shape described (in that order). */
export function readMatrixFields<I>(shapes: Record<string, string>): ExerciseSpec<I, unknown>["read"] {
  const keys = Object.keys(shapes);
  return ({ result }) => Object.fromEntries(keys.map((key) => [key, expectMatrix(field(result, key, keys), key, shapes[key])]));
}

/** The read of a Matrix the learner returns, as the output `key` (named `what`, of the shape described). */
export function readMatrix<I>(key: string, what: string, shape: string): ExerciseSpec<I, unknown>["read"] {
  return ({ result }) => ({ [key]: expectMatrix(result, what, shape) });
}

/** The read of a number the learner returns, as the 1×1 output `key` ("The output size"). */
export function readNumber<I>(key: string, what: string): ExerciseSpec<I, unknown>["read"] {
  return ({ result }) => ({ [key]: Matrix.row([expectNumber(result, what)]) });
}

/**
 * The usual collect: call the learner's function with the input's fields `names`, in that order,
 * and record what it returns as "result" (fields in `mayModify` may be updated in place).
 */
export function callWithFields<I, F>(names: readonly (keyof I & string)[], mayModify: readonly string[] = []): ExerciseCollect<I, F>["collect"] {
  return (fn, input, calls) => ({ result: calls.call(fn as unknown as (...args: unknown[]) => unknown, names.map((name) => input[name]), names, mayModify).result });
}


const kept = new WeakMap<object, Map<string, ExerciseInputs<unknown>>>();

/**
 * The spec's inputs drawn from `seed` (a learner's, in grading; the notebook's without one), made
 * once (they may run models) and kept for the last 8 seeds of each spec.
 */
export function drawn<I>(spec: Pick<ExerciseCollect<I, unknown>, "draw">, seed: string = NOTEBOOK_SEED): ExerciseInputs<I> {
  const bySeed = kept.get(spec.draw) ?? new Map<string, ExerciseInputs<unknown>>();
  kept.set(spec.draw, bySeed);
  const known = bySeed.get(seed) as ExerciseInputs<I> | undefined;
  if (known) return known;
  const inputs = spec.draw(seed);
  if (bySeed.size >= 8) bySeed.delete(bySeed.keys().next().value as string);
  bySeed.set(seed, inputs);
  return inputs;
}

/** Run the learner's function on every case, then on the probes, drawn from `seed`; JSON data for judgeWith. Never throws. */
export function collectWith<I, F>(spec: ExerciseCollect<I, F>, fn: F, seed?: string): Collected {
  const data: Collected = { protocol: PROTOCOL, exercise: spec.exercise, notFunction: null, cases: [] };
  if (typeof fn !== "function") {
    data.notFunction = typeof fn;
    return data;
  }
  const { cases, probes } = drawn(spec, seed);
  data.cases = collectCases(spec, fn, cases);
  if (probes && !data.cases.some((c) => c.failure)) data.probes = collectCases(spec, fn, probeInputs(probes));
  return data;
}

function collectCases<I, F>(spec: ExerciseCollect<I, F>, fn: F, cases: ExerciseCase<I>[]): CollectedCase[] {
  const seconds = spec.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS;
  const out: CollectedCase[] = [];
  for (const c of cases) {
    const calls = new LearnerCalls();
    const record: CollectedCase = { values: {}, mutated: calls.mutated, failure: null };
    try {
      // the learner's call and the reading of its result (getters, proxies) under one time limit
      record.values = withTimeLimit(() => {
        const raw = spec.collect(fn, c.input, calls);
        const values: Record<string, Encoded> = {};
        for (const k of Object.keys(raw)) values[k] = encode(raw[k]);
        return values;
      }, seconds);
    } catch (e) {
      record.failure = failureOf(e, calls.during);
    }
    record.mutated = [...calls.mutated];
    out.push(record);
    if (record.failure) break;
  }
  return out;
}

function failureOf(e: unknown, during: string | undefined): CollectedFailure {
  if (e instanceof TimedOut) return { kind: "timeout", seconds: e.seconds, during: during ?? null };
  if (e instanceof LearnerThrew) {
    const thrown = e.thrown;
    let name = "";
    try {
      name = thrown instanceof Error && typeof thrown.name === "string" ? thrown.name : "";
    } catch {
      name = "";
    }
    return { kind: "threw", name, message: e.message, stub: isStubError(thrown), during: e.during ?? during ?? null };
  }
  // the checker's own code failed: reported as such by the judge
  return { kind: "threw", name: "BnlabCheckerError", message: describeThrown(e), stub: false, during: during ?? null };
}

// ---------------------------------------------------------------------------------------------
// judge: pure, on untrusted data

/** Judge collected data (untrusted JSON) against the inputs drawn from `seed`. Never throws. */
export function judgeWith<I, F>(spec: ExerciseSpec<I, F>, data: unknown, seed?: string): CheckResult {
  try {
    return judgeData(spec, data, drawn(spec, seed));
  } catch (e) {
    return failed(spec, "error", `The checker itself failed (this is a bug in bnlab, not in your code): ${describeThrown(e)}`);
  }
}

/** Collect and judge in one go: what the notebook's check.X and the pure checkX do. */
export function runCheck<I, F>(spec: ExerciseSpec<I, F>, fn: F): CheckResult {
  return judgeWith(spec, collectWith(spec, fn));
}

function malformedData(spec: ExerciseInfo, what: string): CheckResult {
  return failed(spec, "error", `The checker's collected data is malformed (${what}); it was not produced by this checker's collector.`);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

function readFailure(v: unknown): CollectedFailure | null | "invalid" {
  if (v === null || v === undefined) return null;
  if (typeof v !== "object" || Array.isArray(v)) return "invalid";
  const kind = ownField(v, "kind");
  const during = ownField(v, "during");
  const d = typeof during === "string" ? during.slice(0, 200) : null;
  if (kind === "timeout") {
    const seconds = ownField(v, "seconds");
    return { kind: "timeout", seconds: typeof seconds === "number" && Number.isFinite(seconds) ? seconds : DEFAULT_TIME_LIMIT_SECONDS, during: d };
  }
  if (kind === "threw") {
    const message = str(ownField(v, "message"));
    if (message === null) return "invalid";
    return { kind: "threw", name: str(ownField(v, "name")) ?? "", message: message.slice(0, 2000), stub: ownField(v, "stub") === true, during: d };
  }
  return "invalid";
}

function judgeData<I, F>(spec: ExerciseSpec<I, F>, data: unknown, inputs: ExerciseInputs<I>): CheckResult {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return malformedData(spec, "not an object");
  if (ownField(data, "protocol") !== PROTOCOL) return malformedData(spec, "unknown protocol");
  if (ownField(data, "exercise") !== spec.exercise) return malformedData(spec, `not for ${spec.exercise}`);
  const notFunction = ownField(data, "notFunction");
  if (typeof notFunction === "string") {
    return failed(spec, "wrong-type", `Pass your function itself to the checker, e.g. check.${spec.exercise}(${spec.exercise}); got ${notFunction.slice(0, 40)}.`);
  }
  const mutated: string[] = [];
  const got = readCases(spec, ownField(data, "cases"), inputs.cases, mutated, "cases");
  if (!Array.isArray(got)) return got;
  const probes: ExerciseCase<I>[] = inputs.probes ? probeInputs(inputs.probes) : [];
  const probeGot = probes.length > 0 ? readCases(spec, ownField(data, "probes"), probes, mutated, "probes") : [];
  if (!Array.isArray(probeGot)) return probeGot;
  return diagnose(spec, inputs, got, mutated, probes, probeGot);
}

/** Decode the collected records of `cases` (one each, up to the first failure): their outputs, or the result a failure or malformed record gives. */
function readCases<I, F>(spec: ExerciseSpec<I, F>, records: unknown, cases: ExerciseCase<I>[], mutated: string[], what: "cases" | "probes"): Outputs[] | CheckResult {
  if (!Array.isArray(records) || records.length === 0 || records.length > cases.length) return malformedData(spec, `wrong number of ${what}`);
  const got: Outputs[] = [];
  for (let i = 0; i < records.length; i++) {
    const c = cases[i];
    const record: unknown = records[i];
    if (record === null || typeof record !== "object" || Array.isArray(record)) return malformedData(spec, `case ${i + 1}`);
    const m = ownField(record, "mutated");
    if (Array.isArray(m)) for (const p of m) if (typeof p === "string" && !mutated.includes(p)) mutated.push(p.slice(0, 100));
    const failure = readFailure(ownField(record, "failure"));
    if (failure === "invalid") return malformedData(spec, `case ${i + 1}'s failure`);
    if (failure) return fromFailure(spec, failure, c);
    const values = ownField(record, "values");
    if (values === null || typeof values !== "object" || Array.isArray(values)) return malformedData(spec, `case ${i + 1}'s values`);
    const decoded: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(values)) {
      const v = decode(ownField(values, k));
      if (v === INVALID_VALUE) return malformedData(spec, `case ${i + 1}'s value ${JSON.stringify(k.slice(0, 40))}`);
      Object.defineProperty(decoded, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    try {
      got.push(spec.read(decoded, c.input));
    } catch (e) {
      if (e instanceof Malformed) return failed(spec, e.kind, e.message, { details: `On ${c.label}:\n${indent(spec.describeInput(c.input))}` });
      throw e;
    }
  }
  return got.length < cases.length ? malformedData(spec, `${what} missing`) : got;
}

function diagnose<I, F>(
  spec: ExerciseSpec<I, F>,
  { cases, probes }: ExerciseInputs<I>,
  got: Outputs[],
  mutated: string[],
  probeCases: ExerciseCase<I>[],
  probeGot: Outputs[],
): CheckResult {
  const tol = spec.tolerance ?? DEFAULT_TOLERANCE;
  const inputs = cases.map((c) => c.input);
  const expected = inputs.map((input) => spec.reference(input));
  const probeExpected = probeCases.map((c) => spec.reference(c.input));
  const allCases = [...cases, ...probeCases];
  const allGot = [...got, ...probeGot];
  const allExpected = [...expected, ...probeExpected];
  const firstWrong = allGot.findIndex((g, i) => !agrees(g, allExpected[i], tol, false));
  const mutation = mutated.length > 0 ? mutationMistake(mutated) : null;
  if (firstWrong < 0) {
    if (mutation) return failed(spec, "misconception", mutation, { misconceptions: ["mutates-input"], details: `Modified: ${mutated.join(", ")}.` });
    return passed(spec, spec.passMessage);
  }

  const evidence = difference(spec, allCases[firstWrong], allGot[firstWrong], allExpected[firstWrong]);
  const matched = spec.mistakes.filter((mistake) => explains(mistake, got, inputs, expected, tol));
  // a mistake whose ids are all part of another matched mistake adds nothing
  const kept = matched.filter((m) => !matched.some((o) => o !== m && o.ids.length > m.ids.length && m.ids.every((id) => o.ids.includes(id))));
  const ids: MisconceptionId[] = [];
  const messages: string[] = [];
  if (mutation) {
    ids.push("mutates-input");
    messages.push(mutation);
  }
  for (const m of kept) {
    const fresh = m.ids.filter((id) => !ids.includes(id));
    if (fresh.length === 0) continue;
    ids.push(...fresh);
    messages.push(mistakeMessage(m));
  }
  if (ids.length > 0) {
    const message = messages.length === 1 ? messages[0] : `Your answer shows ${messages.length} mistakes: ${messages.map((t, i) => `(${i + 1}) ${t}`).join(" ")}`;
    return failed(spec, "misconception", message, { misconceptions: ids, details: evidence.details });
  }
  const findings = evidence.kind === "counterexample" ? [...(probes ? probeFindings({ ...probes, ...spec.probeTerms }, probeGot, probeExpected, (k) => spec.labels?.[k] ?? k, tol) : []), ...nearMiss(spec, got, expected, tol)] : [];
  if (findings.length > 0) return failed(spec, "counterexample", findings.slice(0, 3).join(" "), { details: evidence.details });
  return failed(spec, evidence.kind, evidence.message, { details: evidence.details });
}

/** "within 3% but never equal" when every wrong output is close to the right one (an estimate, not the formula); names only the outputs that differ. */
function nearMiss<I, F>(spec: ExerciseSpec<I, F>, got: Outputs[], expected: Outputs[], tol: Tolerance): string[] {
  const keys = Object.keys(expected[0])
    .filter((k) => got.every((g, i) => g[k] && g[k].size === expected[i][k].size))
    .filter((k) => got.some((g, i) => !closeMatrices(g[k], expected[i][k], tol, true)));
  const worst = Math.max(...got.flatMap((g, i) => keys.flatMap((k) => Array.from(g[k].data, (v, e) => Math.abs(v - expected[i][k].data[e]) / Math.max(1e-12, Math.abs(expected[i][k].data[e]))))));
  if (!(worst > 0 && worst < 0.1)) return [];
  const label = keys.map((k) => spec.labels?.[k] ?? k).join(" and ");
  return [`Your ${label} ${verbFor(label)("is", "are")} within ${formatNumber(Math.ceil(worst * 1000) / 10)}% of the right value on every case but not exact: compute the formula, not an estimate or an approximation.`];
}

function explains<I>(mistake: Mistake<I>, got: Outputs[], inputs: I[], expected: Outputs[], tol: Tolerance): boolean {
  if (mistake.matchesAll) return mistake.matchesAll(got, inputs, expected);
  return inputs.every((input, i) => {
    if (mistake.matches) return mistake.matches(got[i], input, expected[i]);
    const predicted = mistake.outputs ? mistake.outputs(input) : null;
    if (!predicted) return false;
    return agrees(got[i], predicted, tol, true, mistake.keys);
  });
}

function mutationMistake(paths: string[]): string {
  return (
    `Your function modified its input ${paths.join(", ")} in place. Leave the inputs untouched and return new matrices ` +
    "(Matrix methods such as sub, mul and map return new ones; the …InPlace methods and .data[…] = … do not)."
  );
}

/** Same keys, each within tolerance (and of the same shape, unless anyOrientation for vectors). */
export function agrees(got: Outputs, expected: Outputs, tol: Tolerance, anyOrientation: boolean, keys?: string[]): boolean {
  return (keys ?? Object.keys(expected)).every(
    (k) => hasOwnField(got, k) && hasOwnField(expected, k) && closeMatrices(got[k], expected[k], tol, anyOrientation),
  );
}

function mistakeMessage<I>(mistake: Mistake<I>): string {
  if (mistake.message) return mistake.message;
  if (mistake.ids.length === 1) return misconception(mistake.ids[0]).explanation;
  const parts = mistake.ids.map((id, i) => `(${i + 1}) ${misconception(id).explanation}`);
  return `Your answer matches ${mistake.ids.length} mistakes at once: ${parts.join(" ")}`;
}

/** What differs in one case: NaN, a wrong shape or a wrong value, with the evidence. */
function difference<I, F>(
  spec: ExerciseSpec<I, F>,
  c: ExerciseCase<I>,
  got: Outputs,
  expected: Outputs,
): { kind: "nan" | "wrong-shape" | "counterexample"; message: string; details: string } {
  const tol = spec.tolerance ?? DEFAULT_TOLERANCE;
  const key = Object.keys(expected).find((k) => !closeMatrices(got[k], expected[k], tol)) ?? Object.keys(expected)[0];
  const label = spec.labels?.[key] ?? key;
  const verb = verbFor(label);
  const g = got[key];
  const e = expected[key];
  const lines = [`On ${c.label}:`, indent(spec.describeInput(c.input))];
  lines.push(hang(`expected ${label} = `, formatMatrix(e)), hang(`your ${label}     = `, formatMatrix(g)));
  const where = largestDifference(g, e);
  if (where) lines.push(`largest difference ${where}`);
  const details = lines.join("\n");
  if (hasNaN(g) && !hasNaN(e)) {
    return {
      kind: "nan",
      message: `Your ${label} ${verb("contains", "contain")} NaN (look for 0/0, √ of a negative number, or a division by a zero variance).`,
      details,
    };
  }
  if (g.rows !== e.rows || g.cols !== e.cols) {
    const sameValues = closeMatrices(g, e, tol, true);
    return {
      kind: "wrong-shape",
      message:
        `Your ${label} ${verb("is", "are")} ${g.rows}×${g.cols}; ${verb("it", "they")} should be ${e.rows}×${e.cols}` +
        (sameValues ? " (the values are right, only the layout is not)." : "."),
      details,
    };
  }
  return { kind: "counterexample", message: `Your ${label} ${verb("is", "are")} wrong on ${c.label} (no known mistake explains it; compare below).`, details };
}

/** True when the message quotes one of the shapes, as "[a, b]", "a×b" or "axb". */
function quotesShape(message: string, shapes: Array<[number, number]>): boolean {
  return shapes.some(([a, b]) => new RegExp(`\\[${a}, ?${b}\\]|(^|[^\\d.])${a} ?[×x] ?${b}([^\\d.]|$)`).test(message));
}

function fromFailure<I, F>(spec: ExerciseSpec<I, F>, f: CollectedFailure, c: ExerciseCase<I>): CheckResult {
  const input = spec.describeInput(c.input);
  const during = f.during ? ` (while ${f.during})` : "";
  if (f.kind === "timeout") {
    return failed(
      spec,
      "timeout",
      `Your function did not return within ${f.seconds} s — an infinite loop? (on ${c.label}${during}) Check every loop's condition and that its counter changes.`,
      { misconceptions: ["infinite-loop"], details: `The input was:\n${indent(input)}` },
    );
  }
  if (f.name === "BnlabCheckerError") {
    return failed(spec, "error", `The checker itself failed (this is a bug in bnlab, not in your code): ${f.message}`);
  }
  if (f.stub || isStubError(new Error(f.message.replace(/^\w*Error: /, "")))) {
    return failed(spec, "not-implemented", "Not implemented yet: replace the line that throws \"TODO: implement …\" with your code.");
  }
  const known = spec.onThrow?.(f, c.input);
  if (known && known.misconceptions.every(isMisconceptionId)) {
    return failed(spec, "misconception", known.message, { misconceptions: known.misconceptions, details: f.message });
  }
  const axis = spec.shapeHint !== undefined && spec.axisShapes !== undefined && quotesShape(f.message, spec.axisShapes(c.input));
  const hint = axis ? ` ${spec.shapeHint}` : "";
  return failed(spec, "error", `Your function threw an error on ${c.label}${during}: ${f.message}${hint}`, {
    misconceptions: axis ? ["wrong-axis"] : [],
    details: `The input was:\n${indent(input)}`,
  });
}

function indent(text: string): string {
  return text.split("\n").map((l) => "  " + l).join("\n");
}
