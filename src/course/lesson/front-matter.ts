/**
 * Front matter: a small, documented subset of YAML, parsed by hand (no YAML dependency).
 *
 *     ---
 *     title: Normalize
 *     objectives:
 *       - Compute per-feature statistics over the minibatch
 *       - "Explain why ε sits inside the square root"
 *     minutes: 45
 *     ---
 *
 * Supported: `key: value` with keys `[A-Za-z_][A-Za-z0-9_-]*`; values are numbers (`45`, `0.5`),
 * booleans (`true`/`false`), plain strings, or double-quoted JSON strings; `key:` followed by
 * `  - item` lines is a list of strings (`key: []` is the empty list). Blank lines and lines
 * starting with `#` are ignored. Nothing else (no nesting, no multi-line strings).
 *
 * The canonical form (what `printFrontMatter` writes and what round-trips byte for byte):
 * title, objectives, minutes, then other keys alphabetically; strings quoted only when needed.
 */
import type { FrontMatter, FrontMatterValue } from "./model";
import { LessonError } from "./lesson-error";

const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*?))?[ \t]*$/;
const ITEM = /^[ \t]+-[ \t]+(.*?)[ \t]*$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
const CANONICAL_ORDER = ["title", "objectives", "minutes"];

/**
 * Parse the lines between the `---` fences. `firstLine` is the 1-based file line of `lines[0]`.
 */
export function parseFrontMatter(lines: string[], file: string, firstLine: number): FrontMatter {
  const result: { [key: string]: FrontMatterValue } = {};
  let listKey: string | null = null;
  lines.forEach((text, i) => {
    const line = firstLine + i;
    if (text.trim() === "" || text.trimStart().startsWith("#")) return;
    const item = ITEM.exec(text);
    if (item) {
      const list = listKey === null ? undefined : result[listKey];
      if (listKey === null || !Array.isArray(list)) {
        throw new LessonError(file, line, `list item outside a list: "${text.trim()}"`);
      }
      list.push(String(parseScalar(item[1], file, line)));
      return;
    }
    const entry = KEY.exec(text);
    if (!entry) {
      throw new LessonError(file, line, `front matter: expected "key: value" or "  - item", got "${text}"`);
    }
    const [, key, raw] = entry;
    if (key in result) throw new LessonError(file, line, `front matter: duplicate key "${key}"`);
    if (raw === undefined || raw === "") {
      result[key] = [];
      listKey = key;
    } else {
      result[key] = raw === "[]" ? [] : parseScalar(raw, file, line);
      listKey = null;
    }
  });
  const title = result.title;
  if (typeof title !== "string" || title === "") {
    throw new LessonError(file, firstLine - 1, 'front matter needs a "title: ..." line');
  }
  return { ...result, title };
}

function parseScalar(raw: string, file: string, line: number): string | number | boolean {
  if (raw.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value === "string") return value;
    } catch {
      // fall through to the error below
    }
    throw new LessonError(file, line, `front matter: malformed quoted string ${raw}`);
  }
  if (NUMBER.test(raw)) return Number(raw);
  if (raw === "true" || raw === "false") return raw === "true";
  return raw;
}

/** The canonical text of the front matter, including both `---` lines, ending in "\n". */
export function printFrontMatter(frontMatter: FrontMatter): string {
  const keys = Object.keys(frontMatter);
  const ordered = [
    ...CANONICAL_ORDER.filter((k) => keys.includes(k)),
    ...keys.filter((k) => !CANONICAL_ORDER.includes(k)).sort(),
  ];
  const lines = ["---"];
  for (const key of ordered) {
    const value = frontMatter[key];
    if (Array.isArray(value)) {
      if (value.length === 0) lines.push(`${key}: []`);
      else lines.push(`${key}:`, ...value.map((item) => `  - ${printString(item)}`));
    } else {
      lines.push(`${key}: ${typeof value === "string" ? printString(value) : String(value)}`);
    }
  }
  lines.push("---");
  return lines.join("\n") + "\n";
}

/** Strings stay plain unless plain text would read back as something else. */
function printString(value: string): string {
  const plain =
    value !== "" &&
    value === value.trim() &&
    !/^["'#\-\[\]{}&*!|>%@`,?:]/.test(value) &&
    !/: |:$| #|[\u0000-\u001f\u007f]/.test(value) &&
    !NUMBER.test(value) &&
    value !== "[]" &&
    value !== "true" &&
    value !== "false";
  return plain ? value : JSON.stringify(value);
}
