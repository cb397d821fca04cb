/**
 * npm run import -- notebooks/01-normalize.ipynb [...]   fold an edited notebook back into its lesson
 *     --force    overwrite a lesson that changed since an instructor notebook was built
 *     --stdout   print the lesson instead of writing it
 * npm run import -- --format [lessons/01-normalize.md ...]
 *     rewrite lessons in canonical form (default: every lesson), so notebooks round-trip exactly
 * Option: --root DIR (default: this project).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { formatLessonFile, importNotebook } from "../src/course/lesson";
import type { Notebook } from "../src/course/notebook/nbformat";

function main(argv: string[]): number {
  let root = path.resolve(__dirname, "..");
  let force = false;
  let toStdout = false;
  let format = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--force") force = true;
    else if (arg === "--stdout") toStdout = true;
    else if (arg === "--format") format = true;
    else if (arg === "--root") root = path.resolve(argv[++i] ?? ".");
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg} (see tools/import.ts)`);
    else files.push(path.resolve(arg));
  }
  const show = (file: string): string => path.relative(process.cwd(), file) || file;

  if (format) {
    const lessonsDir = path.join(root, "lessons");
    const targets =
      files.length > 0
        ? files
        : fs.existsSync(lessonsDir)
          ? fs.readdirSync(lessonsDir).filter((n) => /^\d{2}-.*\.md$/.test(n)).sort().map((n) => path.join(lessonsDir, n))
          : [];
    for (const file of targets) console.log(`${formatLessonFile(file, show(file)) ? "formatted" : "canonical"} ${show(file)}`);
    return 0;
  }
  if (files.length === 0) throw new Error("usage: npm run import -- notebooks/NN-slug.ipynb [--force] [--stdout]");
  for (const file of files) {
    const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
    const peek = (notebook.metadata?.bnlab ?? {}) as { source?: unknown };
    const lessonPath = typeof peek.source === "string" ? path.resolve(root, peek.source) : null;
    const lessonSource = lessonPath !== null && fs.existsSync(lessonPath) ? fs.readFileSync(lessonPath, "utf8") : null;
    const result = importNotebook(notebook, { root, lessonSource, force, notebookName: show(file) });
    if (toStdout) process.stdout.write(result.text);
    else if (!result.changed) console.log(`${show(result.lessonFile)}: already matches ${show(file)}`);
    else {
      fs.mkdirSync(path.dirname(result.lessonFile), { recursive: true });
      fs.writeFileSync(result.lessonFile, result.text);
      console.log(`${show(result.lessonFile)}: updated from ${show(file)}; now run npm run build`);
    }
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
