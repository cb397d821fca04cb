import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The tslab kernel cannot compile .ts files outside the notebook's own folder (its compiler's
 * rootDir is the kernel's working directory), so notebooks load the library compiled to `dist/`:
 * `src/package.json` points `main` and `types` there, which makes `import … from "../src"` work in a
 * notebook. This module rebuilds `dist/` when the sources changed (a content hash, not mtimes).
 */
interface LibraryBuildResult {
  rebuilt: boolean;
  hash: string;
  durationMs: number;
}

// One implementation of the hash, shared with the kernel launcher (plain Node, no TypeScript loader).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const libraryHash = require("../../../scripts/launcher/library-hash.cjs") as {
  librarySources(root: string): { hash: string };
  writeStamp(dist: string, sources: { hash: string }): void;
  listFiles(dir: string): string[];
  STAMP: string;
};
const STAMP = libraryHash.STAMP;
// The kernel launcher's quick build (esbuild) leaves the declaration files to a background check,
// which writes this stamp when they match the sources; a full build writes both.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TYPES_STAMP, TYPE_ERRORS } = require("../../../scripts/launcher/library-build.cjs") as { TYPES_STAMP: string; TYPE_ERRORS: string };

/** Rebuild dist/ if the library sources changed since the last build. */
export function ensureLibraryBuilt(root: string, options: { force?: boolean; quiet?: boolean } = {}): LibraryBuildResult {
  const start = Date.now();
  const sources = libraryHash.librarySources(root);
  const hash = sources.hash;
  const dist = path.join(root, "dist");
  const stampFile = path.join(dist, STAMP);
  const stamp = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "");
  const current = stamp(stampFile) === hash && stamp(path.join(dist, TYPES_STAMP)) === hash;
  if (!options.force && current && fs.existsSync(path.join(dist, "index.js"))) {
    return { rebuilt: false, hash, durationMs: Date.now() - start };
  }
  if (!options.quiet) process.stderr.write("bnlab: compiling the library for the notebooks (src → dist)…\n");
  // Build beside dist/ and swap it in with renames, so that a kernel running meanwhile never sees a
  // half-written dist/ (it would fall back to the .ts sources, which tslab cannot compile).
  const staging = `${dist}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.lib.json"), "--outDir", staging], {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`Compiling the library failed (tsc -p tsconfig.lib.json):\n${result.stdout}${result.stderr}`);
  }
  copyAssets(path.join(root, "src"), staging);
  libraryHash.writeStamp(staging, sources);
  fs.writeFileSync(path.join(staging, TYPES_STAMP), hash + "\n");
  fs.rmSync(path.join(staging, TYPE_ERRORS), { force: true });
  const old = `${dist}.old-${process.pid}`;
  if (fs.existsSync(dist)) fs.renameSync(dist, old);
  fs.renameSync(staging, dist);
  fs.rmSync(old, { recursive: true, force: true });
  return { rebuilt: true, hash, durationMs: Date.now() - start };
}

/** Files the compiler does not emit but the library loads at run time (.wasm, .json, the native kernel's .node). */
function copyAssets(srcDir: string, distDir: string): void {
  for (const file of libraryHash.listFiles(srcDir)) {
    const rel = path.relative(srcDir, file);
    if (rel.startsWith("course") || rel === "package.json") continue;
    if (/\.(wasm|json|node)$/.test(file)) {
      const target = path.join(distDir, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file, target);
    }
  }
}
