/**
 * `npm run build`: every `lessons/NN-slug.md` → `<outDir>/NN-slug.ipynb`.
 *
 * The build first plans (parse every lesson, look at what is on disk), then acts. It never
 * overwrites or removes a notebook whose cell sources were edited after generation unless
 * `force` is set, and then it backs the notebook up to `<outDir>/.backup/` first.
 * With `check`, it only plans and reports what is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { serializeNotebook } from "../notebook/nbformat";
import type { BnlabNotebookMetadata, Variant } from "./bnlab-metadata";
import { checkCanonical } from "./canonical";
import { inspectNotebook, type ExistingNotebook } from "./existing-notebook";
import { NOTEBOOKS_DIR } from "./import-paths";
import { LESSON_FILE } from "./lesson-name";
import { parseLesson } from "./parse-lesson";
import { renderNotebook } from "./render-notebook";

export interface BuildOptions {
  /** Project root (`<root>/src` is the library). */
  root: string;
  /** Default `<root>/lessons`. */
  lessonsDir?: string;
  /** Default `<root>/notebooks`. Instructor notebooks must go elsewhere. */
  outDir?: string;
  /** Default "student". */
  variant?: Variant;
  /** Back up and replace edited notebooks instead of refusing. */
  force?: boolean;
  /** Report stale notebooks; write nothing. */
  check?: boolean;
  /** Clock for backup names (tests). */
  now?: () => Date;
}

export type BuildAction = "unchanged" | "create" | "update" | "remove" | "refuse";

export interface BuildEntry {
  /** Absolute path of the notebook. */
  notebook: string;
  /** Absolute path of its lesson (null for an extra notebook whose lesson is gone). */
  lesson: string | null;
  action: BuildAction;
  /** Why, in words (e.g. "missing", "outdated: lessons/01-x.md changed", "edited after generation"). */
  reason: string;
  /** Where the edited notebook was saved before being replaced (force only). */
  backup?: string;
}

export interface BuildResult {
  /** Build: nothing was refused. Check: nothing is stale. */
  ok: boolean;
  entries: BuildEntry[];
  /** Problems that do not stop the build (e.g. a lesson that is not in canonical form). */
  warnings: string[];
}

interface PlannedWrite {
  entry: BuildEntry;
  text?: string;
  /** The notebook on disk must be backed up first (force over an edited notebook). */
  backUp: boolean;
}

export function buildLessons(options: BuildOptions): BuildResult {
  const root = path.resolve(options.root);
  const lessonsDir = path.resolve(root, options.lessonsDir ?? "lessons");
  const outDir = path.resolve(root, options.outDir ?? NOTEBOOKS_DIR);
  const variant = options.variant ?? "student";
  const force = options.force === true;
  if (variant === "instructor" && outDir === path.join(root, NOTEBOOKS_DIR)) {
    throw new Error(`instructor notebooks (with solutions) must not go into ${NOTEBOOKS_DIR}/; choose another folder with --out`);
  }
  const relative = (file: string): string => path.relative(root, file) || ".";
  const warnings: string[] = [];
  const plans: PlannedWrite[] = [];

  const lessonFiles = listLessons(lessonsDir, warnings, relative);
  const expectedNames = new Set<string>();
  for (const lessonFile of lessonFiles) {
    const sourceText = fs.readFileSync(lessonFile, "utf8");
    const lesson = parseLesson(sourceText, relative(lessonFile));
    const canonical = checkCanonical(sourceText, relative(lessonFile));
    if (!canonical.canonical) {
      warnings.push(
        `${relative(lessonFile)}:${canonical.firstDifference}: not in canonical form, so importing its notebook would ` +
          `reformat it; run: npm run import -- --format ${relative(lessonFile)}`,
      );
    }
    const notebook = renderNotebook(lesson, { variant, root, sourceFile: lessonFile, sourceText, outDir });
    const text = serializeNotebook(notebook);
    const file = path.join(outDir, `${lesson.name}.ipynb`);
    expectedNames.add(path.basename(file));
    const existing = inspectNotebook(file, { text, cellsSha256: notebook.metadata.bnlab.cells_sha256 });
    plans.push(planWrite(file, lessonFile, text, notebook.metadata.bnlab, existing, force, relative));
  }
  for (const file of listNotebooks(outDir)) {
    if (expectedNames.has(path.basename(file))) continue;
    const existing = inspectNotebook(file, null);
    if (existing.kind !== "generated") continue; // not ours: leave it alone
    plans.push(planRemoval(file, existing.edited, force, relative));
  }

  const entries = plans.map((plan) => plan.entry);
  if (options.check) {
    return { ok: entries.every((entry) => entry.action === "unchanged"), entries, warnings };
  }
  const now = options.now ?? (() => new Date());
  for (const plan of plans) apply(plan, outDir, now);
  return { ok: entries.every((entry) => entry.action !== "refuse"), entries, warnings };
}

