/**
 * A learner's own copy of the course, in their home, as the hub sets it up before their server
 * starts:
 *
 *   ~/bnlab/notebooks/   the lessons, synced from the published course (course-sync.ts)
 *   ~/bnlab/src, dist    links to the shared, read-only compiled library, so `import … from "../src"`
 *                        in a notebook loads it: Node follows src/package.json → ../dist from the
 *                        link's target, TypeScript (tslab) from the link itself, so both are linked
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { aside, syncCourse, type SyncEntry } from "./course-sync";

/** The folder in each learner's home that holds their copy. */
export const LEARNER_COURSE_DIR = "bnlab";

interface LearnerCourseOptions {
  /** The learner's home. */
  home: string;
  /** The published course notebooks. */
  course: string;
  /** The shared library folder (holds src/package.json, dist/, node_modules/). */
  library: string;
  now?: Date;
}

interface LearnerCourseResult {
  notebooksDir: string;
  entries: SyncEntry[];
  /** Set when something of the learner's stood where a library link goes and was moved aside. */
  movedAside?: string;
}

export function prepareLearnerCourse(options: LearnerCourseOptions): LearnerCourseResult {
  const library = path.resolve(options.library);
  if (!fs.existsSync(path.join(library, "src", "package.json")) || !fs.existsSync(path.join(library, "dist"))) {
    throw new Error(`prepareLearnerCourse: the shared library ${library} has no src/package.json or dist/; npm run hub writes it at start (from the project's dist/)`);
  }
  const courseDir = path.join(path.resolve(options.home), LEARNER_COURSE_DIR);
  const notebooksDir = path.join(courseDir, "notebooks");
  const entries = syncCourse({ from: options.course, to: notebooksDir, ...(options.now ? { now: options.now } : {}) });

  let movedAside: string | undefined;
  // node_modules too: the notebooks' charts load plotly.min.js from it through the learner's own server
  for (const name of ["src", "dist", "node_modules"]) {
    const moved = linkInto(path.join(courseDir, name), path.join(library, name), options.now ?? new Date());
    movedAside ??= moved;
  }
  return { notebooksDir, entries, ...(movedAside ? { movedAside } : {}) };
}

/** Makes `link` a symbolic link to `target`; something else in its place is renamed aside (returned). */
function linkInto(link: string, target: string, now: Date): string | undefined {
  const current = fs.lstatSync(link, { throwIfNoEntry: false });
  if (current?.isSymbolicLink() && fs.readlinkSync(link) === target) return undefined;
  let movedAside: string | undefined;
  if (current?.isSymbolicLink()) fs.rmSync(link);
  else if (current) movedAside = aside(link, now);
  fs.symlinkSync(target, link, "dir");
  return movedAside;
}
