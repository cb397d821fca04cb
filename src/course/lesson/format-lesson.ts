/** Rewrite a lesson file in canonical form (`npm run import -- --format`). */
import * as fs from "node:fs";
import { checkCanonical } from "./canonical";

/** Returns true when the file changed. */
export function formatLessonFile(file: string, displayName: string = file): boolean {
  const source = fs.readFileSync(file, "utf8");
  const report = checkCanonical(source, displayName);
  if (report.canonical) return false;
  fs.writeFileSync(file, report.expected);
  return true;
}
