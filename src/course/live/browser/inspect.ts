/**
 * Node's util.inspect and util.format, as far as the lessons' output needs them (tslab prints a
 * cell's last value with util.inspect and console.log formats with util.format). Differences: no
 * line breaking of long objects, no colors. A value's [Symbol.for("nodejs.util.inspect.custom")]
 * is honoured (the checks' results print as nothing).
 */
const CUSTOM = Symbol.for("nodejs.util.inspect.custom");
const MAX_ITEMS = 100;

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`;
}

export function inspect(value: unknown, depth = 0, seen: Set<object> = new Set()): string {
  if (typeof value === "string") return `'${value.replace(/'/g, "\\'")}'`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "function") return value.prototype && /^class\b/.test(Function.prototype.toString.call(value)) ? `[class ${value.name}]` : `[Function: ${value.name || "(anonymous)"}]`;
  const object = value as Record<string | symbol, unknown>;
  const custom = object[CUSTOM];
  if (typeof custom === "function") {
    const shown = (custom as (d: number, o: object) => unknown).call(value, 2 - depth, {});
    return typeof shown === "string" ? shown : inspect(shown, depth, seen);
  }
  if (seen.has(object)) return "[Circular *1]";
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (depth > 2) return Array.isArray(value) ? "[Array]" : "[Object]";
  seen.add(object);
  try {
    const list = (items: string[], more: number): string[] => (more > 0 ? [...items, `... ${more} more item${more === 1 ? "" : "s"}`] : items);
    if (Array.isArray(value) || ArrayBuffer.isView(value)) {
      const array = value as ArrayLike<unknown>;
      const items = Array.from({ length: Math.min(array.length, MAX_ITEMS) }, (_, i) => inspect(array[i], depth + 1, seen));
      const body = list(items, array.length - MAX_ITEMS);
      const prefix = Array.isArray(value) ? "" : `${value.constructor.name}(${array.length}) `;
      return body.length === 0 ? `${prefix}[]` : `${prefix}[ ${body.join(", ")} ]`;
    }
    if (value instanceof Map) {
      const items = [...value].map(([k, v]) => `${inspect(k, depth + 1, seen)} => ${inspect(v, depth + 1, seen)}`);
      return `Map(${value.size}) {${items.length ? ` ${items.join(", ")} ` : ""}}`;
    }
    if (value instanceof Set) {
      const items = [...value].map((v) => inspect(v, depth + 1, seen));
      return `Set(${value.size}) {${items.length ? ` ${items.join(", ")} ` : ""}}`;
    }
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    const name = proto === null ? "[Object: null prototype]" : proto.constructor?.name && proto.constructor.name !== "Object" ? proto.constructor.name : "";
    const entries = Object.keys(object).map((k) => `${key(k)}: ${inspect(object[k], depth + 1, seen)}`);
    const body = entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
    return name ? `${name} ${body}` : body;
  } finally {
    seen.delete(object);
  }
}

/** util.format: %s %d %i %f %j %o %O %% in a leading string, the other arguments joined by spaces. */
export function format(args: readonly unknown[]): string {
  const show = (v: unknown): string => (typeof v === "string" ? v : inspect(v, 1));
  if (typeof args[0] !== "string") return args.map(show).join(" ");
  let next = 1;
  const head = args[0].replace(/%[sdifjoO%]/g, (spec) => {
    if (spec === "%%") return "%";
    if (next >= args.length) return spec;
    const arg = args[next++];
    switch (spec) {
      case "%s":
        return typeof arg === "string" ? arg : inspect(arg, 1);
      case "%d":
      case "%i":
        return String(spec === "%i" ? Math.trunc(Number(arg)) : Number(arg));
      case "%f":
        return String(Number(arg));
      case "%j":
        return JSON.stringify(arg);
      default:
        return inspect(arg, 1);
    }
  });
  return [head, ...args.slice(next).map(show)].join(" ");
}
