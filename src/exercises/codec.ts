import { Matrix } from "../tensor/matrix";

/**
 * Learner results as JSON, and back. `encode` turns whatever the learner's function returned into
 * plain JSON data (a Matrix as its shape and numbers; NaN and ±∞ as strings); `decode` turns that
 * data back into Matrices, numbers and plain objects for a judge, treating it as untrusted: every
 * field is validated, objects are rebuilt without a prototype (a key such as "__proto__" or
 * "constructor" is just a key), and sizes and depth are bounded. Neither throws.
 */

/** A number as JSON: NaN and ±∞ do not survive JSON.stringify, so they are strings. */
type EncodedNumber = number | "NaN" | "Infinity" | "-Infinity";

export type Encoded =
  | { t: "matrix"; shape: [number, number]; values: EncodedNumber[] }
  | { t: "number"; v: EncodedNumber }
  | { t: "boolean"; v: boolean }
  | { t: "string"; v: string }
  | { t: "null" }
  | { t: "undefined" }
  | { t: "array"; items: Encoded[] }
  | { t: "object"; entries: Array<[string, Encoded]> }
  /** Anything else (a function, a Promise, a class instance, a bigint): described in words. */
  | { t: "other"; what: string };

/** Something the learner returned that has no JSON form: a judge sees its description only. */
export class Opaque {
  readonly what: string;
  constructor(what: string) {
    this.what = what;
  }
  toString(): string {
    return this.what;
  }
}

const MAX_DEPTH = 6;
const MAX_ITEMS = 200;
const MAX_NUMBERS = 2_000_000;
const MAX_STRING = 2000;

function encodeNumber(v: number): EncodedNumber {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return v;
}

function decodeNumber(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return null;
}

function encodeMatrix(m: Matrix): Encoded {
  return { t: "matrix", shape: [m.rows, m.cols], values: Array.from(m.data, encodeNumber) };
}

function what(value: object): string {
  if (typeof (value as { then?: unknown }).then === "function") return "a Promise (the function must not be async)";
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === "string" && name ? `a ${name} object` : "an object";
}

/** An object literal or a prototype-less object (not an array, a Matrix or another class's instance). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Learner data → JSON-safe data. May run the learner's getters: call it under the time limit. */
export function encode(value: unknown, depth = 0): Encoded {
  try {
    if (value instanceof Matrix) return encodeMatrix(value);
    if (value === null) return { t: "null" };
    if (value === undefined) return { t: "undefined" };
    if (typeof value === "number") return { t: "number", v: encodeNumber(value) };
    if (typeof value === "boolean") return { t: "boolean", v: value };
    if (typeof value === "string") return { t: "string", v: value.slice(0, MAX_STRING) };
    if (typeof value === "function") return { t: "other", what: "a function (call it, or return its result)" };
    if (typeof value !== "object") return { t: "other", what: `a ${typeof value}` };
    if (depth >= MAX_DEPTH) return { t: "other", what: "a deeply nested value" };
    if (Array.isArray(value)) return { t: "array", items: value.slice(0, MAX_ITEMS).map((v) => encode(v, depth + 1)) };
    if (!isPlainObject(value)) return { t: "other", what: what(value) };
    const entries: Array<[string, Encoded]> = Object.keys(value)
      .slice(0, MAX_ITEMS)
      .map((k) => [k, encode((value as Record<string, unknown>)[k], depth + 1)]);
    return { t: "object", entries };
  } catch {
    return { t: "other", what: "a value that could not be read" };
  }
}

/** The JSON data of `encode` → Matrices, numbers, plain (prototype-less) objects; null if malformed. */
export function decode(data: unknown): unknown {
  const budget = { numbers: MAX_NUMBERS };
  const out = decodeIn(data, 0, budget);
  return out === INVALID ? INVALID_VALUE : out;
}

const INVALID = Symbol("invalid");
/** What a malformed piece of data decodes to (a judge reports it as a wrong type). */
export const INVALID_VALUE = new Opaque("malformed data (not produced by a collector)");

function decodeIn(data: unknown, depth: number, budget: { numbers: number }): unknown {
  if (data === null || typeof data !== "object" || Array.isArray(data) || depth > MAX_DEPTH + 1) return INVALID;
  const t = ownField(data, "t");
  switch (t) {
    case "matrix": {
      const shape = ownField(data, "shape");
      const values = ownField(data, "values");
      if (!Array.isArray(shape) || shape.length !== 2 || !Array.isArray(values)) return INVALID;
      const [rows, cols] = shape as unknown[];
      if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols)) return INVALID;
      const r = rows as number;
      const c = cols as number;
      if (r < 0 || c < 0 || r * c !== values.length || values.length > budget.numbers) return INVALID;
      budget.numbers -= values.length;
      const m = new Matrix(r, c);
      for (let i = 0; i < values.length; i++) {
        const v = decodeNumber(values[i]);
        if (v === null) return INVALID;
        m.data[i] = v;
      }
      return m;
    }
    case "number": {
      const v = decodeNumber(ownField(data, "v"));
      return v === null ? INVALID : v;
    }
    case "boolean": {
      const v = ownField(data, "v");
      return typeof v === "boolean" ? v : INVALID;
    }
    case "string": {
      const v = ownField(data, "v");
      return typeof v === "string" ? v.slice(0, MAX_STRING) : INVALID;
    }
    case "null":
      return null;
    case "undefined":
      return undefined;
    case "array": {
      const items = ownField(data, "items");
      if (!Array.isArray(items) || items.length > MAX_ITEMS) return INVALID;
      const out: unknown[] = [];
      for (const item of items) {
        const v = decodeIn(item, depth + 1, budget);
        if (v === INVALID) return INVALID;
        out.push(v);
      }
      return out;
    }
    case "object": {
      const entries = ownField(data, "entries");
      if (!Array.isArray(entries) || entries.length > MAX_ITEMS) return INVALID;
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const entry of entries) {
        if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string") return INVALID;
        const v = decodeIn(entry[1], depth + 1, budget);
        if (v === INVALID) return INVALID;
        Object.defineProperty(out, entry[0], { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case "other": {
      const w = ownField(data, "what");
      return new Opaque(typeof w === "string" ? w.slice(0, 200) : "an unreadable value");
    }
    default:
      return INVALID;
  }
}

/** Own property of a decoded (or any) object, never from its prototype. */
export function ownField(o: unknown, key: string): unknown {
  return hasOwnField(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

export function hasOwnField(o: unknown, key: string): boolean {
  return o !== null && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, key);
}
