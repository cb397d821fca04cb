/**
 * `npm run export`: lessons → notebooks (in a build folder, imports rebased) → executed with the
 * runner in fresh tslab kernels → a static site: index.html, one page per lesson, assets/.
 * The site opens from file:// with no server and no network.
 *
 * Two variants. "student" (the default) is what a learner sees: the student notebooks (no solution,
 * no hidden test, no instructor note; exercise stubs as the learner gets them), run as Jupyter runs
 * them (the learner's kernel: a cell that needs an unsolved exercise says so in one line).
 * "instructor" is the answer key: solutions, hidden tests and instructor notes, all executed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { executeNotebook } from "../jupyter/execute-notebook";
import { ensureKernelspec, expectedKernelspec, jupyterEnv } from "../jupyter/kernelspec";
import type { Variant } from "../lesson/bnlab-metadata";
import type { CellError } from "../jupyter/cell-error";
import { buildLessons } from "../lesson/build-lessons";
import { lessonNumber } from "../lesson/lesson-name";
import { ensureLibraryBuilt } from "../library/build-library";
import { serializeNotebook, type Notebook } from "../notebook/nbformat";
import { copyAssets } from "./assets";
import { renderLessonPage, type LessonPageOptions } from "./render-page";
import { renderIndex } from "./site-index";
import { siteLesson, type SiteLesson } from "./site-lesson";

export interface ExportOptions {
  /** Project root (library in src/, compiled to dist/ for the kernel). */
  root: string;
  /** Default `<root>/lessons`. */
  lessonsDir?: string;
  /** The site; default `<root>/site`. Replaced as a whole, so it must be a site or empty. */
  outDir?: string;
  /** Instructor and executed notebooks; default `<root>/build/export`. */
  buildDir?: string;
  /** Only these lessons: numbers ("01", "3") or names ("03-running-averages"). Default: all. */
  lessons?: readonly string[];
  cellTimeoutMs?: number;
  /** "student" (default): the learner's site; "instructor": the answer key. */
  variant?: Variant;
  log?(line: string): void;
}

export interface ExportedLesson {
  lesson: SiteLesson;
  /** The page, absolute. */
  page: string;
  /** The executed instructor notebook, absolute. */
  notebook: string;
  charts: number;
  errors: CellError[];
  durationMs: number;
}

export interface ExportResult {
  siteDir: string;
  index: string;
  lessons: ExportedLesson[];
  /** No cell failed. */
  ok: boolean;
}

const SITE_MARK = path.join("assets", "site.css");

