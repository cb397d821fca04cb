/**
 * One HTML feedback page per learner: for every lesson they handed in, the status, the points per
 * exercise, their code, what each visible check said (the checker's diagnosis, naming the
 * misconception) and whether each hidden test passed — never the hidden tests' code.
 *
 * The page uses the static export's frame and stylesheet (src/course/export), so feedback looks
 * like the course site; `copyFeedbackAssets` puts the stylesheets next to the pages. No dates:
 * grading the same folder twice writes the same bytes.
 */
import { createHash } from "node:crypto";
import { escapeHtml } from "../../charts/html";
import { MISCONCEPTIONS } from "../../exercises/misconceptions";
import { copyAssets } from "../export/assets";
import { codeBlock } from "../export/highlight-code";
import { renderFrame } from "../export/page-layout";
import type { SubmissionGrade } from "./grade-notebook";
import { STATUS_TEXT } from "./grade-status";
import { formatPoints } from "./gradebook-csv";
import type { CheckOutcome, ExerciseResult } from "./scoring";

interface FeedbackOptions {
  courseTitle: string;
  /** Lesson titles by lesson name. */
  titles: Map<string, string>;
}

const STYLE = `<style>
.feedback-summary { border-collapse: collapse; margin: 1rem 0; }
.feedback-summary td, .feedback-summary th { padding: .3rem .8rem; }
.status { display: inline-block; padding: .1rem .5rem; border-radius: .3rem; font-weight: 600; }
.status.ok { background: #e6f4ea; color: #1e6b34; }
.status.bad { background: #fdecea; color: #8a1c12; }
.result.pass { color: #1e6b34; } .result.fail { color: #8a1c12; }
.check { margin: .6rem 0; } .check pre.output { margin: .3rem 0 0; white-space: pre-wrap; }
.misconception { font-weight: 600; }
</style>`;

/**
 * A file name per learner, never two the same (also on case-insensitive file systems): a name
 * that had to be changed, or that collides, gets a short hash of the exact learner name.
 */
