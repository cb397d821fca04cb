/**
 * Exercise regions inside solution cells:
 *
 *     export function normalize(x: Matrix): Matrix {
 *       // BEGIN SOLUTION
 *       ...the instructor's code...
 *       // END SOLUTION
 *     }
 *
 * The student notebook replaces each region (marker lines included) with one stub line, indented
 * like the `// BEGIN SOLUTION` line, that throws an error naming the exercise.
 */

export const BEGIN_SOLUTION = "// BEGIN SOLUTION";
export const END_SOLUTION = "// END SOLUTION";

/** A region as 0-based line indexes of its marker lines within the cell source. */
interface SolutionRegion {
  begin: number;
  end: number;
  indent: string;
}

/** Find the regions; throws an Error (with a 0-based `line` in its message context) when unbalanced. */
export function findSolutionRegions(source: string): SolutionRegion[] {
  const regions: SolutionRegion[] = [];
  let open: { begin: number; indent: string } | null = null;
  for (const [index, line] of source.split("\n").entries()) {
    const marker = line.trim();
    if (marker === BEGIN_SOLUTION) {
      if (open) throw new RegionError(index, `"${BEGIN_SOLUTION}" inside another solution region`);
      open = { begin: index, indent: /^\s*/.exec(line)?.[0] ?? "" };
    } else if (marker === END_SOLUTION) {
      if (!open) throw new RegionError(index, `"${END_SOLUTION}" without "${BEGIN_SOLUTION}"`);
      regions.push({ ...open, end: index });
      open = null;
    }
  }
  if (open) throw new RegionError(open.begin, `"${BEGIN_SOLUTION}" is never closed`);
  return regions;
}

/** An unbalanced marker; `lineIndex` is 0-based within the cell source. */
export class RegionError extends Error {
  constructor(
    readonly lineIndex: number,
    reason: string,
  ) {
    super(reason);
    this.name = "RegionError";
  }
}

/** The statement that replaces a solution region in the student notebook. */
export function exerciseStub(name: string, exercise: string): string {
  const message = `TODO: implement ${name} — see the exercise above (Exercise ${exercise})`;
  return `throw new Error(${JSON.stringify(message)});`;
}

/** The student version of a solution cell's source. */
export function stubSolutions(source: string, name: string, exercise: string): string {
  const lines = source.split("\n");
  const out: string[] = [];
  let next = 0;
  for (const region of findSolutionRegions(source)) {
    out.push(...lines.slice(next, region.begin), region.indent + exerciseStub(name, exercise));
    next = region.end + 1;
  }
  out.push(...lines.slice(next));
  return out.join("\n");
}

/** Does this source contain any solution marker (balanced or not)? */
export function hasSolutionMarkers(source: string): boolean {
  return source.split("\n").some((line) => [BEGIN_SOLUTION, END_SOLUTION].includes(line.trim()));
}
