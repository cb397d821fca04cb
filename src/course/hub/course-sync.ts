/**
 * Brings a learner's copy of the course up to date with the published course, by nbgitpuller's
 * rules (https://nbgitpuller.readthedocs.io/en/latest/topic/automatic-merging.html), without git:
 *
 * - a file the learner never had is copied in;
 * - a file the learner deleted comes back;
 * - a file the learner did not edit is replaced by the course's new version;
 * - a file the learner edited is kept as it is: the learner's edits win;
 * - a learner's own file in the way of a new course file is renamed `name__YYYYMMDDhhmmss.ext`
 *   (UTC, nbgitpuller's format) and the course's file is put in its place;
 * - a file dropped from the course is removed if the learner did not edit it, else kept as theirs.
 *
 * "Edited" means its content differs from what was last delivered: for a notebook, its cells'
 * types and sources (outputs, execution counts and metadata do not count: running a notebook is
 * not editing it), for any other file (or a notebook that is not valid JSON) its bytes. What was
 * delivered is recorded per file in `.bnlab-sync.json` inside the learner's folder.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { cellsSha256 } from "../lesson/cells-hash";
import { listFiles } from "../homework/library-bundle";
import type { Cell } from "../notebook/nbformat";

const SYNC_STATE_FILE = ".bnlab-sync.json";

type SyncAction = "added" | "restored" | "updated" | "unchanged" | "kept-edited" | "renamed-local" | "removed" | "kept-removed-from-course";

export interface SyncEntry {
  /** Path relative to the learner's folder, with forward slashes. */
  file: string;
  action: SyncAction;
  /** For renamed-local: where the learner's file went (relative). */
  renamedTo?: string;
}

interface SyncOptions {
  /** The published course folder (read only). */
  from: string;
  /** The learner's copy (created if missing). */
  to: string;
  /** The time used in the name of a renamed file (default now). */
  now?: Date;
}

interface SyncState {
  format: 1;
  /** Relative path → fingerprint of the content last delivered to the learner. */
  delivered: Record<string, string>;
}

/** Syncs `from` into `to`; returns what happened to every file, sorted by path. */
export function syncCourse(options: SyncOptions): SyncEntry[] {
  const from = path.resolve(options.from);
  const to = path.resolve(options.to);
  if (!fs.statSync(from, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`syncCourse: the course folder ${from} does not exist; publish the course there first (npm run build writes notebooks/)`);
  fs.mkdirSync(to, { recursive: true });
  const state = readState(to);
  const course = courseFiles(from);
  const entries: SyncEntry[] = [];
  const now = options.now ?? new Date();

  for (const file of course) {
    const source = path.join(from, file);
    const target = path.join(to, file);
    const fresh = contentFingerprint(source);
    const base = state.delivered[file];
    const local = fs.lstatSync(target, { throwIfNoEntry: false });
    if (!local) {
      copyAtomically(source, target);
      entries.push({ file, action: base === undefined ? "added" : "restored" });
    } else if (local.isFile() && contentFingerprint(target) === fresh) {
      entries.push({ file, action: "unchanged" });
    } else if (local.isFile() && base !== undefined) {
      if (contentFingerprint(target) === base) {
        copyAtomically(source, target);
        entries.push({ file, action: "updated" });
      } else {
        entries.push({ file, action: "kept-edited" });
        continue; // the delivered fingerprint stays: the file is still "edited" against it
      }
    } else {
      // The learner's own file (or folder) has the name of a course file it never got: move it aside.
      const renamed = aside(target, now);
      copyAtomically(source, target);
      entries.push({ file, action: "renamed-local", renamedTo: path.relative(to, renamed).split(path.sep).join("/") });
    }
    state.delivered[file] = fresh;
  }

  const inCourse = new Set(course);
  for (const file of Object.keys(state.delivered).sort()) {
    if (inCourse.has(file)) continue;
    const target = path.join(to, file);
    const local = fs.lstatSync(target, { throwIfNoEntry: false });
    if (local?.isFile() && contentFingerprint(target) === state.delivered[file]) {
      fs.rmSync(target);
      entries.push({ file, action: "removed" });
    } else if (local) {
      entries.push({ file, action: "kept-removed-from-course" });
    }
    delete state.delivered[file];
  }

  writeState(to, state);
  return entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** What "edited" compares (see above). */
function contentFingerprint(file: string): string {
  const bytes = fs.readFileSync(file);
  if (file.endsWith(".ipynb")) {
    const cells = notebookCells(bytes.toString("utf8"));
    if (cells) return `cells:${cellsSha256(cells)}`;
  }
  return `bytes:${createHash("sha256").update(bytes).digest("hex")}`;
}

function notebookCells(text: string): Cell[] | null {
  try {
    const notebook = JSON.parse(text) as { cells?: unknown };
    return Array.isArray(notebook.cells) ? (notebook.cells as Cell[]) : null;
  } catch {
    return null;
  }
}

/** Every regular file under `dir` (relative, forward slashes, sorted), but for dotfiles and dot folders (.ipynb_checkpoints, .bnlab-sync.json, editor files). */
function courseFiles(dir: string): string[] {
  return listFiles(dir)
    .filter((file) => fs.lstatSync(file).isFile())
    .map((file) => path.relative(dir, file).split(path.sep).join("/"))
    .filter((rel) => !rel.split("/").some((part) => part.startsWith(".")))
    .sort();
}

/** nbgitpuller's suffix: `__%Y%m%d%H%M%S`, here in UTC. */
function timestamp(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `__${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
}

/** Renames `file` to `name__stamp.ext` (or `name__stamp-2.ext`, … if that is taken); returns the new path. */
export function aside(file: string, now: Date): string {
  const stamp = timestamp(now);
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = `${stem}${stamp}${n === 1 ? "" : `-${n}`}${ext}`;
    if (!fs.lstatSync(candidate, { throwIfNoEntry: false })) {
      fs.renameSync(file, candidate);
      return candidate;
    }
  }
}

/** Copies through a temporary file in the same folder, so a learner never sees half a notebook. */
function copyAtomically(source: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.bnlab-sync-${process.pid}`);
  fs.copyFileSync(source, temp);
  fs.renameSync(temp, target);
}

function readState(to: string): SyncState {
  const file = path.join(to, SYNC_STATE_FILE);
  if (!fs.existsSync(file)) return { format: 1, delivered: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`syncCourse: ${file} is not valid JSON (${(err as Error).message}); delete it and every file of the course counts as the learner's own (none is overwritten; new ones arrive renamed aside)`);
  }
  const delivered = (parsed as Partial<SyncState>)?.delivered;
  if ((parsed as Partial<SyncState>)?.format !== 1 || typeof delivered !== "object" || delivered === null) {
    throw new Error(`syncCourse: ${file} is not a bnlab sync record (expected {"format": 1, "delivered": {...}}); delete it to start over`);
  }
  return { format: 1, delivered: { ...delivered } };
}

function writeState(to: string, state: SyncState): void {
  const file = path.join(to, SYNC_STATE_FILE);
  const sorted = Object.fromEntries(Object.entries(state.delivered).sort(([a], [b]) => (a < b ? -1 : 1)));
  const temp = `${file}.${process.pid}`;
  fs.writeFileSync(temp, JSON.stringify({ format: 1, delivered: sorted }, null, 2) + "\n");
  fs.renameSync(temp, file);
}
