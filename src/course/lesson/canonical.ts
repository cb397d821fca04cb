/** Is a lesson file in the canonical form that round-trips through a notebook byte for byte? */
import { parseLesson } from "./parse-lesson";
import { printLesson } from "./print-lesson";

export interface CanonicalReport {
  canonical: boolean;
  /** The canonical text of the lesson. */
  expected: string;
  /** 1-based line of the first difference, or null when canonical. */
  firstDifference: number | null;
}

export function checkCanonical(source: string, file: string): CanonicalReport {
  const expected = printLesson(parseLesson(source, file));
  if (expected === source) return { canonical: true, expected, firstDifference: null };
  const actualLines = source.split("\n");
  const expectedLines = expected.split("\n");
  let line = 0;
  while (line < actualLines.length && actualLines[line] === expectedLines[line]) line++;
  return { canonical: false, expected, firstDifference: line + 1 };
}
