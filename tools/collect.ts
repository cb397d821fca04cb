/**
 * npm run collect -- LESSON... | --manifest FILE  [--homes DIR] [--out DIR] [--replace]
 *
 * Copies each learner's notebooks of an assignment from their homes on the hub (default
 * build/hub/homes, as `npm run hub` keeps them) into OUT/<learner>/<lesson>.ipynb (default
 * submitted/), the layout `npm run grade` reads. LESSON is a name (03-running-averages) or a
 * number (03); --manifest takes the lessons of an `npm run assign` release. See docs/jupyterhub.md.
 */
import * as path from "node:path";
import { readManifest } from "../src/course/homework/manifest";
import { collectFromHomes } from "../src/course/hub";

function main(argv: string[]): number {
  const root = path.resolve(__dirname, "..");
  let homesDir = path.join(root, "build", "hub", "homes");
  let outDir = path.resolve("submitted");
  let replace = false;
  const lessons: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--homes") homesDir = path.resolve(value());
    else if (arg === "--out") outDir = path.resolve(value());
    else if (arg === "--manifest") lessons.push(...readManifest(path.resolve(value())).lessons.map((l) => l.lesson));
    else if (arg === "--replace") replace = true;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg} (see tools/collect.ts)`);
    else lessons.push(arg);
  }
  const report = collectFromHomes({ homesDir, outDir, lessons, lessonsDir: path.join(root, "lessons"), replace });
  const rel = (file: string): string => path.relative(process.cwd(), file) || ".";
  const learners = new Set([...report.collected.keys(), ...report.missing.keys()]);
  for (const learner of [...learners].sort()) {
    const got = report.collected.get(learner) ?? [];
    const lacking = report.missing.get(learner) ?? [];
    console.log(`${learner}: ${got.length}/${report.lessons.length} notebooks${lacking.length ? ` (no ${lacking.join(", ")})` : ""}`);
  }
  for (const line of report.refused) console.log(`refused ${line}`);
  console.log(`collected ${[...report.collected.values()].reduce((n, l) => n + l.length, 0)} notebooks of ${learners.size} learners (${report.lessons.join(", ")}) into ${rel(outDir)}/`);
  console.log(`grade them: npm run grade -- ${rel(outDir)}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
