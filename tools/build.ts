/**
 * npm run build                              student notebooks: lessons/*.md → notebooks/*.ipynb
 * npm run build -- --solutions --out DIR     instructor notebooks (solutions, hidden tests) into DIR
 * npm run build -- --check                   exit 1, naming the files, when the notebooks are stale
 * npm run build -- --force                   replace edited notebooks (after backing them up)
 * Options: --lessons DIR (default lessons/), --root DIR (default: this project).
 */
import * as path from "node:path";
import { buildLessons, type BuildEntry } from "../src/course/lesson";

interface Args {
  root: string;
  lessonsDir?: string;
  outDir?: string;
  solutions: boolean;
  check: boolean;
  force: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { root: path.resolve(__dirname, ".."), solutions: false, check: false, force: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return path.resolve(next);
    };
    if (arg === "--solutions" || arg === "--instructor") args.solutions = true;
    else if (arg === "--check") args.check = true;
    else if (arg === "--force") args.force = true;
    else if (arg === "--out") args.outDir = value();
    else if (arg === "--lessons") args.lessonsDir = value();
    else if (arg === "--root") args.root = value();
    else throw new Error(`unknown option ${arg} (see tools/build.ts)`);
  }
  if (args.solutions && args.outDir === undefined) {
    throw new Error("--solutions needs --out DIR: instructor notebooks never go into notebooks/");
  }
  return args;
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const result = buildLessons({
    root: args.root,
    lessonsDir: args.lessonsDir,
    outDir: args.outDir,
    variant: args.solutions ? "instructor" : "student",
    force: args.force,
    check: args.check,
  });
  const show = (file: string): string => path.relative(process.cwd(), file) || file;
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  const line = (entry: BuildEntry): string => `${show(entry.notebook)}: ${entry.reason}`;
  if (args.check) {
    const stale = result.entries.filter((entry) => entry.action !== "unchanged");
    if (stale.length === 0) {
      console.log(`notebooks up to date (${result.entries.length})`);
      return 0;
    }
    console.error(`stale notebooks (${stale.length}); run npm run build:`);
    for (const entry of stale) console.error(`  ${entry.action === "refuse" ? "edited" : entry.action}  ${line(entry)}`);
    return 1;
  }
  for (const entry of result.entries) {
    if (entry.action === "refuse") console.error(`error: ${entry.reason}`);
    else if (entry.action !== "unchanged") {
      console.log(`${entry.action.padEnd(6)} ${line(entry)}${entry.backup ? ` (backup: ${show(entry.backup)})` : ""}`);
    }
  }
  const unchanged = result.entries.filter((entry) => entry.action === "unchanged").length;
  if (unchanged > 0) console.log(`${unchanged} notebook(s) already up to date`);
  return result.ok ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