/** The course title (the README's first heading, else "bnlab") and its first paragraph. */
export function courseInfoOf(root: string): { title: string; intro?: string } {
  let readme = "";
  try {
    readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  } catch {
    return { title: "bnlab" };
  }
  const heading = /^# (.+)$/m.exec(readme);
  if (!heading) return { title: "bnlab" };
  const after = readme.slice(heading.index + heading[0].length).replace(/^\s+/, "");
  const paragraph = after.split(/\n\s*\n/)[0]?.trim();
  const intro = paragraph && !/^[#`|<>-]/.test(paragraph) ? paragraph.replace(/\s*\n\s*/g, " ") : undefined;
  return { title: heading[1].trim(), ...(intro ? { intro } : {}) };
}

/**
 * The items whose lesson (NN-slug) matches one of the filters ("01", "1", "01-slug"); all of them
 * without filters. Throws when filters match nothing.
 */
export function selectLessons<T>(items: readonly T[], nameOf: (item: T) => string, filters: readonly string[] | undefined): T[] {
  if (!filters || filters.length === 0) return [...items];
  const matches = (name: string): boolean => filters.some((f) => f === name || (/^\d+$/.test(f) && Number(f) === lessonNumber(name)));
  const selected = items.filter((item) => matches(nameOf(item)));
  if (selected.length === 0) throw new Error(`no lesson matches ${filters.join(", ")}`);
  return selected;
}

/** Refuses a folder that holds something other than an exported site (it is replaced as a whole). */
export function checkSiteDir(siteDir: string): void {
  if (!fs.existsSync(siteDir)) return;
  const entries = fs.readdirSync(siteDir);
  if (entries.length > 0 && !fs.existsSync(path.join(siteDir, SITE_MARK))) {
    throw new Error(`${siteDir} exists and is not an exported site (no ${SITE_MARK}); choose another --out or remove it`);
  }
}

/**
 * Writes a site into `siteDir` (after checkSiteDir; replaced as a whole): assets/, one page per
 * lesson, rendered by `render` with its neighbours, and index.html. Returns the page files.
 */
export function writeSite(
  root: string,
  siteDir: string,
  course: { title: string; intro?: string },
  lessons: readonly SiteLesson[],
  render: (index: number, page: LessonPageOptions) => { html: string; charts?: number },
  log: (line: string) => void,
): string[] {
  checkSiteDir(siteDir);
  fs.rmSync(siteDir, { recursive: true, force: true });
  fs.mkdirSync(siteDir, { recursive: true });
  copyAssets(siteDir, root);
  const pages = lessons.map((lesson, i) => {
    const page = render(i, { lesson, courseTitle: course.title, previous: lessons[i - 1], next: lessons[i + 1] });
    const file = path.join(siteDir, lesson.href);
    fs.writeFileSync(file, page.html);
    log(`wrote ${path.relative(root, file)}${page.charts === undefined ? "" : ` (${page.charts} chart${page.charts === 1 ? "" : "s"})`}`);
    return file;
  });
  fs.writeFileSync(path.join(siteDir, "index.html"), renderIndex(lessons, { courseTitle: course.title, intro: course.intro }));
  return pages;
}

export async function exportSite(options: ExportOptions): Promise<ExportResult> {
  const root = path.resolve(options.root);
  const siteDir = path.resolve(root, options.outDir ?? "site");
  const buildDir = path.resolve(root, options.buildDir ?? path.join("build", "export"));
  const notebooksDir = path.join(buildDir, "notebooks");
  const executedDir = path.join(buildDir, "executed");
  const log = options.log ?? (() => {});
  const course = courseInfoOf(root);
  const variant: Variant = options.variant ?? "student";
  const courseTitle = course.title + (variant === "instructor" ? " — answer key" : "");
  // The student site runs its notebooks the way Jupyter does (the kernelspec's launcher and env).
  const spec = expectedKernelspec(root);
  const kernel = variant === "student" ? { argv: spec.argv, env: { ...jupyterEnv(process.env, root), ...spec.env } } : {};

  checkSiteDir(siteDir); // before the slow part
  ensureLibraryBuilt(root, { quiet: true });
  ensureKernelspec(root);
  const build = buildLessons({ root, lessonsDir: options.lessonsDir, outDir: notebooksDir, variant, force: true });
  if (!build.ok) throw new Error(`building the ${variant} notebooks failed:\n${build.entries.map((e) => `  ${e.reason}`).join("\n")}`);
  const built = build.entries.filter((entry) => entry.action !== "remove" && entry.lesson !== null).map((entry) => entry.notebook);
  const notebooks = selectLessons(built, (file) => path.basename(file, ".ipynb"), options.lessons);

  fs.mkdirSync(executedDir, { recursive: true });
  const executed: { notebook: Notebook; file: string; lesson: SiteLesson; errors: CellError[]; durationMs: number }[] = [];
  for (const file of notebooks) {
    const name = path.basename(file, ".ipynb");
    const input = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
    log(`executing ${name} ...`);
    const run = await executeNotebook(input, {
      ...kernel,
      cwd: notebooksDir,
      allowErrors: true,
      cellTimeoutMs: options.cellTimeoutMs,
    });
    const out = path.join(executedDir, `${name}.ipynb`);
    fs.writeFileSync(out, serializeNotebook(run.notebook));
    log(`  ${run.executedCells} cells in ${(run.durationMs / 1000).toFixed(1)} s${run.errors.length ? `, ${run.errors.length} failed` : ""}`);
    executed.push({ notebook: run.notebook, file: out, lesson: siteLesson(run.notebook, name), errors: run.errors, durationMs: run.durationMs });
  }

  const charts: number[] = [];
  const pages = writeSite(root, siteDir, { title: courseTitle, intro: course.intro }, executed.map((item) => item.lesson), (i, page) => {
    const rendered = renderLessonPage(executed[i].notebook, page);
    charts[i] = rendered.charts;
    return rendered;
  }, log);
  const lessons: ExportedLesson[] = executed.map((item, i) => ({ lesson: item.lesson, page: pages[i], notebook: item.file, charts: charts[i], errors: item.errors, durationMs: item.durationMs }));
  return { siteDir, index: path.join(siteDir, "index.html"), lessons, ok: lessons.every((l) => l.errors.length === 0) };
}
