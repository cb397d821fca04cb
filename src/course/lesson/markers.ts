/** The HTML-comment lines that structure a lesson's Markdown (each alone on its line, unindented). */
export const CELL_BREAK = "<!-- cell -->";
export const INSTRUCTOR_BEGIN = "<!-- instructor -->";
export const INSTRUCTOR_END = "<!-- /instructor -->";

export type Marker = typeof CELL_BREAK | typeof INSTRUCTOR_BEGIN | typeof INSTRUCTOR_END;

export function markerOf(text: string): Marker | null {
  const trimmed = text.trim();
  return trimmed === CELL_BREAK || trimmed === INSTRUCTOR_BEGIN || trimmed === INSTRUCTOR_END ? trimmed : null;
}
