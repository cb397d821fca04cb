/**
 * Catching writes the in-kernel guard did not stop (a child process, a native call): a listing of
 * watched folders (paths, sizes, modification times) before and after each submission runs.
 * A change seen while only one submission was running is that submission's; a change seen while
 * several ran is settled by running the suspects again, one at a time.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type Snapshot = Map<string, string>;

const SKIP = new Set(["node_modules", ".git"]);

export function snapshot(roots: readonly string[]): Snapshot {
  const out: Snapshot = new Map();
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (SKIP.has(entry.name)) continue;
      try {
        const stat = fs.lstatSync(full);
        out.set(full, entry.isDirectory() ? "dir" : `${stat.size}:${stat.mtimeMs}:${stat.ino}`);
      } catch {
        continue;
      }
      if (entry.isDirectory()) walk(full);
    }
  };
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    out.set(path.resolve(root), "dir");
    walk(path.resolve(root));
  }
  return out;
}

/** Paths added, removed or changed between two snapshots, sorted. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const changed = new Set<string>();
  for (const [file, stamp] of after) if (before.get(file) !== stamp) changed.add(file);
  for (const file of before.keys()) if (!after.has(file)) changed.add(file);
  return [...changed].sort();
}
