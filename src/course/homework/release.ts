/**
 * `npm run assign`: a release folder a learner can open and run.
 *
 *     <out>/README.md           how to open it (for the learner)
 *     <out>/manifest.json       lessons, exercises, points, lesson source hashes
 *     <out>/notebooks/NN-x.ipynb  student notebooks: stubs instead of solutions, no hidden tests,
 *                               no instructor cells (imports stay "../src")
 *     <out>/src/package.json    → ../dist (the compiled library), as in the project
 *     <out>/dist/, node_modules/  the library and the packages it loads at run time
 *     <out>/launcher/           the course's kernel launcher (scripts/launcher), which start.js registers
 *
 * Before anything is written, every notebook is checked for leaks: no solution line, no hidden
 * test line and no instructor text of the lesson may appear in it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { toPosix } from "../lesson/import-paths";
import { isInstructorOnly } from "../lesson/model";
import { renderNotebook } from "../lesson/render-notebook";
import { findSolutionRegions, stubSolutions } from "../lesson/solution-regions";
import { joinSource, serializeNotebook, type Notebook } from "../notebook/nbformat";
import { copyLibrary } from "./library-bundle";
import { RELEASE_LAUNCHER_DIR, RELEASE_START_FILE, releaseStartScript } from "./release-start";
import { loadLessonSource, resolveLessonFile, type LessonSource } from "./lesson-source";
import { MANIFEST_FILE, makeManifest, manifestLesson, type Manifest } from "./manifest";

export interface ReleaseOptions {
  root: string;
  /** Default `<root>/lessons`. */
  lessonsDir?: string;
  /** What to assign: lesson names, numbers or files. */
  lessons: string[];
  outDir: string;
}

export interface ReleaseResult {
  outDir: string;
  manifest: Manifest;
  notebooks: string[];
  packages: string[];
}

/** The kernel a learner gets from `tslab install` (the project's own kernelspec is bnlab-tslab). */
const RELEASE_KERNELSPEC = { name: "tslab", display_name: "TypeScript", language: "typescript" };

