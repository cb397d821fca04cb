/**
 * Argument checks shared by the whole library, so that every public function
 * answers a bad argument the same way: it names itself, says what it expected,
 * what came, and (where there is one) how to fix it, and it says so BEFORE it
 * changes anything.
 *
 *   checkInteger("DataLoader", "batchSize", 0, { min: 1 })
 *   // RangeError: DataLoader: batchSize must be an integer ≥ 1, got 0
 *
 * This file imports nothing, so every layer of the library (the backend
 * included) can use it.
 */

/** A value as an error message should show it: its JSON where that is clear, its kind otherwise. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
    case "boolean":
      return String(value);
    case "bigint":
      return `the bigint ${value}n`;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  const name = (value as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

function fail(where: string, what: string, expected: string, value: unknown, hint?: string, type = false): never {
  const message = `${where}: ${what} must be ${expected}, got ${describe(value)}${hint ? `. ${hint}` : ""}`;
  throw type ? new TypeError(message) : new RangeError(message);
}

interface IntegerRange {
  /** Smallest allowed value (default 0). */
  min?: number;
  /** Largest allowed value (default: none). */
  max?: number;
  /** Appended to the message, e.g. "use a batch of at least 2". */
  hint?: string;
}

/** v, if it is an integer in [min, max]; else a TypeError (not a number) or RangeError naming where and what. */
export function checkInteger(where: string, what: string, v: unknown, range: IntegerRange = {}): number {
  const min = range.min ?? 0;
  const max = range.max ?? Infinity;
  const expected = max === Infinity ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
  if (typeof v !== "number") fail(where, what, expected, v, range.hint, true);
  if (!Number.isInteger(v) || v < min || v > max) fail(where, what, expected, v, range.hint);
  return v;
}

interface NumberRange {
  /** Lower bound (default −∞). */
  min?: number;
  /** Upper bound (default +∞). */
  max?: number;
  /** Whether min itself is allowed (default true). */
  minInclusive?: boolean;
  /** Whether max itself is allowed (default true). */
  maxInclusive?: boolean;
  /** Allow ±Infinity when the bounds allow it (default false: finite numbers only). NaN is never allowed. */
  infinite?: boolean;
  hint?: string;
}

/** v, if it is a number (never NaN; finite unless allowed) in the range; else a TypeError or RangeError. */
export function checkNumber(where: string, what: string, v: unknown, range: NumberRange = {}): number {
  const min = range.min ?? -Infinity;
  const max = range.max ?? Infinity;
  const lo = range.minInclusive === false ? ">" : "≥";
  const hi = range.maxInclusive === false ? "<" : "≤";
  const kind = range.infinite ? "a number" : "a finite number";
  const bounds =
    min > -Infinity && max < Infinity
      ? ` in ${range.minInclusive === false ? "(" : "["}${min}, ${max}${range.maxInclusive === false ? ")" : "]"}`
      : min > -Infinity
        ? ` ${lo} ${min}`
        : max < Infinity
          ? ` ${hi} ${max}`
          : "";
  // "≥ 0 (typically 1e-5)" normally; "a finite number ≥ 0" when the number itself is the problem
  const plain = bounds === "" ? kind : bounds.trim() + (range.hint ? ` (${range.hint})` : "");
  const withKind = kind + bounds + (range.hint ? ` (${range.hint})` : "");
  if (typeof v !== "number") fail(where, what, withKind, v, undefined, true);
  const inRange =
    (range.minInclusive === false ? v > min : v >= min) && (range.maxInclusive === false ? v < max : v <= max);
  if (Number.isNaN(v) || (!range.infinite && !Number.isFinite(v))) fail(where, what, withKind, v);
  if (!inRange) fail(where, what, plain, v);
  return v;
}

/** v, if it is a boolean (or undefined, then the default). */
export function checkBoolean(where: string, what: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") fail(where, what, "true or false", v, undefined, true);
  return v;
}

/** v, if it is a function. */
export function checkFunction<F>(where: string, what: string, v: F): F {
  if (typeof v !== "function") fail(where, what, "a function", v, undefined, true);
  return v;
}

