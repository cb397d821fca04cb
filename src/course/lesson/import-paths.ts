/**
 * Relative module specifiers in code cells (`import { BatchNorm1d } from "../src"`) are written for
 * notebooks that live in `<root>/notebooks`. A notebook written elsewhere gets them rebased so they
 * still resolve to the same files; importing it back rebases them home again.
 */
import * as path from "node:path";

/** Where lesson code's relative imports are written from. */
export const NOTEBOOKS_DIR = "notebooks";

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(["'])(\.\.?(?:\/[^"'\n]*)?)\2/gm;

/** Rewrite every relative specifier in `source` from `fromDir` to `toDir` (both absolute). */
export function rebaseRelativeImports(source: string, fromDir: string, toDir: string): string {
  if (path.resolve(fromDir) === path.resolve(toDir)) return source;
  return source.replace(SPECIFIER, (_match, lead: string, quote: string, specifier: string) => {
    const target = path.resolve(fromDir, specifier);
    let rebased = toPosix(path.relative(toDir, target)) || ".";
    if (!rebased.startsWith(".")) rebased = "./" + rebased;
    if (specifier.endsWith("/") && !rebased.endsWith("/")) rebased += "/";
    return `${lead}${quote}${rebased}${quote}`;
  });
}

export function toPosix(file: string): string {
  return file.split(path.sep).join("/");
}