export function releaseLessons(options: ReleaseOptions): ReleaseResult {
  const root = path.resolve(options.root);
  const lessonsDir = path.resolve(root, options.lessonsDir ?? "lessons");
  const outDir = path.resolve(options.outDir);
  if (options.lessons.length === 0) throw new Error("name at least one lesson to assign");
  const inside = (dir: string): boolean => outDir === dir || outDir.startsWith(dir + path.sep);
  if (outDir === root || [path.join(root, "notebooks"), path.join(root, "src"), lessonsDir].some(inside)) {
    throw new Error(`refusing to write a release into ${outDir}: choose a folder of its own`);
  }
  prepareOutDir(outDir);

  const sources = [...new Set(options.lessons.map((spec) => resolveLessonFile(lessonsDir, spec)))].map(loadLessonSource);
  const notebooks: { file: string; text: string }[] = [];
  const lessons = sources.map((source) => {
    const notebook = renderNotebook(source.lesson, {
      variant: "student",
      root,
      sourceFile: source.file,
      sourceText: source.text,
      outDir: path.join(root, "notebooks"), // the release has the project's shape: notebooks/ next to src/
    });
    notebook.metadata.kernelspec = { ...RELEASE_KERNELSPEC };
    assertNoLeaks(notebook, source);
    const relative = `notebooks/${source.lesson.name}.ipynb`;
    notebooks.push({ file: path.join(outDir, relative), text: serializeNotebook(notebook) });
    return manifestLesson(source, relative, toPosix(path.relative(root, source.file)));
  });
  const manifest = makeManifest(lessons);

  for (const { file, text } of notebooks) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  const { packages } = copyLibrary(root, outDir);
  fs.writeFileSync(path.join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  fs.writeFileSync(path.join(outDir, "package.json"), releasePackageJson(root, packages));
  fs.writeFileSync(path.join(outDir, RELEASE_START_FILE), releaseStartScript(), { mode: 0o755 });
  fs.cpSync(path.join(root, "scripts", "launcher"), path.join(outDir, RELEASE_LAUNCHER_DIR), { recursive: true });
  fs.writeFileSync(path.join(outDir, "README.md"), learnerReadme(manifest));
  return { outDir, manifest, notebooks: notebooks.map((n) => n.file), packages };
}

/** An empty folder, or a previous release (replaced); anything else is refused. */
function prepareOutDir(outDir: string): void {
  if (!fs.existsSync(outDir)) {
    fs.mkdirSync(outDir, { recursive: true });
    return;
  }
  const entries = fs.readdirSync(outDir);
  if (entries.length === 0) return;
  if (!entries.includes(MANIFEST_FILE)) throw new Error(`${outDir} is not empty and holds no ${MANIFEST_FILE}: refusing to replace it`);
  for (const entry of entries) fs.rmSync(path.join(outDir, entry), { recursive: true, force: true });
}

/**
 * Lines only the instructor may see: solution regions, hidden tests, instructor code and notes.
 * Short lines (`}`, `return x;`) and lines that the student notebook legitimately has elsewhere
 * cannot tell anything away and are not looked for.
 */
export function secretLines(source: LessonSource): string[] {
  const publicText = source.lesson.cells
    .filter((cell) => !isInstructorOnly(cell))
    .map((cell) => (cell.type === "code" && cell.role.kind === "exercise" ? stubSolutions(cell.source, cell.role.name, cell.role.exercise) : cell.source))
    .join("\n");
  const secrets = new Set<string>();
  const add = (line: string): void => {
    const trimmed = line.trim();
    if (trimmed.length >= 12 && !/^\/\/ (BEGIN|END) SOLUTION$/.test(trimmed) && !publicText.includes(trimmed)) secrets.add(trimmed);
  };
  for (const cell of source.lesson.cells) {
    if (isInstructorOnly(cell)) cell.source.split("\n").forEach(add);
    else if (cell.type === "code" && cell.role.kind === "exercise") {
      const lines = cell.source.split("\n");
      for (const region of findSolutionRegions(cell.source)) lines.slice(region.begin + 1, region.end).forEach(add);
    }
  }
  return [...secrets];
}

function assertNoLeaks(notebook: Notebook, source: LessonSource): void {
  const text = notebook.cells.map((cell) => joinSource(cell.source)).join("\n");
  const solutionMarker = /\/\/ (BEGIN|END) SOLUTION/.exec(text);
  const leaked = secretLines(source).filter((line) => text.includes(line));
  if (solutionMarker || leaked.length > 0) {
    throw new Error(`${source.lesson.name}: the student notebook would contain instructor-only text: ${solutionMarker?.[0] ?? JSON.stringify(leaked[0])}`);
  }
}

function releasePackageJson(root: string, packages: string[]): string {
  const project = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; version?: string };
  const dependencies: Record<string, string> = {};
  for (const name of packages) if (project.dependencies?.[name]) dependencies[name] = project.dependencies[name];
  // the release's own kernel: npm install puts it in this folder, nothing global
  dependencies.tslab = project.dependencies?.tslab ?? project.devDependencies?.tslab ?? "^1.0.22";
  return (
    JSON.stringify(
      {
        name: "bnlab-homework",
        version: project.version ?? "0.0.0",
        private: true,
        description: "bnlab homework: npm install, then npm start opens notebooks/ with this folder's TypeScript kernel",
        scripts: { start: `node ${RELEASE_START_FILE}` },
        dependencies,
      },
      null,
      2,
    ) + "\n"
  );
}

function learnerReadme(manifest: Manifest): string {
  const lines = [
    "# bnlab homework",
    "",
    "Notebooks to complete, in `notebooks/`:",
    "",
    ...manifest.lessons.map((lesson) => {
      const exercises = lesson.exercises.map((e) => `${e.id} \`${e.name}\` (${e.points} pt)`).join(", ");
      return `- \`${lesson.notebook}\` — ${lesson.title}: ${exercises}`;
    }),
    "",
    "## Open them",
    "",
    "You need Node.js 20 or newer and Python 3 (for Jupyter). In this folder:",
    "",
    "```",
    "npm install",
    "npm start",
    "```",
    "",
    "`npm install` puts this folder's own TypeScript kernel (tslab) into `node_modules/`; `npm start`",
    "registers it in `.jupyter/` here (nothing global is touched) and opens `notebooks/` in JupyterLab",
    "(installed into `.venv` here the first time if you have none), or in the classic Jupyter Notebook.",
    "The library the notebooks import (`../src`) is in this folder (`src/`, `dist/`, `node_modules/`).",
    "",
    "## What is graded",
    "",
    "Write your code in the exercise cells, where each `throw new Error(\"TODO: …\")` stands. Put any",
    "helper you need inside the exercise cell: only exercise cells are taken from your notebook.",
    "Run the check cell under each exercise: it says at once whether your function is right, and if not",
    "which mistake it looks like. The grader runs the same checks and a few more. Keep the notebook's",
    "file name; do not split or merge exercise cells.",
    "",
  ];
  return lines.join("\n");
}
