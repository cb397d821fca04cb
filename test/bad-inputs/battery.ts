/**
 * The bad-input battery's helpers. Every case calls one public export with a
 * bad or edge argument and asserts that it throws a clear error: an Error whose
 * message names the function or layer and matches what was expected (a JS
 * engine message such as "Cannot read properties of undefined" is not clear),
 * within a time limit (a hang fails instead of freezing the suite), and, for the
 * cases that hold state, that nothing changed.
 *
 *   cases("Linear", [
 *     ["inFeatures 0", () => new Linear(0, 2), /Linear: inFeatures must be an integer ≥ 1, got 0/],
 *   ]);
 *
 * test/bad-inputs-exports.test.ts checks that every export of src/index.ts has a
 * cases("name", …) block in one of the test/bad-inputs-*.test.ts files.
 */
import * as vm from "node:vm";
import { describe, expect, it } from "vitest";
import { Matrix, Optimizer } from "../../src";
import type { AnyModule } from "../../src";

/** How long one call may take before it counts as a hang. */
export const CALL_LIMIT_MS = 10_000;

/** A case: a label, the call, and what its message must say. */
export type Case = [label: string, call: () => unknown, message: RegExp | string];

/** Messages that mean the library did not check: the engine noticed instead. */
const ENGINE_MESSAGES = /Cannot read propert|is not a function|is not iterable|undefined is not|Invalid typed array length|Array buffer allocation failed|Maximum call stack|toPrecision\(\) argument|Invalid array length/;

/** Run f, interrupting it after `ms` (a synchronous infinite loop included): vm's watchdog stops the script. */
export function bounded<T>(f: () => T, ms = CALL_LIMIT_MS): T {
  return vm.runInNewContext("f()", { f }, { timeout: ms }) as T;
}

/** What f throws, or a failure that says it returned (or hung). */
export function thrown(f: () => unknown): Error {
  let result: unknown;
  try {
    result = bounded(f);
  } catch (e) {
    // vm's timeout error comes from the sandbox's realm: not an instanceof this realm's Error
    if (/Script execution timed out/.test(String((e as { message?: unknown })?.message))) throw new Error(`hang: the call ran longer than ${CALL_LIMIT_MS} ms`);
    if (!(e instanceof Error)) throw new Error(`threw a non-Error: ${String(e)}`);
    return e;
  }
  throw new Error(`expected an error, but it returned ${describeResult(result)}`);
}

function describeResult(v: unknown): string {
  if (v instanceof Matrix) return `a Matrix ${v.shapeString()} ${JSON.stringify(Array.from(v.data.slice(0, 6)))}`;
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Assert that f throws a clear error: its message matches `message` and names `who`. */
export function expectClear(f: () => unknown, message: RegExp | string, who: string): Error {
  const e = thrown(f);
  expect(e.message, "an engine message, not the library's").not.toMatch(ENGINE_MESSAGES);
  expect(e.message, `the message names ${who}`).toContain(who);
  if (typeof message === "string") expect(e.message).toContain(message);
  else expect(e.message).toMatch(message);
  return e;
}

/** One describe block per export (or member, "Matrix.sliceCols"); `who` is what the message must name (default: name). */
export function cases(name: string, list: Case[], who = name): void {
  describe(name, () => {
    for (const [label, call, message] of list) {
      it(label, () => {
        expectClear(call, message, who);
      });
    }
  });
}

/** Everything that may change when a call goes wrong: values, gradients, buffers and the mode of a model. */
export function moduleState(m: AnyModule): unknown {
  return {
    training: m.training,
    params: m.namedParameters().map(([n, p]) => [n, Array.from(p.value.data), Array.from(p.grad.data)]),
    buffers: m.namedBuffers().map(([n, b]) => [n, Array.from(b.data)]),
    modes: m.children().map((c) => c.training),
  };
}

/** An optimizer's state: step count, learning rate and its per-parameter buffers. */
export function optimizerState(o: Optimizer): unknown {
  const own = o as unknown as Record<string, unknown>;
  const buffers = ["m", "v", "buffers"].map((k) => (Array.isArray(own[k]) ? (own[k] as Array<Matrix | null>).map((b) => (b ? Array.from(b.data) : null)) : null));
  return { stepCount: o.stepCount, lr: o.lr, buffers };
}

/** Deep copy of plain data (Matrix data arrays become plain arrays, NaN kept as a string). */
export function copy(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x instanceof Float64Array ? Array.from(x).map((n) => (Number.isFinite(n) ? n : String(n))) : x)),
  );
}

/**
 * A case whose call must also leave state as it was: `state` reads the state
 * (model, optimizer, inputs) before and after the throw.
 */
export type StateCase = [label: string, setup: () => { call: () => unknown; state: () => unknown }, message: RegExp | string];

export function stateCases(name: string, list: StateCase[], who = name): void {
  describe(`${name} (state unchanged after the throw)`, () => {
    for (const [label, setup, message] of list) {
      it(label, () => {
        const { call, state } = setup();
        const before = copy(state());
        expectClear(call, message, who);
        expect(copy(state()), "the state after the throw").toEqual(before);
      });
    }
  });
}

/** Values that are not a count (an integer ≥ 1). */
export const NOT_COUNTS: Array<[string, unknown]> = [
  ["-1", -1],
  ["0", 0],
  ["1.5", 1.5],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ['"3"', "3"],
  ["null", null],
];

/** Values that are not a finite number. */
export const NOT_FINITE: Array<[string, unknown]> = [
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ['"1"', "1"],
  ["null", null],
];
