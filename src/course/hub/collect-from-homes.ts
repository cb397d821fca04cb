/**
 * `npm run collect`: each learner's notebooks of an assignment, from their homes on the hub
 * (`<homes>/<learner>/bnlab/notebooks/<lesson>.ipynb`), into the layout the grader reads
 * (`<out>/<learner>/<lesson>.ipynb`, see docs/homework.md).
 *
 * Only regular files are copied: a notebook that is a symbolic link (to another learner's file, or
 * to anything else) is refused and reported, as is one larger than 50 MB. Every learner gets a
 * folder, empty if they have none of the notebooks, so that grading with the release manifest gives
 * them `missing` rows. The output folder must be empty or missing (or `replace` is set).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { resolveLessonFile } from "../homework/lesson-source";
import { lessonName } from "../lesson/lesson-name";
import { LEARNER_COURSE_DIR } from "./learner-course";

/** The largest notebook copied. */
const MAX_BYTES = 50 * 1024 * 1024;

interface CollectOptions {
  homesDir: string;
  outDir: string;
  /** Lesson names (`03-running-averages`), numbers (`03`) or notebook names. */
  lessons: string[];
  /** Where the lesson sources are, to resolve numbers (default: the lesson names must be full). */
  lessonsDir?: string;
  /** Delete a non-empty output folder first (default: refuse it). */
  replace?: boolean;
}

interface CollectReport {
  lessons: string[];
  /** learner → lessons collected. */
  collected: Map<string, string[]>;
  /** learner → lessons they have no notebook for. */
  missing: Map<string, string[]>;
  /** Files refused, with why. */
  refused: string[];
}

/** `03` → `03-running-averages` (from the lessons folder); without one, only full names (`03-running-averages`). */
function resolveLessons(specs: string[], lessonsDir?: string): string[] {
  if (specs.length === 0) throw new Error("collect: name the assignment's lessons (e.g. 03 04, or 03-running-averages), or give --manifest");
  const resolve = (spec: string): string => {
    if (lessonsDir) return lessonName(resolveLessonFile(lessonsDir, spec));
    const key = path.basename(spec).replace(/\.(md|ipynb)$/, "");
    if (!/^\d{2}-[\w-]+$/.test(key)) throw new Error(`collect: "${spec}" is not a full lesson name (NN-name) and no lessons folder was given`);
    return key;
  };
  return [...new Set(specs.map(resolve))];
}

export function collectFromHomes(options: CollectOptions): CollectReport {
  const homesDir = path.resolve(options.homesDir);
  const outDir = path.resolve(options.outDir);
  const lessons = resolveLessons(options.lessons, options.lessonsDir);
  if (!fs.statSync(homesDir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`collect: no homes folder ${homesDir} (npm run hub keeps learners' homes in build/hub/homes; give --homes)`);
  if (outDir === homesDir || outDir.startsWith(homesDir + path.sep)) throw new Error(`collect: the output ${outDir} must not be inside the learners' homes`);
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    if (!options.replace) throw new Error(`collect: ${outDir} is not empty; choose another --out, or --replace to delete it first`);
    fs.rmSync(outDir, { recursive: true });
  }
  fs.mkdirSync(outDir, { recursive: true });

  const report: CollectReport = { lessons, collected: new Map(), missing: new Map(), refused: [] };
  const learners = fs
    .readdirSync(homesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  for (const learner of learners) {
    const notebooks = path.join(homesDir, learner, LEARNER_COURSE_DIR, "notebooks");
    const got: string[] = [];
    const lacking: string[] = [];
    fs.mkdirSync(path.join(outDir, learner), { recursive: true });
    for (const lesson of lessons) {
      const file = path.join(notebooks, `${lesson}.ipynb`);
      const stat = fs.lstatSync(file, { throwIfNoEntry: false });
      const where = `${learner}/${LEARNER_COURSE_DIR}/notebooks/${lesson}.ipynb`;
      if (!stat) lacking.push(lesson);
      else if (!stat.isFile()) report.refused.push(`${where}: not a regular file (${stat.isSymbolicLink() ? "a symbolic link" : "a folder or device"}); not collected`);
      else if (stat.size > MAX_BYTES) report.refused.push(`${where}: ${stat.size} bytes, over the ${MAX_BYTES}-byte limit; not collected`);
      else {
        fs.copyFileSync(file, path.join(outDir, learner, `${lesson}.ipynb`), fs.constants.COPYFILE_EXCL);
        got.push(lesson);
      }
    }
    if (got.length > 0) report.collected.set(learner, got);
    if (lacking.length > 0) report.missing.set(learner, lacking);
  }
  return report;
}
