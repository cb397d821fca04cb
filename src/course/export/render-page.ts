/**
 * One executed notebook → one lesson page: Markdown cells rendered (math, code), code cells
 * highlighted with their outputs, instructor material (answers, hidden tests, instructor code)
 * styled as callouts, and links to the neighbouring lessons.
 */
import { escapeHtml } from "../../charts/html";
import type { BnlabCellMetadata } from "../lesson/bnlab-metadata";
import { joinSource, type Cell, type Notebook } from "../notebook/nbformat";
import { codeBlock } from "./highlight-code";
import { renderFrame, type PageFrame } from "./page-layout";
import { renderMarkdown } from "./render-markdown";
import { renderOutput, type OutputContext } from "./render-output";
import type { SiteLesson } from "./site-lesson";

export interface LessonPageOptions {
  lesson: SiteLesson;
  courseTitle: string;
  previous?: SiteLesson;
  next?: SiteLesson;
}

export interface LessonPage {
  html: string;
  /** Charts on the page (Plotly outputs), for the browser test to count against. */
  charts: number;
}

type CellRole = Partial<BnlabCellMetadata>;

export function roleOf(cell: Cell): CellRole {
  const bnlab = cell.metadata.bnlab;
  return bnlab !== null && typeof bnlab === "object" ? (bnlab as CellRole) : {};
}

/**
 * The small caption above a code cell with a role (HTML), and whether it is instructor-only material.
 * In a student notebook an exercise cell holds the learner's stub, not a solution.
 */
export function codeLabel(role: CellRole, student: boolean): { label: string; instructor: boolean; kind: string } | null {
  const ex = role.exercise ? ` ${escapeHtml(role.exercise)}` : "";
  switch (role.role) {
    case "exercise":
      return {
        label: `Exercise${ex}${role.name ? ` · <code>${escapeHtml(role.name)}</code>` : ""} · ${student ? "your code goes here" : "solution"}`,
        instructor: !student,
        kind: "exercise",
      };
    case "check":
      return { label: `Check${ex}`, instructor: false, kind: "check" };
    case "test":
      return { label: `Hidden test${ex} · instructor only`, instructor: true, kind: "test" };
    case "instructor":
      return { label: "Instructor only", instructor: true, kind: "instructor-code" };
    default:
      return null;
  }
}

/** A Markdown cell: the title cell, an instructor note, or the lesson's text. */
export function renderMarkdownCell(cell: Cell): string {
  const html = renderMarkdown(joinSource(cell.source));
  const role = roleOf(cell).role;
  if (role === "instructor") return `<aside class="cell markdown instructor" aria-label="Instructor note">\n${html}</aside>`;
  return `<section class="cell markdown${role === "header" ? " header" : ""}">\n${html}</section>`;
}

function renderCell(cell: Cell, ctx: OutputContext, student: boolean): string {
  if (cell.cell_type === "markdown") return renderMarkdownCell(cell);
  if (cell.cell_type === "raw") return "";
  const source = joinSource(cell.source);
  if (source.trim() === "" && cell.outputs.length === 0) return "";
  const label = codeLabel(roleOf(cell), student);
  const classes = ["cell", "code", ...(label ? [label.kind] : []), ...(label?.instructor ? ["instructor"] : [])];
  const prompt = cell.execution_count !== null ? `<span class="prompt">[${cell.execution_count}]</span>` : "";
  const caption = label ? `<div class="cell-label">${label.label}</div>` : "";
  const outputs = cell.outputs.map((output) => renderOutput(output, ctx)).filter((html) => html !== "").join("\n");
  return `<section class="${classes.join(" ")}">${prompt}<div class="cell-box">${caption}\n${codeBlock(source, "typescript")}\n<div class="outputs">${outputs}</div></div></section>`;
}

function navLink(lesson: SiteLesson | undefined, rel: "prev" | "next"): string {
  if (!lesson) return "<span></span>";
  const arrow = rel === "prev" ? `← ${escapeHtml(lesson.title)}` : `${escapeHtml(lesson.title)} →`;
  return `<a rel="${rel}" href="${escapeHtml(lesson.href)}">${arrow}</a>`;
}

/**
 * A lesson's page: its cells in the lesson's article, the links to its neighbours below it, and what
 * `page` adds (HTML before and after them, the article's extra classes, the frame's options).
 */
export function renderLessonFrame(
  opts: LessonPageOptions,
  cells: readonly string[],
  page: Pick<PageFrame, "charts" | "styles" | "scripts" | "footer"> & { articleClass?: string; before?: string; after?: string },
): string {
  const { lesson } = opts;
  const { articleClass, before, after, ...frame } = page;
  const article = `<article class="lesson${articleClass ? ` ${articleClass}` : ""}" data-lesson="${escapeHtml(lesson.name)}">\n${cells.join("\n")}\n</article>`;
  const nav = `<nav class="lesson-nav">${navLink(opts.previous, "prev")}<a href="index.html">All lessons</a>${navLink(opts.next, "next")}</nav>`;
  return renderFrame({
    ...frame,
    title: `${lesson.number !== null ? `Lesson ${lesson.number} · ` : ""}${lesson.title} — ${opts.courseTitle}`,
    courseTitle: opts.courseTitle,
    where: lesson.number !== null ? `Lesson ${lesson.number}` : lesson.title,
    body: [before, article, nav, after].filter((part) => part !== undefined).join("\n"),
  });
}

export function renderLessonPage(notebook: Notebook, opts: LessonPageOptions): LessonPage {
  const ctx: OutputContext = { charts: 0 };
  const bnlab = notebook.metadata.bnlab as { variant?: string } | undefined;
  const student = bnlab?.variant === "student";
  const cells = notebook.cells.map((cell) => renderCell(cell, ctx, student)).filter((html) => html !== "");
  return { html: renderLessonFrame(opts, cells, { charts: ctx.charts > 0 }), charts: ctx.charts };
}
