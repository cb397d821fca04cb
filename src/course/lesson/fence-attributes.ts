/**
 * Attributes on a TypeScript fence's info string: ```ts {key=value key="quoted value" flag}```.
 *
 * Roles (at most one): `exercise="1.1"` (needs `name`), `check`/`check="1.1"`, `test`/`test="1.1"`,
 * `instructor`, `locked`. Other keys: `name="normalize"` (exercise only), `id="my-id"`,
 * `points=2` (exercise, check, test). `static` leaves the fence inside the Markdown as an example.
 */
import type { CodeCellRole, FenceLanguage } from "./model";

interface FenceInfo {
  language: FenceLanguage;
  role: CodeCellRole;
  id?: string;
  /** `static`: the fence is an example inside Markdown, not a code cell. */
  isStatic: boolean;
}

type RawAttributes = Map<string, string | true>;

const LANGUAGES: readonly string[] = ["ts", "typescript"];
const ROLE_KEYS = ["exercise", "check", "test", "instructor", "locked"] as const;
const KNOWN_KEYS = new Set<string>([...ROLE_KEYS, "name", "id", "points", "static"]);
const ID_VALUE = /^[A-Za-z0-9_.-]{1,40}$/;

/** Is this fence info a TypeScript fence (a candidate code cell)? */
export function isTypeScriptInfo(info: string): boolean {
  return LANGUAGES.includes(info.trim().split(/[\s{]/, 1)[0]);
}

/** Parse a TypeScript fence's info string. Throws an Error with a readable reason. */
export function parseFenceInfo(info: string): FenceInfo {
  const trimmed = info.trim();
  const language = trimmed.split(/[\s{]/, 1)[0];
  if (language !== "ts" && language !== "typescript") throw new Error(`not a TypeScript fence: "${info}"`);
  const rest = trimmed.slice(language.length).trim();
  if (rest !== "" && !(rest.startsWith("{") && rest.endsWith("}"))) {
    throw new Error(`expected attributes in braces after "${language}", like {exercise="1.1" name="f"}; got "${rest}"`);
  }
  const attributes = rest === "" ? new Map<string, string | true>() : parseAttributes(rest.slice(1, -1));
  for (const key of attributes.keys()) {
    if (!KNOWN_KEYS.has(key)) {
      throw new Error(`unknown attribute "${key}" (known: ${[...KNOWN_KEYS].join(", ")})`);
    }
  }
  const isStatic = attributes.get("static") === true;
  if (isStatic && attributes.size > 1) throw new Error(`"static" cannot be combined with other attributes`);
  const id = stringAttribute(attributes, "id", true);
  if (id !== undefined && !ID_VALUE.test(id)) {
    throw new Error(`id="${id}": use 1-40 characters from A-Z a-z 0-9 _ . -`);
  }
  return { language, role: roleOf(attributes), id, isStatic };
}

function roleOf(attributes: RawAttributes): CodeCellRole {
  const roles = ROLE_KEYS.filter((key) => attributes.has(key));
  if (roles.length > 1) throw new Error(`a cell has one role; found ${roles.join(" and ")}`);
  const kind = roles[0];
  const points = pointsAttribute(attributes);
  if (points !== undefined && kind !== "exercise" && kind !== "check" && kind !== "test") {
    throw new Error(`points= only applies to exercise, check and test cells`);
  }
  if (attributes.has("name") && kind !== "exercise") throw new Error(`name= only applies to exercise cells`);
  switch (kind) {
    case "exercise": {
      const exercise = stringAttribute(attributes, "exercise", true);
      const name = stringAttribute(attributes, "name", true);
      if (!exercise) throw new Error(`exercise needs a value, like exercise="1.1"`);
      if (!name) throw new Error(`exercise="${exercise}" needs name="..." (the function the learner implements)`);
      return withPoints({ kind, exercise, name }, points);
    }
    case "check":
    case "test": {
      const exercise = stringAttribute(attributes, kind, false);
      return withPoints(exercise === undefined ? { kind } : { kind, exercise }, points);
    }
    case "instructor":
    case "locked":
      if (attributes.get(kind) !== true) throw new Error(`"${kind}" is a flag and takes no value`);
      return { kind };
    case undefined:
      return { kind: "plain" };
  }
}

function withPoints<T extends CodeCellRole>(role: T, points: number | undefined): T {
  return points === undefined ? role : { ...role, points };
}

function stringAttribute(attributes: RawAttributes, key: string, required: boolean): string | undefined {
  const value = attributes.get(key);
  if (value === undefined) return undefined;
  if (value === true) {
    if (required) throw new Error(`${key} needs a value, like ${key}="..."`);
    return undefined;
  }
  return value;
}

function pointsAttribute(attributes: RawAttributes): number | undefined {
  const value = attributes.get("points");
  if (value === undefined) return undefined;
  const points = value === true ? NaN : Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(String(value)) || !Number.isFinite(points)) {
    throw new Error(`points must be a non-negative number, got ${value === true ? "nothing" : value}`);
  }
  return points;
}

/** `key=value key="quoted \" value" flag` → map. Values may be bare tokens or double-quoted. */
function parseAttributes(text: string): RawAttributes {
  const attributes: RawAttributes = new Map();
  const pattern = /\s*([A-Za-z][A-Za-z0-9_-]*)(?:=(?:"((?:[^"\\]|\\.)*)"|([^\s"=]+)))?\s*/y;
  let index = 0;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match || match[0] === "") throw new Error(`cannot read attributes at "${text.slice(index)}"`);
    const [, key, quoted, bare] = match;
    if (attributes.has(key)) throw new Error(`duplicate attribute "${key}"`);
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare !== undefined ? bare : true;
    attributes.set(key, value);
    index = pattern.lastIndex;
  }
  return attributes;
}

/** The canonical info string for a code cell: role first, then name, id, points. */
export function printFenceInfo(language: FenceLanguage, role: CodeCellRole, id?: string): string {
  const parts: string[] = [];
  switch (role.kind) {
    case "exercise":
      parts.push(`exercise=${quote(role.exercise)}`, `name=${quote(role.name)}`);
      break;
    case "check":
    case "test":
      parts.push(role.exercise === undefined ? role.kind : `${role.kind}=${quote(role.exercise)}`);
      break;
    case "instructor":
    case "locked":
      parts.push(role.kind);
      break;
    case "plain":
      break;
  }
  if (id !== undefined) parts.push(`id=${quote(id)}`);
  if ("points" in role && role.points !== undefined) parts.push(`points=${role.points}`);
  return parts.length === 0 ? language : `${language} {${parts.join(" ")}}`;
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => "\\" + c)}"`;
}
