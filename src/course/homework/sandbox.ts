/**
 * Where a submission runs: a fresh folder of its own, shaped like the project so the notebook's
 * `import … from "../src"` resolves (`notebooks/` is the kernel's working directory, `src/package.json`
 * points at `dist/`, a link to the project's compiled library). HOME and TMPDIR point inside it.
 *
 * The graded notebook is never written here (nor anywhere): the kernel receives its cells as
 * messages, so learner code finds no hidden test on disk. A guard cell, run before any learner
 * code, makes Node's fs refuse writes outside the folder and records the attempts; a memory
 * watchdog kills a kernel whose resident memory passes the limit (V8's heap flag alone does not
 * cover typed arrays and buffers).
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface Sandbox {
  root: string;
  /** The kernel's working directory (`<root>/notebooks`). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function createSandbox(parent: string, name: string, projectRoot: string, dist = path.join(projectRoot, "dist")): Sandbox {
  fs.mkdirSync(parent, { recursive: true });
  const root = fs.mkdtempSync(path.join(parent, `${name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-`));
  const cwd = path.join(root, "notebooks");
  for (const dir of ["notebooks", "src", "home", "tmp"]) fs.mkdirSync(path.join(root, dir));
  fs.copyFileSync(path.join(projectRoot, "src", "package.json"), path.join(root, "src", "package.json"));
  fs.symlinkSync(dist, path.join(root, "dist"), "dir");
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: path.join(root, "home"), TMPDIR: path.join(root, "tmp"), TMP: path.join(root, "tmp"), TEMP: path.join(root, "tmp") };
  for (const key of Object.keys(env)) if (/^(npm_|BNLAB_GRADE|VITEST|INIT_CWD)/i.test(key)) delete env[key];
  return { root, cwd, env, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** The key under which the guard keeps the write attempts it refused (on globalThis). */
const WRITE_ATTEMPTS_KEY = "bnlab.grader.writes";
export const GRADER_MARKER = "BNLAB_GRADER";

/**
 * TypeScript for the first cell: wraps every writing function of `fs` and `fs.promises` so that a
 * path outside `allowedRoot` throws EACCES (and is recorded). Names avoid a leading `__` (tslab
 * renames those).
 */
export function guardCell(allowedRoot: string): string {
  const real = fs.realpathSync(allowedRoot);
  return `{
  const bnlabFs = require("fs");
  const bnlabPath = require("path");
  const bnlabUrl = require("url");
  const bnlabRoots: string[] = ${JSON.stringify([...new Set([allowedRoot, real])])};
  const bnlabAttempts: string[] = [];
  (globalThis as any)[Symbol.for(${JSON.stringify(WRITE_ATTEMPTS_KEY)})] = bnlabAttempts;
  const bnlabInside = (p: unknown): boolean => {
    if (typeof p === "number") return true; // a file descriptor: checked when it was opened
    let s = p instanceof URL ? bnlabUrl.fileURLToPath(p) : Buffer.isBuffer(p) ? p.toString() : String(p);
    const r = bnlabPath.resolve(s);
    return bnlabRoots.some((root) => r === root || r.startsWith(root + bnlabPath.sep));
  };
  const bnlabWrap = (target: any, name: string, pathArgs: number[], onlyIf?: (args: any[]) => boolean) => {
    const original = target[name];
    if (typeof original !== "function") return;
    target[name] = function (this: unknown, ...args: any[]) {
      if (!onlyIf || onlyIf(args)) {
        for (const i of pathArgs) {
          if (args[i] !== undefined && !bnlabInside(args[i])) {
            const where = String(args[i]);
            bnlabAttempts.push(name + " " + where);
            const error: any = new Error("EACCES: the grader does not allow writing outside the submission folder: " + where);
            error.code = "EACCES";
            throw error;
          }
        }
      }
      return original.apply(this, args);
    };
  };
  const writing = (args: any[]) => { const f = args[1]; return f !== undefined && f !== "r" && f !== "rs" && f !== 0 && !(typeof f === "object" && f !== null && (f.flags ?? "r") === "r"); };
  for (const target of [bnlabFs, bnlabFs.promises]) {
    for (const name of ["writeFile", "writeFileSync", "appendFile", "appendFileSync", "mkdir", "mkdirSync", "mkdtemp", "mkdtempSync", "rm", "rmSync", "rmdir", "rmdirSync", "unlink", "unlinkSync", "truncate", "truncateSync", "chmod", "chmodSync", "chown", "chownSync", "utimes", "utimesSync", "lchown", "lchownSync", "lutimes", "lutimesSync", "createWriteStream"]) bnlabWrap(target, name, [0]);
    for (const name of ["rename", "renameSync", "copyFile", "copyFileSync", "cp", "cpSync", "link", "linkSync", "symlink", "symlinkSync"]) bnlabWrap(target, name, [0, 1]);
    for (const name of ["open", "openSync"]) bnlabWrap(target, name, [0], writing);
  }
}`;
}

/** The last cell: prints what the guard refused, for the grader. */
export function reportCell(): string {
  return `console.log(${JSON.stringify(GRADER_MARKER + " ")} + JSON.stringify({ writes: (globalThis as any)[Symbol.for(${JSON.stringify(WRITE_ATTEMPTS_KEY)})] ?? null }));`;
}

/** Resident memory of a process and its descendants, in MB (Linux /proc; null elsewhere). */
function residentMb(pid: number): number | null {
  try {
    let kb = 0;
    const pids = [pid, ...descendants(pid)];
    for (const p of pids) {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      const match = /VmRSS:\s+(\d+)/.exec(status);
      if (match) kb += Number(match[1]);
    }
    return kb / 1024;
  } catch {
    return null;
  }
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const child of children ? children.split(/\s+/).map(Number) : []) out.push(child, ...descendants(child));
    }
  } catch {
    // gone, or no /proc
  }
  return out;
}

/** Polls a process's resident memory (plus `extraMb`) every 200 ms; calls `onExceeded` once when it passes `limitMb`. */
export function watchMemory(pid: number, limitMb: number, onExceeded: (mb: number) => void, extraMb?: () => number): () => void {
  let fired = false;
  const timer = setInterval(() => {
    const resident = residentMb(pid);
    const mb = resident === null ? null : resident + (extraMb ? extraMb() : 0);
    if (!fired && mb !== null && mb > limitMb) {
      fired = true;
      onExceeded(mb);
    }
  }, 200);
  timer.unref();
  return () => clearInterval(timer);
}
