/**
 * `npm run bench:lessons`: Run All time of every instructor notebook, through the real kernel.
 *
 * The course promises that each lesson runs top to bottom in at most 60 s on a 2-core machine.
 * This is a benchmark, not a test: it prints the times (and a JSON line with --json) and never
 * fails on a slow machine; it exits non-zero only if a notebook has an error cell.
 *
 *   npm run bench:lessons                 all lessons
 *   npm run bench:lessons -- 01 05 --json
 *   npm run bench:lessons -- --cells      also every code cell's time (cells over 5 s marked)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { executeNotebook, formatCellError } from "../src/course/jupyter";
import { buildLessons } from "../src/course/lesson";
import { ensureLibraryBuilt } from "../src/course/library/build-library";
import { joinSource, type Notebook } from "../src/course/notebook/nbformat";

const BUDGET_S = 60;
/** A cell an instructor re-runs in class should answer within this many seconds. */
const CELL_BUDGET_S = 5;

/** The cell's first non-comment line, shortened: enough to find it in the lesson. */
function cellHead(source: string): string {
  const line = source.split("\n").find((l) => l.trim() !== "" && !l.trim().startsWith("//")) ?? "";
  return line.trim().slice(0, 60);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const cells = args.includes("--cells");
  const wanted = args.filter((a) => !a.startsWith("--"));
  const root = path.resolve(__dirname, "..");
  ensureLibraryBuilt(root);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-bench-lessons-"));
  try {
    buildLessons({ root, outDir, variant: "instructor" });
    const notebooks = fs
      .readdirSync(outDir)
      .filter((f) => f.endsWith(".ipynb") && (wanted.length === 0 || wanted.some((w) => f.startsWith(w))))
      .sort();
    const times: Record<string, number> = {};
    const slowest: Record<string, { cell: number; seconds: number }> = {};
    let failed = false;
    console.log(`Run All of the instructor notebooks (budget ${BUDGET_S} s each, ${os.cpus().length} cores)`);
    for (const file of notebooks) {
      const name = file.replace(/\.ipynb$/, "");
      const notebook = JSON.parse(fs.readFileSync(path.join(outDir, file), "utf8")) as Notebook;
      const cellLines: string[] = [];
      let slow = { cell: -1, seconds: 0 };
      const run = await executeNotebook(notebook, {
        cwd: outDir,
        cellTimeoutMs: 300_000,
        onCell: (index, cell, result) => {
          const s = result.durationMs / 1000;
          if (s > slow.seconds) slow = { cell: index, seconds: Math.round(s * 100) / 100 };
          const mark = s > CELL_BUDGET_S ? "  over 5 s" : "";
          cellLines.push(`    cell ${String(index).padStart(3)} ${s.toFixed(2).padStart(6)} s  ${cellHead(joinSource(cell.source))}${mark}`);
        },
      });
      const seconds = run.durationMs / 1000;
      times[name] = Math.round(seconds * 10) / 10;
      slowest[name] = slow;
      const verdict = run.errors.length > 0 ? "ERROR" : seconds <= BUDGET_S ? "ok" : "over budget";
      console.log(
        `  ${name.padEnd(24)} ${seconds.toFixed(1).padStart(6)} s  ${run.executedCells} cells, slowest cell ${slow.cell} ${slow.seconds.toFixed(1)} s  ${verdict}`,
      );
      if (cells) for (const line of cellLines) console.log(line);
      for (const e of run.errors) console.log(formatCellError(e, name));
      failed ||= run.errors.length > 0;
    }
    const total = Object.values(times).reduce((a, b) => a + b, 0);
    console.log(`  ${"all".padEnd(24)} ${total.toFixed(1).padStart(6)} s`);
    console.log(`  load average ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}`);
    if (json) {
      const summary = { runAllSeconds: times, slowestCell: slowest, totalSeconds: Math.round(total * 10) / 10, budgetSeconds: BUDGET_S, loadAverage: os.loadavg() };
      console.log(JSON.stringify(summary));
    }
    return failed ? 1 : 0;
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exitCode = 1;
  },
);
