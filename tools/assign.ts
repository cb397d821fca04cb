/**
 * npm run assign -- LESSON... [--out DIR] [--lessons DIR]
 *
 * A release folder for learners (default build/homework/release): student notebooks, the library
 * they import, manifest.json and a README. LESSON is a name (03-running-averages), a number (03)
 * or a file. See docs/homework.md.
 */
import * as path from "node:path";
import { releaseLessons } from "../src/course/homework";
import { ensureLibraryBuilt } from "../src/course/library/build-library";

function main(argv: string[]): void {
  const root = path.resolve(__dirname, "..");
  let outDir = path.join(root, "build", "homework", "release");
  let lessonsDir: string | undefined;
  const lessons: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return path.resolve(next);
    };
    if (arg === "--out") outDir = value();
    else if (arg === "--lessons") lessonsDir = value();
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg} (see tools/assign.ts)`);
    else lessons.push(arg);
  }
  if (lessons.length === 0) throw new Error("usage: npm run assign -- LESSON... [--out DIR] [--lessons DIR]");
  ensureLibraryBuilt(root); // the release carries the compiled library
  const result = releaseLessons({ root, lessons, outDir, ...(lessonsDir ? { lessonsDir } : {}) });
  const rel = (file: string): string => path.relative(process.cwd(), file) || ".";
  for (const lesson of result.manifest.lessons) {
    console.log(`${lesson.notebook}: ${lesson.exercises.map((e) => `${e.id} ${e.name} (${e.points} pt)`).join(", ")}`);
  }
  console.log(`release written to ${rel(result.outDir)} (${result.manifest.points} points; library packages: ${result.packages.join(", ")})`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`assign: ${(err as Error).message}`);
  process.exitCode = 1;
}