/** v, if it is a plain object (an options bag); undefined becomes {}. */
export function checkOptions<T extends object>(where: string, v: T | undefined, what = "options"): T {
  if (v === undefined) return {} as T;
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    fail(where, what, "an object of options, e.g. { … }", v, undefined, true);
  }
  return v;
}

/** v, if it is an array (or array-like: typed arrays too) of numbers; its entries are not checked. */
export function checkArrayLike(where: string, what: string, v: unknown): ArrayLike<unknown> {
  const ok = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!ok) fail(where, what, "an array", v, undefined, true);
  return v as ArrayLike<unknown>;
}

/** v, if it is an array of numbers (NaN and ±Infinity allowed unless `finite`). */
export function checkNumbers(where: string, what: string, v: unknown, finite = false): ArrayLike<number> {
  const values = checkArrayLike(where, what, v);
  for (let i = 0; i < values.length; i++) {
    const e = values[i];
    if (typeof e !== "number" || (finite && !Number.isFinite(e))) {
      fail(where, `${what}[${i}]`, finite ? "a finite number" : "a number", e, undefined, typeof e !== "number");
    }
  }
  return values as ArrayLike<number>;
}

/**
 * Labels: one integer class index in [0, numClasses) per example.
 * `where` names the caller; the hint says how to fix the usual mistakes (strings, floats).
 */
export function checkLabels(where: string, what: string, labels: unknown, numClasses: number): ArrayLike<number> {
  const values = checkArrayLike(where, what, labels);
  for (let i = 0; i < values.length; i++) {
    const y = values[i];
    if (typeof y !== "number" || !Number.isInteger(y) || y < 0 || y >= numClasses) {
      const fix =
        typeof y === "string"
          ? "Labels must be numbers, not strings: convert them, e.g. labels.map(Number)"
          : `There are ${numClasses} classes, numbered 0 … ${numClasses - 1}`;
      fail(where, `${what}[${i}]`, `an integer class index in [0, ${numClasses})`, y, fix, typeof y !== "number");
    }
  }
  return values as ArrayLike<number>;
}

/** "8 TB", "800 MB", "12 KB": the size of `count` float64 numbers. */
export function float64Bytes(count: number): string {
  let bytes = count * 8;
  for (const unit of ["bytes", "KB", "MB", "GB", "TB", "PB"]) {
    if (bytes < 1000 || unit === "PB") return `${unit === "bytes" ? bytes : Number(bytes.toPrecision(3))} ${unit}`;
    bytes /= 1000;
  }
  return `${bytes} PB`;
}

/** The most float64 numbers one Float64Array may hold in this JavaScript engine. */
export const MAX_FLOAT64_ARRAY = 2 ** 32;

/**
 * Throw unless a rows × cols float64 matrix can exist here: names the owner
 * (e.g. "Linear(1000000→1000000)"), what it is (its "weight"), and the memory it
 * would need, before anything is allocated.
 */
export function checkAllocation(where: string, what: string, rows: number, cols: number): void {
  const count = rows * cols;
  if (count > MAX_FLOAT64_ARRAY) {
    throw new RangeError(
      `${where}: ${what} would be a ${rows} × ${cols} matrix of ${count.toExponential(2)} float64 numbers ` +
        `(${float64Bytes(count)}), more than one array can hold here (${MAX_FLOAT64_ARRAY} numbers, ${float64Bytes(MAX_FLOAT64_ARRAY)}). ` +
        "Use fewer features.",
    );
  }
}

/** Allocate count float64 numbers, turning the engine's "Invalid typed array length" / "allocation failed" into a message that names `where`. */
export function allocateFloat64(where: string, what: () => string, count: number): Float64Array {
  try {
    return new Float64Array(count);
  } catch (e) {
    throw new RangeError(
      `${where}: cannot allocate ${what()}, ${count} float64 numbers (${float64Bytes(count)}): ${e instanceof Error ? e.message : String(e)}. ` +
        "Use smaller sizes.",
    );
  }
}

/** v, if it is one of `choices` (compared with ===): `… must be one of "a", "b", got …`. */
export function checkOneOf<T>(where: string, what: string, v: unknown, choices: readonly T[]): T {
  if (!choices.includes(v as T)) fail(where, what, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, v, undefined, typeof v !== typeof choices[0]);
  return v as T;
}
