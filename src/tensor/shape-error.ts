/** A shape mismatch that says where it happened, what was expected and what came. */
export class ShapeError extends Error {
  constructor(where: string, expected: string, got: string, hint?: string) {
    super(`${where}: expected shape ${expected}, got ${got}` + (hint ? `. ${hint}` : ""));
    this.name = "ShapeError";
  }
}

export function shapeOf(rows: number, cols: number): string {
  return `[${rows}, ${cols}]`;
}
