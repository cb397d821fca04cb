/** An error in a lesson source, pointing at the file and line. */
export class LessonError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ""}: ${reason}`);
    this.name = "LessonError";
  }
}
