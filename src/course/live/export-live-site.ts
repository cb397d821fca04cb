/**
 * `npm run export -- --live`: the live site. Each lesson page is the STUDENT notebook (rendered by
 * the lesson build as `npm run build` writes it to notebooks/), every code cell editable and runnable in the browser; nothing is executed at
 * export time. Written: index.html, one page per lesson, assets/ (as the static export), live/
 * (page.js, worker.js, live.css), live/lib/ (backend.wasm and mnist.bin, fetched by the worker) and
 * sw.js, the service worker that keeps the whole site for offline use.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { WASM_BACKEND_FILE } from "../../tensor/backend-wasm";
import { encodeMnist } from "../../data/mnist-binary";
import { readMnistDigits } from "../../data/mnist-raw";
import { MNIST_SITE_FILE } from "../../data/mnist-raw.browser";
import { checkSiteDir, courseInfoOf, selectLessons, writeSite, type ExportOptions } from "../export/export-site";
import { siteLesson, type SiteLesson } from "../export/site-lesson";
import { listFiles } from "../homework/library-bundle";
import { NOTEBOOKS_DIR, toPosix } from "../lesson/import-paths";
import { LESSON_FILE, lessonName } from "../lesson/lesson-name";
import { parseLesson } from "../lesson/parse-lesson";
import { renderNotebook } from "../lesson/render-notebook";
import type { Notebook } from "../notebook/nbformat";
import { bundleLiveScripts, bundleServiceWorker } from "./bundle";
import { LIVE_SCRIPTS, renderLivePage } from "./live-page";

/** As the static export's; `outDir` defaults to `<root>/site-live`. */
type LiveExportOptions = Pick<ExportOptions, "root" | "lessonsDir" | "outDir" | "lessons" | "log">;

export interface LiveExportResult {
  siteDir: string;
  index: string;
  /** `notebook`: the learner's notebook it shows, relative to root (notebooks/NN-slug.ipynb). */
  lessons: { lesson: SiteLesson; page: string; notebook: string }[];
  /** Every file of the site → its size in bytes (relative paths). */
  files: Record<string, number>;
}

/** Files the worker reads beside the library, relative to live/lib/ (see browser/node-only.ts). */
function writeLibraryFiles(root: string, siteDir: string): void {
  const lib = path.join(siteDir, "live", "lib");
  const wasm = path.join(lib, path.relative(root, WASM_BACKEND_FILE));
  fs.mkdirSync(path.dirname(wasm), { recursive: true });
  fs.copyFileSync(WASM_BACKEND_FILE, wasm);
  fs.writeFileSync(path.join(lib, MNIST_SITE_FILE), encodeMnist(readMnistDigits()));
}

/** Every file of the site → its size in bytes (paths relative to the site, with forward slashes). */
function siteFiles(siteDir: string): Record<string, number> {
  return Object.fromEntries(listFiles(siteDir).map((file) => [toPosix(path.relative(siteDir, file)), fs.statSync(file).size]));
}

export async function exportLiveSite(options: LiveExportOptions): Promise<LiveExportResult> {
  const root = path.resolve(options.root);
  const siteDir = path.resolve(root, options.outDir ?? "site-live");
  const log = options.log ?? (() => {});
  const course = courseInfoOf(root);
  checkSiteDir(siteDir);
  const lessonsDir = path.resolve(root, options.lessonsDir ?? "lessons");
  // Each page is the notebook `npm run build` writes to notebooks/ (imports "../src", same ids and metadata).
  const lessonFiles = fs.readdirSync(lessonsDir).filter((name) => LESSON_FILE.test(name)).sort();
  const notebooks = selectLessons(lessonFiles, lessonName, options.lessons).map((name) => {
    const sourceFile = path.join(lessonsDir, name);
    const sourceText = fs.readFileSync(sourceFile, "utf8");
    const notebook = renderNotebook(parseLesson(sourceText, path.relative(root, sourceFile)), { variant: "student", root, sourceFile, sourceText, outDir: path.join(root, NOTEBOOKS_DIR) });
    return { file: path.join(NOTEBOOKS_DIR, `${lessonName(name)}.ipynb`), notebook: notebook as Notebook };
  });

  const lessons = notebooks.map((n) => siteLesson(n.notebook, path.basename(n.file, ".ipynb")));
  const pageFiles = writeSite(root, siteDir, course, lessons, (i, page) => ({ html: renderLivePage(notebooks[i].notebook, page) }), log);
  const pages = notebooks.map((n, i) => ({ lesson: lessons[i], page: pageFiles[i], notebook: n.file }));
  fs.mkdirSync(path.join(siteDir, "live"), { recursive: true });
  fs.copyFileSync(path.join(__dirname, "browser", "live.css"), path.join(siteDir, LIVE_SCRIPTS.css));
  await bundleLiveScripts(root, siteDir);
  writeLibraryFiles(root, siteDir);
  const files = siteFiles(siteDir);
  const version = createHash("sha256").update(Object.entries(files).map(([f, size]) => `${f}:${size}:${fs.statSync(path.join(siteDir, f)).mtimeMs}`).join("\n")).digest("hex").slice(0, 12);
  // Kept offline: everything but the fonts browsers do not load when they read woff2.
  await bundleServiceWorker(siteDir, Object.keys(files).filter((file) => !/\.(ttf|woff)$/.test(file)), version);
  return { siteDir, index: path.join(siteDir, "index.html"), lessons: pages, files: siteFiles(siteDir) };
}