export function feedbackFileNames(learners: readonly string[]): Map<string, string> {
  const plain = (learner: string): string => learner.replace(/[^A-Za-z0-9._-]/g, "_");
  const counts = new Map<string, number>();
  for (const learner of learners) counts.set(plain(learner).toLowerCase(), (counts.get(plain(learner).toLowerCase()) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const learner of learners) {
    const base = plain(learner).replace(/^\./, "_").slice(0, 80);
    const unique = base === learner && counts.get(base.toLowerCase()) === 1;
    names.set(learner, unique ? `${base}.html` : `${base}-${createHash("sha256").update(learner).digest("hex").slice(0, 10)}.html`);
  }
  return names;
}

/** renderFeedbackPage, but one learner's odd data can never stop the others' pages: a page that fails says so. */
export function renderFeedbackPageSafely(learner: string, grades: readonly SubmissionGrade[], options: FeedbackOptions): string {
  try {
    return renderFeedbackPage(learner, grades, options);
  } catch (err) {
    const total = grades.reduce((sum, g) => sum + (Number.isFinite(g.total) ? g.total : 0), 0);
    return `<!DOCTYPE html><meta charset="utf-8"><title>Feedback</title><h1>Feedback for ${escapeHtml(learner)}</h1><p>Total: ${escapeHtml(formatPoints(total))} points. The detailed page could not be made (${escapeHtml(String((err as Error)?.message ?? err).slice(0, 200))}); ask your instructor.</p>`;
  }
}

function renderFeedbackPage(learner: string, grades: readonly SubmissionGrade[], options: FeedbackOptions): string {
  const total = grades.reduce((sum, g) => sum + g.total, 0);
  const max = grades.reduce((sum, g) => sum + g.maxTotal, 0);
  const summaryRows = grades
    .map((g) => `<tr><td>${escapeHtml(lessonTitle(g.lesson, options))}</td><td>${formatPoints(g.total)} / ${formatPoints(g.maxTotal)}</td><td>${statusBadge(g)}</td></tr>`)
    .join("\n");
  const body = [
    STYLE,
    `<article class="lesson feedback" data-learner="${escapeHtml(learner)}">`,
    `<section class="cell markdown header"><h1>Feedback for ${escapeHtml(learner)}</h1>`,
    `<p>Total: <strong>${formatPoints(total)} / ${formatPoints(max)}</strong> points.</p>`,
    `<table class="feedback-summary"><tr><th>Lesson</th><th>Points</th><th>Status</th></tr>\n${summaryRows}\n</table></section>`,
    ...grades.map((g) => lessonSection(g, options)),
    "</article>",
  ].join("\n");
  const footer = "Graded by <code>npm run grade</code>: your exercise cells ran inside the lesson, with its visible checks and hidden tests.";
  const html = renderFrame({ title: `Feedback — ${learner} — ${options.courseTitle}`, courseTitle: options.courseTitle, where: "Homework feedback", body, charts: false, footer });
  return html.replace(/<a class="course" href="index.html">/, '<a class="course">');
}

function lessonTitle(lesson: string, options: FeedbackOptions): string {
  const title = options.titles.get(lesson);
  return title ? `${lesson} · ${title}` : lesson;
}

function statusBadge(g: SubmissionGrade): string {
  return `<span class="status ${g.status === "ok" ? "ok" : "bad"}" data-status="${escapeHtml(g.status)}">${escapeHtml(g.status)}</span>`;
}

function lessonSection(g: SubmissionGrade, options: FeedbackOptions): string {
  const head = [
    `<section class="cell markdown" data-lesson="${escapeHtml(g.lesson)}">`,
    `<h2>${escapeHtml(lessonTitle(g.lesson, options))}</h2>`,
    `<p>${statusBadge(g)} ${escapeHtml(Object.prototype.hasOwnProperty.call(STATUS_TEXT, g.status) ? STATUS_TEXT[g.status] : g.status)}${g.note ? ` — ${escapeHtml(g.note)}` : ""}. Points: <strong>${formatPoints(g.total)} / ${formatPoints(g.maxTotal)}</strong>.</p>`,
    "</section>",
  ];
  const exercises = g.exercises.map((e) => exerciseSection(e, g));
  return [...head, ...exercises].join("\n");
}

function exerciseSection(e: ExerciseResult, g: SubmissionGrade): string {
  const answer = g.answers.find((a) => a.exercise === e.id);
  const state =
    !answer || answer.state === "missing"
      ? "<p>Your exercise cell was not found in the notebook (deleted, or its id changed), so it was graded as not done.</p>"
      : answer.state === "unchanged-stub"
        ? "<p>The exercise still holds its <code>TODO</code> stub.</p>"
        : "";
  const code = answer && answer.state !== "missing" ? codeBlock(answer.source, "typescript") : "";
  const delegated = e.delegated ? `<p class="delegated"><strong>0 points:</strong> ${escapeHtml(e.delegated)}</p>` : "";
  const ownError = answer?.error ? `<div class="outputs"><div class="output error"><pre>${escapeHtml(answer.error)}</pre></div></div>` : "";
  const checks = e.checks.map((c, i) => checkBlock(c, i, e.checks)).join("\n");
  return [
    `<section class="cell code exercise" data-exercise="${escapeHtml(e.id)}"><div class="cell-box">`,
    `<div class="cell-label">Exercise ${escapeHtml(e.id)} · ${escapeHtml(e.name)} · ${formatPoints(e.points)} / ${formatPoints(e.maxPoints)} points</div>`,
    state,
    delegated,
    code,
    ownError,
    `<div class="outputs">${checks}</div>`,
    "</div></section>",
  ].join("\n");
}

function checkBlock(c: CheckOutcome, index: number, all: readonly CheckOutcome[]): string {
  const sameKind = all.filter((x) => x.kind === c.kind);
  const number = sameKind.length > 1 ? ` ${sameKind.indexOf(c) + 1}` : "";
  const label = c.kind === "check" ? `Check${number}` : `Hidden test${number}`;
  const verdict = c.passed ? '<span class="result pass">✓ passed</span>' : '<span class="result fail">✗ failed</span>';
  const named = typeof c.misconception === "string" && Object.prototype.hasOwnProperty.call(MISCONCEPTIONS, c.misconception) ? MISCONCEPTIONS[c.misconception as keyof typeof MISCONCEPTIONS] : undefined;
  const misconception = named ? ` — <span class="misconception" data-misconception="${escapeHtml(named.id)}">looks like: ${escapeHtml(named.name)}</span>` : "";
  const report = c.report ? `<pre class="output">${escapeHtml(c.report)}</pre>` : "";
  return `<div class="check" data-check="${escapeHtml(c.gradeId)}" data-passed="${c.passed}" data-index="${index}"><strong>${label}</strong> (${formatPoints(c.points)} pt): ${verdict}${misconception}${report}</div>`;
}

/** The stylesheets the frame links (site, highlight.js, KaTeX with its fonts), copied under `<dir>/assets`. */
export function copyFeedbackAssets(dir: string, projectRoot: string): void {
  copyAssets(dir, projectRoot, ["siteCss", "highlightCss", "katexCss"]);
}
