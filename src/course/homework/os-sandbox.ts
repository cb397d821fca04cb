/**
 * The operating-system sandbox a submission's kernel runs in (bubblewrap, Debian's `bubblewrap`).
 *
 * Inside, the kernel sees only:
 *
 *     /usr (and the /bin, /lib, /lib64 links), /etc/ld.so.cache     read-only: node and its libraries
 *     /bnlab/dist, /bnlab/src/package.json, /bnlab/node_modules      read-only: the library as released
 *     /bnlab/notebooks (its working directory), /tmp                 private size-limited tmpfs
 *     /run/bnlab                                                    its ZeroMQ ipc:// sockets (a host folder
 *                                                                   of this submission only)
 *
 * and runs in new mount, PID, network, IPC, UTS and user namespaces (`--unshare-all`): no network at
 * all (not even the host's 127.0.0.1), no other process (its own PID namespace; when its grading
 * ends, the namespace and everything started in it is gone), an empty environment, a new session
 * (no terminal to inject into). When the grader runs as root, the kernel runs as an unprivileged
 * user of its own (a uid no one else uses, from a random block per grader process, so the process limit counts it alone). Resource limits
 * (prlimit): processes, file size, open files, no core dumps; the grader's watchdog adds resident
 * memory and the socket folder's size.
 *
 * Nothing here decides a grade: the kernel only produces data the grader judges (see
 * grade-notebook.ts).
 */
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Paths as the kernel sees them. */
export const INSIDE = {
  root: "/bnlab",
  cwd: "/bnlab/notebooks",
  ipc: "/run/bnlab",
  nodeModules: "/bnlab/node_modules",
} as const;

const LIMITS = {
  /** Processes and threads of the sandbox's user (RLIMIT_NPROC). */
  processes: 64,
  /** Largest file it may write, in MB (RLIMIT_FSIZE). */
  fileSizeMb: 64,
  /** Size of each private tmpfs (its working directory, /tmp), in MB. */
  diskMb: 128,
  /** Open files (RLIMIT_NOFILE). */
  openFiles: 1024,
};

interface SandboxCommandOptions {
  projectRoot: string;
  /** Host folder of this submission mounted at INSIDE.ipc (sockets, connection file). */
  hostIpcDir: string;
  /** The compiled library to mount at /bnlab/dist (default: the project's dist/). */
  dist?: string;
  /** V8 heap limit of the kernel. */
  memoryLimitMb: number;
  /** Host uid (and gid) to run as; null keeps the grader's (only root can switch). */
  uid: number | null;
}

const BWRAP = "/usr/bin/bwrap";
const SETPRIV = "/usr/bin/setpriv";
const PRLIMIT = "/usr/bin/prlimit";

/** The kernel command line (with `{connection_file}`) that runs tslab inside the sandbox. */
export function sandboxedKernelArgv(options: SandboxCommandOptions): string[] {
  const root = options.projectRoot;
  const node = fs.realpathSync(process.execPath);
  const dist = fs.realpathSync(options.dist ?? path.join(root, "dist"));
  const nodeModules = fs.realpathSync(path.join(root, "node_modules"));
  const mb = 1024 * 1024;

  const bwrap: string[] = [BWRAP, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"];
  bwrap.push("--ro-bind", "/usr", "/usr");
  for (const link of ["bin", "lib", "lib64", "lib32", "libx32", "sbin"]) {
    const at = `/${link}`;
    const target = fs.lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink() ? fs.readlinkSync(at) : null;
    if (target !== null) bwrap.push("--symlink", target, at);
    else if (fs.existsSync(at) && link !== "sbin") bwrap.push("--ro-bind", at, at);
  }
  // node outside /usr (nvm, a tarball): its own install folder, read-only
  if (!node.startsWith("/usr/")) {
    const prefix = path.dirname(path.dirname(node));
    bwrap.push("--ro-bind", prefix, prefix);
  }
  for (const file of ["/etc/ld.so.cache", "/etc/ld.so.conf"]) if (fs.existsSync(file)) bwrap.push("--ro-bind", file, file);
  bwrap.push("--proc", "/proc", "--dev", "/dev");
  bwrap.push("--size", String(LIMITS.diskMb * mb), "--perms", "0700", "--tmpfs", "/tmp");
  bwrap.push("--size", String(LIMITS.diskMb * mb), "--perms", "0700", "--tmpfs", INSIDE.cwd);
  bwrap.push("--ro-bind", dist, `${INSIDE.root}/dist`);
  bwrap.push("--ro-bind", path.join(root, "src", "package.json"), `${INSIDE.root}/src/package.json`);
  bwrap.push("--ro-bind", nodeModules, INSIDE.nodeModules);
  bwrap.push("--bind", options.hostIpcDir, INSIDE.ipc);
  bwrap.push("--clearenv");
  const env: Record<string, string> = { PATH: "/usr/bin:/bin", HOME: "/tmp", TMPDIR: "/tmp", LANG: "C.UTF-8", TZ: "UTC" };
  if (process.env.BNLAB_BACKEND) env.BNLAB_BACKEND = process.env.BNLAB_BACKEND;
  for (const [key, value] of Object.entries(env)) bwrap.push("--setenv", key, value);
  bwrap.push("--chdir", INSIDE.cwd, "--");
  bwrap.push(node, `--max-old-space-size=${Math.floor(options.memoryLimitMb)}`, `${INSIDE.nodeModules}/tslab/bin/tslab`, "kernel", "--config-path", "{connection_file}");

  const prlimit = [
    PRLIMIT,
    `--nproc=${LIMITS.processes}`,
    `--fsize=${LIMITS.fileSizeMb * mb}`,
    `--nofile=${LIMITS.openFiles}`,
    "--core=0",
    "--",
  ];
  const setpriv = options.uid !== null ? [SETPRIV, `--reuid=${options.uid}`, `--regid=${options.uid}`, "--clear-groups", "--"] : [];
  return [...prlimit, ...setpriv, ...bwrap];
}

/** This process's block of sandbox uids: random, so two batches running at once do not share uids. */
const UID_BLOCK = 2_100_000 + randomInt(0, 1_000_000) * 1000;

/** A uid for the n-th submission of a batch when the grader is root (none when it is not). */
export function sandboxUid(index: number): number | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  return UID_BLOCK + (index % 1000);
}