function listLessons(lessonsDir: string, warnings: string[], relative: (f: string) => string): string[] {
  if (!fs.existsSync(lessonsDir)) return [];
  const files = fs.readdirSync(lessonsDir).filter((name) => name.endsWith(".md")).sort();
  for (const name of files) {
    if (!LESSON_FILE.test(name) && name.toLowerCase() !== "readme.md") {
      warnings.push(`${relative(path.join(lessonsDir, name))}: skipped; lesson files are named NN-slug.md`);
    }
  }
  return files.filter((name) => LESSON_FILE.test(name)).map((name) => path.join(lessonsDir, name));
}

function listNotebooks(outDir: string): string[] {
  if (!fs.existsSync(outDir)) return [];
  return fs
    .readdirSync(outDir)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => path.join(outDir, name));
}

function planWrite(
  file: string,
  lesson: string,
  text: string,
  generated: BnlabNotebookMetadata,
  existing: ExistingNotebook,
  force: boolean,
  relative: (f: string) => string,
): PlannedWrite {
  const entry = (action: BuildAction, reason: string): BuildEntry => ({ notebook: file, lesson, action, reason });
  switch (existing.kind) {
    case "missing":
      return { entry: entry("create", "missing"), text, backUp: false };
    case "identical":
      return { entry: entry("unchanged", "up to date"), backUp: false };
    case "generated":
      if (!existing.edited) {
        const old = existing.metadata;
        const reason =
          old.source_sha256 !== generated.source_sha256
            ? `outdated: ${relative(lesson)} changed`
            : old.variant !== generated.variant || old.dir !== generated.dir || old.source !== generated.source
              ? `generated as another variant or from another place (${old.variant}, ${old.source})`
              : "has outputs, or metadata a fresh build does not write";
        return { entry: entry("update", reason), text, backUp: false };
      }
      return force
        ? { entry: entry("update", "edited after generation; replaced (--force)"), text, backUp: true }
        : { entry: entry("refuse", refusal(file, relative, "its cell sources were edited after it was generated")), backUp: false };
    case "foreign":
      return force
        ? { entry: entry("update", `${existing.reason}; replaced (--force)`), text, backUp: true }
        : { entry: entry("refuse", refusal(file, relative, existing.reason)), backUp: false };
  }
}

function planRemoval(file: string, edited: boolean, force: boolean, relative: (f: string) => string): PlannedWrite {
  const entry = (action: BuildAction, reason: string): BuildEntry => ({ notebook: file, lesson: null, action, reason });
  if (!edited) return { entry: entry("remove", "extra: generated from a lesson that no longer exists"), backUp: false };
  return force
    ? { entry: entry("remove", "extra and edited; removed (--force)"), backUp: true }
    : { entry: entry("refuse", refusal(file, relative, "its lesson no longer exists and its cells were edited")), backUp: false };
}

function refusal(file: string, relative: (f: string) => string, why: string): string {
  const name = relative(file);
  return (
    `refusing to overwrite ${name}: ${why}. ` +
    `To keep the edits, fold them into the lesson with \`npm run import -- ${name}\` (or copy the notebook elsewhere); ` +
    `to discard them, run the build with --force, which first saves a copy under ${relative(path.join(path.dirname(file), ".backup"))}/.`
  );
}

function apply(plan: PlannedWrite, outDir: string, now: () => Date): void {
  const { entry } = plan;
  if (plan.backUp) entry.backup = backUp(entry.notebook, outDir, now());
  if (entry.action === "create" || entry.action === "update") {
    fs.mkdirSync(path.dirname(entry.notebook), { recursive: true });
    const temporary = `${entry.notebook}.tmp-${process.pid}`;
    fs.writeFileSync(temporary, plan.text ?? "");
    fs.renameSync(temporary, entry.notebook);
  } else if (entry.action === "remove") {
    fs.rmSync(entry.notebook);
  }
}

/** Copy `file` to `<outDir>/.backup/<name>.<timestamp>.ipynb` (a folder that git-ignores itself). */
function backUp(file: string, outDir: string, time: Date): string {
  const dir = path.join(outDir, ".backup");
  fs.mkdirSync(dir, { recursive: true });
  const ignore = path.join(dir, ".gitignore");
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, "# Backups made by npm run build --force\n*\n");
  const stamp = time.toISOString().replace(/[:.]/g, "-");
  const base = path.basename(file, ".ipynb");
  let target = path.join(dir, `${base}.${stamp}.ipynb`);
  for (let n = 2; fs.existsSync(target); n++) target = path.join(dir, `${base}.${stamp}-${n}.ipynb`);
  fs.copyFileSync(file, target, fs.constants.COPYFILE_EXCL);
  return target;
}
