/** The little of a source map the page needs: generated (line, column) → the cell's (line, column). */

/** Per generated line (0-based): [generated column, source line, source column], all 0-based. */
export type LineMap = [number, number, number][][];

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error(`source map: invalid character ${JSON.stringify(char)} in mappings`);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

export function decodeLineMap(sourceMapText: string): LineMap {
  const { mappings } = JSON.parse(sourceMapText) as { mappings: string };
  let sourceLine = 0;
  let sourceColumn = 0;
  return mappings.split(";").map((line) => {
    let column = 0;
    const segments: [number, number, number][] = [];
    for (const segment of line.split(",")) {
      if (segment === "") continue;
      const [dColumn, , dLine, dSourceColumn] = decodeVlq(segment);
      column += dColumn;
      if (dLine === undefined) continue;
      sourceLine += dLine;
      sourceColumn += dSourceColumn ?? 0;
      segments.push([column, sourceLine, sourceColumn]);
    }
    return segments;
  });
}

/** The cell's 1-based line and column for a 1-based generated position (the line alone if unmapped). */
export function originalPosition(map: LineMap, line: number, column: number): { line: number; column: number } {
  const segments = map[line - 1] ?? [];
  let best: [number, number, number] | undefined;
  for (const segment of segments) if (segment[0] <= column - 1) best = segment;
  best ??= segments[0];
  return best ? { line: best[1] + 1, column: best[2] + 1 + Math.max(0, column - 1 - best[0]) } : { line, column };
}
