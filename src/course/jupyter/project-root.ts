/** Locates the bnlab project root: the nearest ancestor folder whose package.json is named "bnlab". */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export function projectRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "bnlab") return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no bnlab package.json above ${from}`);
    dir = parent;
  }
}
