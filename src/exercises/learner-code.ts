import { Matrix } from "../tensor/matrix";
import { Opaque, isPlainObject } from "./codec";

/**
 * Calling the learner's code safely: whatever it throws is caught and wrapped, its inputs are
 * copies, and an input it modifies in place is reported by path ("x", "running.mean").
 */

/** The learner's function threw `thrown`. */
export class LearnerThrew extends Error {
  readonly thrown: unknown;
  /** What the checker was doing, e.g. "evaluating a single example" (for the message). */
  readonly during: string | undefined;
  constructor(thrown: unknown, during?: string) {
    super(describeThrown(thrown));
    this.name = "LearnerThrew";
    this.thrown = thrown;
    this.during = during;
  }
}

/** The learner's result is not what the exercise asks for (not a Matrix, missing field, wrong shape). */
export class Malformed extends Error {
  readonly kind: "wrong-type" | "wrong-shape";
  constructor(kind: "wrong-type" | "wrong-shape", message: string) {
    super(message);
    this.name = "Malformed";
    this.kind = kind;
  }
}

/** The exercise stub's error: `throw new Error("TODO: implement …")`. */
export function isStubError(thrown: unknown): boolean {
  const message = thrown instanceof Error ? thrown.message : typeof thrown === "string" ? thrown : "";
  return /^\s*TODO\b/i.test(message);
}

/** "ShapeError: Matrix.add: …", or the thrown value itself if it is not an Error. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  try {
    return `${typeof thrown} thrown: ${String(thrown)}`;
  } catch {
    return "an unprintable value was thrown";
  }
}

/** A deep copy of Matrices, arrays and plain objects (other values are shared). */
export function cloneValue<T>(value: T): T {
  if (value instanceof Matrix) return value.clone() as unknown as T;
  if (Array.isArray(value)) return value.map((v) => cloneValue(v)) as unknown as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneValue(v);
    return out as T;
  }
  return value;
}

/** The path of the first Matrix (or number) that differs between `before` and `after`, or null. */
function findChange(before: unknown, after: unknown, path: string): string | null {
  if (before instanceof Matrix) {
    if (!(after instanceof Matrix) || after.rows !== before.rows || after.cols !== before.cols) return path;
    for (let i = 0; i < before.data.length; i++) {
      if (!Object.is(before.data[i], after.data[i])) return path;
    }
    return null;
  }
  if (Array.isArray(before)) {
    if (!Array.isArray(after) || after.length !== before.length) return path;
    for (let i = 0; i < before.length; i++) {
      const c = findChange(before[i], after[i], `${path}[${i}]`);
      if (c) return c;
    }
    return null;
  }
  if (isPlainObject(before)) {
    if (!isPlainObject(after)) return path;
    for (const k of Object.keys(before)) {
      const c = findChange(before[k], after[k], `${path}.${k}`);
      if (c) return c;
    }
    return null;
  }
  return Object.is(before, after) ? null : path;
}

/**
 * The calls of one case of a collector: fn runs on copies of its arguments; an input it modified
 * in place is recorded (in `mutated`, by path), so that the judge can name it together with
 * whatever else is wrong. `during` labels what the checker is doing (for messages and time-outs).
 */
export class LearnerCalls {
  readonly mutated: string[] = [];
  during: string | undefined;

  call<A extends unknown[], R>(
    fn: (...args: A) => R,
    args: A,
    names: readonly string[],
    mayModify: readonly string[] = [],
  ): { result: R; args: A } {
    const copies = args.map((a) => cloneValue(a)) as A;
    let result: R;
    try {
      result = fn(...copies);
    } catch (e) {
      throw new LearnerThrew(e, this.during);
    }
    const thenable = result as unknown as { then?: unknown };
    if (thenable !== null && typeof thenable === "object" && typeof thenable.then === "function") {
      (result as unknown as Promise<unknown>).then(undefined, () => undefined);
    }
    args.forEach((original, i) => {
      const name = names[i] ?? `argument ${i + 1}`;
      if (!mayModify.includes(name)) this.compare(name, original, copies[i]);
    });
    return { result, args: copies };
  }

  /** Record the first path under `name` where `after` differs from `before` (for an input the function got uncopied). */
  compare(name: string, before: unknown, after: unknown): void {
    const changed = findChange(before, after, name);
    if (changed && !this.mutated.includes(changed)) this.mutated.push(changed);
  }

  /** body(), with `during` set for its calls (a LearnerThrew from it carries the label). */
  step<R>(during: string, body: () => R): R {
    const before = this.during;
    this.during = during;
    try {
      return body();
    } finally {
      this.during = before;
    }
  }
}

/** Describe a value the learner returned, as the judge decoded it (codec.ts: a Promise arrives as its description): "a Matrix 1×3", "an array", "undefined", "a number". */
export function describeValue(v: unknown): string {
  if (v instanceof Opaque) return v.what;
  if (v instanceof Matrix) return `a Matrix ${v.rows}×${v.cols}`;
  if (v === undefined) return "undefined (did you forget to return?)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") {
    const keys = Object.keys(v);
    return keys.length ? `an object with keys ${keys.join(", ")}` : "an empty object";
  }
  return `a ${typeof v} (${String(v)})`;
}

/** The result as a Matrix, or a Malformed error that says what it is instead (shapes are compared later). */
export function expectMatrix(v: unknown, what: string, shape: string): Matrix {
  if (!(v instanceof Matrix)) {
    const arrayHint = Array.isArray(v) ? " Wrap it with Matrix.fromArray(…) or Matrix.row(…)." : "";
    throw new Malformed("wrong-type", `${what} should be a Matrix (${shape}), got ${describeValue(v)}.${arrayHint}`);
  }
  return v;
}

/** Read field `key` of an object result, or throw Malformed naming the expected keys. */
export function field(v: unknown, key: string, expectedKeys: readonly string[]): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Matrix || v instanceof Opaque) {
    throw new Malformed("wrong-type", `Return an object { ${expectedKeys.join(", ")} }, got ${describeValue(v)}.`);
  }
  if (!Object.prototype.hasOwnProperty.call(v, key)) {
    throw new Malformed(
      "wrong-type",
      `Return an object { ${expectedKeys.join(", ")} }; yours has no "${key}" (it has ${Object.keys(v).join(", ") || "no keys"}).`,
    );
  }
  return (v as Record<string, unknown>)[key];
}

/** A finite number, or Malformed. */
export function expectNumber(v: unknown, what: string): number {
  if (typeof v !== "number") throw new Malformed("wrong-type", `${what} should be a number, got ${describeValue(v)}.`);
  return v;
}
