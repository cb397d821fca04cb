/**
 * Student notebook → instructor source for a solution cell: every stub line the build wrote is put
 * back as the lesson's solution region. Edits around the stubs are kept; a stub that was changed
 * or removed cannot be matched, and that is an error (the solution would otherwise be lost).
 */
import type { CodeLessonCell } from "./model";
import { exerciseStub, findSolutionRegions } from "./solution-regions";

export function restoreSolutions(studentSource: string, lessonCell: CodeLessonCell): string {
  const role = lessonCell.role;
  if (role.kind !== "exercise") return studentSource;
  const lessonLines = lessonCell.source.split("\n");
  const lines = studentSource.split("\n");
  const out: string[] = [];
  let next = 0;
  for (const region of findSolutionRegions(lessonCell.source)) {
    const stub = region.indent + exerciseStub(role.name, role.exercise);
    const at = lines.indexOf(stub, next);
    if (at < 0) {
      throw new Error(
        `the stub of Exercise ${role.exercise} (${role.name}) was changed or removed, so its solution cannot be ` +
          `restored; put back the line\n    ${stub.trim()}\nor import an instructor notebook (npm run build -- --solutions --out DIR)`,
      );
    }
    out.push(...lines.slice(next, at), ...lessonLines.slice(region.begin, region.end + 1));
    next = at + 1;
  }
  out.push(...lines.slice(next));
  return out.join("\n");
}
