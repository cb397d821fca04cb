import * as path from "node:path";

/** Lesson files are named `NN-slug.md`: two digits, a dash, lowercase words joined by dashes. */
export const LESSON_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/** `lessons/01-normalize.md` → `01-normalize`. */
export function lessonName(file: string): string {
  return path.basename(file).replace(/\.md$/, "");
}

/** `01-normalize` → 1; null when the name has no `NN-` prefix. */
export function lessonNumber(name: string): number | null {
  const match = /^(\d+)-/.exec(name);
  return match ? Number(match[1]) : null;
}
