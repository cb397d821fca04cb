/**
 * The `bnlab` blocks bnlab writes into notebook and cell metadata, and readers that check them
 * when a notebook comes back (from disk, possibly edited or re-saved by Jupyter).
 */
import type { CodeCellKind, CodeCellRole, FenceLanguage, FrontMatter, FrontMatterValue } from "./model";

export type Variant = "student" | "instructor";

/** `metadata.bnlab` of a generated notebook. */
export interface BnlabNotebookMetadata {
  /** Version of this metadata block. */
  format: 1;
  /** Lesson name, e.g. `01-normalize`. */
  lesson: string;
  /** The lesson file, relative to the project root, with forward slashes. */
  source: string;
  /** sha256 of the lesson file's bytes at generation time. */
  source_sha256: string;
  variant: Variant;
  /** The notebook's folder relative to the project root (relative imports were written for it). */
  dir: string;
  /** sha256 of the generated cells' types and sources (see cellsSha256): detects edits. */
  cells_sha256: string;
  front_matter: FrontMatter;
}

/** `metadata.bnlab` of a cell; absent on plain cells. */
export interface BnlabCellMetadata {
  /** "header" is the generated title cell; "instructor" on Markdown is an instructor region. */
  role: "header" | CodeCellKind;
  exercise?: string;
  name?: string;
  points?: number;
  id?: string;
  language?: FenceLanguage;
}

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Read `metadata.bnlab` from notebook metadata; null when absent or not a bnlab block. */
export function readNotebookMetadata(metadata: unknown): BnlabNotebookMetadata | null {
  if (!isObject(metadata) || !isObject(metadata.bnlab)) return null;
  const b = metadata.bnlab;
  const strings = ["lesson", "source", "source_sha256", "dir", "cells_sha256"] as const;
  if (b.format !== 1 || strings.some((key) => typeof b[key] !== "string")) return null;
  if (b.variant !== "student" && b.variant !== "instructor") return null;
  const frontMatter = readFrontMatter(b.front_matter);
  if (!frontMatter) return null;
  return {
    format: 1,
    lesson: b.lesson as string,
    source: b.source as string,
    source_sha256: b.source_sha256 as string,
    variant: b.variant,
    dir: b.dir as string,
    cells_sha256: b.cells_sha256 as string,
    front_matter: frontMatter,
  };
}

function readFrontMatter(value: unknown): FrontMatter | null {
  if (!isObject(value) || typeof value.title !== "string") return null;
  const result: { [key: string]: FrontMatterValue } = {};
  for (const [key, item] of Object.entries(value)) {
    const ok =
      typeof item === "string" ||
      typeof item === "number" ||
      typeof item === "boolean" ||
      (Array.isArray(item) && item.every((x) => typeof x === "string"));
    if (!ok) return null;
    result[key] = item as FrontMatterValue;
  }
  return { ...result, title: value.title };
}

const KINDS: readonly string[] = ["plain", "exercise", "check", "test", "instructor", "locked", "header"];

/** Read `metadata.bnlab` of a cell; null when absent. Throws Error when present but malformed. */
export function readCellMetadata(metadata: unknown): BnlabCellMetadata | null {
  if (!isObject(metadata) || metadata.bnlab === undefined) return null;
  const b = metadata.bnlab;
  if (!isObject(b) || typeof b.role !== "string" || !KINDS.includes(b.role)) {
    throw new Error(`metadata.bnlab.role must be one of ${KINDS.join(", ")}`);
  }
  const result: BnlabCellMetadata = { role: b.role as BnlabCellMetadata["role"] };
  for (const key of ["exercise", "name", "id"] as const) {
    if (b[key] === undefined) continue;
    if (typeof b[key] !== "string") throw new Error(`metadata.bnlab.${key} must be a string`);
    result[key] = b[key] as string;
  }
  if (b.points !== undefined) {
    if (typeof b.points !== "number" || !(b.points >= 0)) throw new Error(`metadata.bnlab.points must be a number ≥ 0`);
    result.points = b.points;
  }
  if (b.language !== undefined) {
    if (b.language !== "ts" && b.language !== "typescript") throw new Error(`metadata.bnlab.language must be "ts" or "typescript"`);
    result.language = b.language;
  }
  return result;
}

/** The cell metadata block for a code cell's role; undefined for a plain `ts` cell without id. */
export function codeCellMetadata(role: CodeCellRole, language: FenceLanguage, id?: string): BnlabCellMetadata | undefined {
  const result: BnlabCellMetadata = { role: role.kind };
  if ("exercise" in role && role.exercise !== undefined) result.exercise = role.exercise;
  if (role.kind === "exercise") result.name = role.name;
  if ("points" in role && role.points !== undefined) result.points = role.points;
  if (id !== undefined) result.id = id;
  if (language !== "ts") result.language = language;
  return role.kind === "plain" && id === undefined && language === "ts" ? undefined : result;
}

/** The code cell role described by a cell's bnlab metadata. Throws Error when inconsistent. */
export function roleFromMetadata(meta: BnlabCellMetadata | null): CodeCellRole {
  if (meta === null) return { kind: "plain" };
  const points = meta.points === undefined ? {} : { points: meta.points };
  const exercise = meta.exercise === undefined ? {} : { exercise: meta.exercise };
  switch (meta.role) {
    case "exercise":
      if (meta.exercise === undefined || meta.name === undefined) {
        throw new Error(`an exercise cell needs metadata.bnlab.exercise and .name`);
      }
      return { kind: "exercise", exercise: meta.exercise, name: meta.name, ...points };
    case "check":
    case "test":
      return { kind: meta.role, ...exercise, ...points };
    case "plain":
    case "instructor":
    case "locked":
      return { kind: meta.role };
    case "header":
      throw new Error(`"header" is not a code cell role`);
  }
}
