/** The static export of the course (`npm run export`). */
export { exportSite, courseInfoOf, type ExportOptions, type ExportResult, type ExportedLesson } from "./export-site";
export { renderLessonPage, type LessonPage, type LessonPageOptions } from "./render-page";
export { renderIndex, type IndexOptions } from "./site-index";
export { renderOutput, type OutputContext } from "./render-output";
export { stripAnsi } from "../jupyter/error-info";
export { renderMarkdown, renderMarkdownInline } from "./render-markdown";
export { siteLesson, type SiteLesson } from "./site-lesson";
