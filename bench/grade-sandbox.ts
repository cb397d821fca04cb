/**
 * npm run bench:grade -- [N]: the sandbox's cost per graded notebook. Grades N copies of the
 * homework fixture's reference notebook one at a time, in the bubblewrap sandbox and without it
 * (--unsafe-no-sandbox), and prints the mean seconds per notebook of each and their ratio.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gradeBatch, releaseLessons } from "../src/course/homework";

const ROOT = path.resolve(__dirname, "..");
const LESSONS = path.join(ROOT, "test", "fixtures", "homework", "lessons");

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 4);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-bench-grade-"));
  try {
    const release = releaseLessons({ root: ROOT, lessonsDir: LESSONS, lessons: ["01"], outDir: path.join(base, "release") });
    execFileSync(process.execPath, ["--import", "tsx", "tools/build.ts", "--solutions", "--out", path.join(base, "teacher"), "--lessons", LESSONS], { cwd: ROOT, stdio: "ignore" });
    const name = path.basename(release.notebooks[0]);
    for (let i = 0; i < n; i++) {
      fs.mkdirSync(path.join(base, "sub", `t${i}`), { recursive: true });
      fs.copyFileSync(path.join(base, "teacher", name), path.join(base, "sub", `t${i}`, name));
    }
    const seconds: Record<string, number> = {};
    for (const isolation of ["none", "os", "none", "os"] as const) {
      const started = Date.now();
      const result = await gradeBatch({ projectRoot: ROOT, lessonsDir: LESSONS, submissionsDir: path.join(base, "sub"), outDir: path.join(base, `out-${isolation}`), concurrency: 1, isolation, courseSecret: "bnlab-bench-course-secret-0123456789abcdef" });
      const bad = result.grades.filter((g) => g.total !== g.maxTotal);
      if (bad.length) throw new Error(`${isolation}: the reference notebook did not get full marks (${bad[0].status} ${bad[0].note})`);
      seconds[isolation] = Math.min(seconds[isolation] ?? Infinity, (Date.now() - started) / 1000 / n);
    }
    console.log(`per notebook (best of 2 batches of ${n}, one kernel at a time): sandbox ${seconds.os.toFixed(2)} s, no sandbox ${seconds.none.toFixed(2)} s, overhead ${(seconds.os - seconds.none).toFixed(2)} s (${(seconds.os / seconds.none).toFixed(2)}x)`);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exitCode = 1;
});
