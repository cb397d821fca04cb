/**
 * The library a released notebook needs, laid out like the project so `import … from "../src"`
 * resolves inside the release folder: `src/package.json` → `dist/` (the compiled library) and
 * `node_modules/` with the runtime packages `dist/` loads (found by scanning it), and theirs.
 */
import * as fs from "node:fs";
import { builtinModules, createRequire } from "node:module";
import * as path from "node:path";

const BARE = /\b(?:require|resolve)\(\s*["']([^"'./][^"']*)["']\s*\)/g;

/** Package names `dist/` loads at run time (require / require.resolve of a bare specifier). */
function runtimePackages(distDir: string): string[] {
  const names = new Set<string>();
  for (const file of listFiles(distDir).filter((f) => f.endsWith(".js"))) {
    for (const match of fs.readFileSync(file, "utf8").matchAll(BARE)) {
      const name = packageName(match[1]);
      if (!name.startsWith("node:") && !builtinModules.includes(name)) names.add(name);
    }
  }
  return [...names].sort();
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The packages and their dependencies (transitively), each with its folder. */
function packageClosure(root: string, names: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (name: string, from: string): void => {
    if (found.has(name)) return;
    let manifest: string;
    try {
      manifest = createRequire(path.join(from, "index.js")).resolve(`${name}/package.json`);
    } catch {
      throw new Error(`the library needs the package "${name}", which is not installed: run npm install`);
    }
    const dir = path.dirname(manifest);
    found.set(name, dir);
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(pkg.dependencies ?? {}).sort()) visit(dependency, dir);
  };
  for (const name of names) visit(name, root);
  return found;
}

/** Copy dist/, src/package.json and the runtime packages from the project into `outDir`; returns the packages' names. */
export function copyLibrary(root: string, outDir: string): { packages: string[] } {
  const dist = path.join(root, "dist");
  if (!fs.existsSync(path.join(dist, "index.js"))) throw new Error(`${dist} is missing: run npm run build:lib`);
  fs.cpSync(dist, path.join(outDir, "dist"), {
    recursive: true,
    dereference: true,
    filter: (from) => path.basename(from) !== ".source-hash",
  });
  fs.mkdirSync(path.join(outDir, "src"), { recursive: true });
  fs.copyFileSync(path.join(root, "src", "package.json"), path.join(outDir, "src", "package.json"));
  const packages = packageClosure(root, runtimePackages(dist));
  for (const [name, dir] of packages) {
    fs.cpSync(dir, path.join(outDir, "node_modules", ...name.split("/")), { recursive: true, dereference: true });
  }
  return { packages: [...packages.keys()].sort() };
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}
