/**
 * npm run export [-- --answers | --live] [--out DIR] [--lessons 01,02] [--lessons-dir DIR] [--timeout-cell S]
 * --live writes the LIVE site (site-live/): the student notebooks with every cell editable and
 * runnable in the browser (nothing is executed at export time); serve it with npm run serve:site.
 * Executes the notebooks and writes a static site (index + one page per lesson) that opens from
 * file:// with no network: by default the STUDENT site in site/ (no solutions, hidden tests or
 * instructor notes); with --answers the answer key (instructor notebooks) in site-answers/.
 * Exits 1, naming the cells, if any cell failed (the pages are written anyway, showing the errors).
 */
import * as path from "node:path";
import { exportSite } from "../src/course/export";
import { exportLiveSite } from "../src/course/live/export-live-site";
import { formatCellError } from "../src/course/jupyter/cell-error";

const USAGE = "usage: npm run export [-- --answers | --live] [--out DIR] [--lessons 01,02] [--lessons-dir DIR] [--timeout-cell SECONDS]";

async function main(argv: string[]): Promise<number> {
  const root = path.resolve(__dirname, "..");
  let outDir: string | undefined;
  let variant: "student" | "instructor" = "student";
  let live = false;
  let lessonsDir: string | undefined;
  let lessons: string[] | undefined;
  let cellTimeoutMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--answers") variant = "instructor";
    else if (flag === "--live") live = true;
    else if (flag === "--out") outDir = path.resolve(value());
    else if (flag === "--lessons") lessons = value().split(",").map((s) => s.trim()).filter(Boolean);
    else if (flag === "--lessons-dir") lessonsDir = path.resolve(value());
    else if (flag === "--timeout-cell") {
      const seconds = Number(value());
      if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--timeout-cell: expected a positive number of seconds\n${USAGE}`);
      cellTimeoutMs = Math.round(seconds * 1000);
    }
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  const started = Date.now();
  if (live) {
    if (variant !== "student" || cellTimeoutMs !== undefined) throw new Error(`--live exports the student notebooks unexecuted: it takes no --answers or --timeout-cell\n${USAGE}`);
    const site = await exportLiveSite({ root, outDir, lessonsDir, lessons, log: (line) => console.log(line) });
    const bytes = Object.values(site.files).reduce((a, b) => a + b, 0);
    console.log(`live site: ${path.relative(process.cwd(), site.index)} (${site.lessons.length} lessons, ${(bytes / 1e6).toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s); serve it with npm run serve:site`);
    return 0;
  }
  outDir ??= path.join(root, variant === "student" ? "site" : "site-answers");
  console.log(variant === "student" ? "exporting the student site (no solutions; --answers for the answer key)" : "exporting the ANSWER KEY (solutions, hidden tests, instructor notes): do not publish it to learners");
  const result = await exportSite({ root, outDir, lessonsDir, lessons, cellTimeoutMs, variant, log: (line) => console.log(line) });
  const show = (file: string): string => path.relative(process.cwd(), file) || file;
  for (const lesson of result.lessons) for (const error of lesson.errors) console.error(formatCellError(error, lesson.lesson.name));
  console.log(`${variant === "student" ? "student site" : "answer key"}: ${show(result.index)} (${result.lessons.length} lessons, ${((Date.now() - started) / 1000).toFixed(1)} s); open it in a browser, no server needed`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
