/** The site's front page: the course title and every lesson with its duration and objectives. */
import { escapeHtml } from "../../charts/html";
import { renderFrame } from "./page-layout";
import { renderMarkdownInline } from "./render-markdown";
import type { SiteLesson } from "./site-lesson";

export interface IndexOptions {
  courseTitle: string;
  /** One paragraph of Markdown under the title. */
  intro?: string;
}

function lessonItem(lesson: SiteLesson): string {
  const heading = `${lesson.number !== null ? `Lesson ${lesson.number} · ` : ""}${renderMarkdownInline(lesson.title)}`;
  const minutes = lesson.minutes !== undefined ? `<div class="minutes">About ${lesson.minutes} minutes</div>` : "";
  const objectives =
    lesson.objectives.length > 0 ? `<ul class="objectives">${lesson.objectives.map((o) => `<li>${renderMarkdownInline(o)}</li>`).join("")}</ul>` : "";
  return `<li><h2><a href="${escapeHtml(lesson.href)}">${heading}</a></h2>${minutes}${objectives}</li>`;
}

export function renderIndex(lessons: readonly SiteLesson[], opts: IndexOptions): string {
  const intro = opts.intro ? `<p class="intro">${renderMarkdownInline(opts.intro)}</p>` : "";
  const list = lessons.length > 0 ? `<ol class="lessons">\n${lessons.map(lessonItem).join("\n")}\n</ol>` : "<p>No lessons yet.</p>";
  return renderFrame({
    title: opts.courseTitle,
    courseTitle: opts.courseTitle,
    body: `<h1>${escapeHtml(opts.courseTitle)}</h1>\n${intro}\n${list}`,
    charts: false,
  });
}
