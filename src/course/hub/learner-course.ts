/**
 * A learner's own copy of the course, in their home, as the hub sets it up before their server
 * starts:
 *
 *   ~/bnlab/notebooks/   the lessons, synced from the published course (course-sync.ts)
 *   ~/bnlab/src          a link to the shared, read-only compiled library, so `import … from
 *                        "../src"` in a notebook loads it (src/package.json → ../dist)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { syncCourse, timestamp, type SyncEntry } from "./course-sync";

/** The folder in each learner's home that holds their copy. */
export const LEARNER_COURSE_DIR = "bnlab";

export interface LearnerCourseOptions {
  /** The learner's home. */
  home: string;
  /** The published course notebooks. */
  course: string;
  /** The shared library folder (holds src/package.json, dist/, node_modules/). */
  library: string;
  now?: Date;
}

export interface LearnerCourseResult {
  notebooksDir: string;
  entries: SyncEntry[];
  /** Set when something of the learner's stood where the library link goes and was moved aside. */
  movedAside?: string;
}

export function prepareLearnerCourse(options: LearnerCourseOptions): LearnerCourseResult {
  const library = path.resolve(options.library);
  const librarySrc = path.join(library, "src");
  if (!fs.existsSync(path.join(librarySrc, "package.json"))) {
    throw new Error(`prepareLearnerCourse: the shared library ${library} has no src/package.json; npm run hub writes it at start (from the project's dist/)`);
  }
  const courseDir = path.join(path.resolve(options.home), LEARNER_COURSE_DIR);
  const notebooksDir = path.join(courseDir, "notebooks");
  const entries = syncCourse({ from: options.course, to: notebooksDir, ...(options.now ? { now: options.now } : {}) });

  const link = path.join(courseDir, "src");
  const current = fs.lstatSync(link, { throwIfNoEntry: false });
  let movedAside: string | undefined;
  if (current?.isSymbolicLink() && fs.readlinkSync(link) === librarySrc) return { notebooksDir, entries };
  if (current?.isSymbolicLink()) fs.rmSync(link);
  else if (current) {
    movedAside = `${link}${timestamp(options.now ?? new Date())}`;
    fs.renameSync(link, movedAside);
  }
  fs.symlinkSync(librarySrc, link, "dir");
  return { notebooksDir, entries, ...(movedAside ? { movedAside } : {}) };
}