/** The host folder for one submission's sockets: private to it (and to the grader). */
export function makeIpcDir(parent: string, uid: number | null): { dir: string; remove(): void } {
  fs.mkdirSync(parent, { recursive: true, mode: 0o711 });
  const dir = fs.mkdtempSync(path.join(parent, "ipc-"));
  if (uid !== null) fs.chownSync(dir, uid, uid);
  fs.chmodSync(dir, 0o700);
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Total size of the files in a folder, in MB (at most 4 levels deep and 10,000 entries a folder: the kernel fills it). */
export function folderMb(dir: string): number {
  let bytes = 0;
  const walk = (d: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.slice(0, 10_000)) {
      const full = path.join(d, entry.name);
      try {
        if (entry.isDirectory()) {
          if (depth < 4) walk(full, depth + 1);
        } else bytes += fs.lstatSync(full).size;
      } catch {
        // gone
      }
    }
  };
  walk(dir, 0);
  return bytes / (1024 * 1024);
}

/** The first folder on the way to `file` that other users cannot pass through (no o+x), or null. */
function closedFolder(file: string): { dir: string; mode: string } | null {
  const parts = path.resolve(file).split(path.sep).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = path.sep + parts.slice(0, i + 1).join(path.sep);
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat?.isDirectory() && (stat.mode & 0o001) === 0) return { dir, mode: (stat.mode & 0o777).toString(8).padStart(4, "0") };
  }
  return null;
}

type SandboxProbe = { ok: true } | { ok: false; reason: string };

const probed = new Map<string, SandboxProbe>();

/** Can this machine run the sandbox on `projectRoot`'s library? Runs a write inside it once per project (cached). */
export function probeSandbox(projectRoot: string): SandboxProbe {
  if (!probed.has(projectRoot)) probed.set(projectRoot, probeOnce(projectRoot));
  return probed.get(projectRoot) as SandboxProbe;
}

function probeOnce(projectRoot: string): SandboxProbe {
  for (const tool of [BWRAP, PRLIMIT]) {
    if (!fs.existsSync(tool)) return { ok: false, reason: `${tool} is missing: install Debian's bubblewrap and util-linux (apt-get install bubblewrap)` };
  }
  const parent = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "bnlab-sandbox-check-"));
  fs.chmodSync(parent, 0o711);
  const uid = sandboxUid(0);
  const ipc = makeIpcDir(parent, uid);
  try {
    const argv = sandboxedKernelArgv({ projectRoot, hostIpcDir: ipc.dir, memoryLimitMb: 256, uid });
    const at = argv.indexOf("--", argv.indexOf(BWRAP));
    const probe = [...argv.slice(0, at + 1), fs.realpathSync(process.execPath), "-e", "require('fs').writeFileSync('/run/bnlab/ok', 'ok')"];
    const run = spawnSync(probe[0], probe.slice(1), { encoding: "utf8", timeout: 30_000 });
    const ok = fs.existsSync(path.join(ipc.dir, "ok"));
    const closed = uid === null ? null : closedFolder(path.join(projectRoot, "dist")) ?? closedFolder(path.join(projectRoot, "node_modules"));
    const hint = closed
      ? ` (each submission runs as a user of its own, who cannot enter ${closed.dir}, mode ${closed.mode}: let others pass through it with chmod o+x ${closed.dir}, or keep the project in a folder they can enter)`
      : "";
    return ok ? { ok: true } : { ok: false, reason: `bubblewrap could not start a sandbox here: ${(run.stderr || run.error?.message || `exit ${run.status}`).trim().split("\n")[0]}${hint}` };
  } catch (err) {
    return { ok: false, reason: `bubblewrap could not start a sandbox here: ${(err as Error).message}` };
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
}
