/** Lesson sources ↔ notebooks. See docs/lesson-format.md. */
export type { Lesson, LessonCell, CodeLessonCell, MarkdownLessonCell, CodeCellRole, FrontMatter, FrontMatterValue } from "./model";
export { LessonError } from "./lesson-error";
export { parseLesson } from "./parse-lesson";
export { printLesson } from "./print-lesson";
export { checkCanonical, type CanonicalReport } from "./canonical";
export { formatLessonFile } from "./format-lesson";
export { renderNotebook, type RenderOptions, type GeneratedNotebook } from "./render-notebook";
export { buildLessons, type BuildOptions, type BuildResult, type BuildEntry, type BuildAction } from "./build-lessons";
export { importNotebook, ImportError, type ImportOptions, type ImportResult } from "./import-notebook";
export { readNotebookMetadata, type BnlabNotebookMetadata, type BnlabCellMetadata, type Variant } from "./bnlab-metadata";
export { stubSolutions, exerciseStub, BEGIN_SOLUTION, END_SOLUTION } from "./solution-regions";
