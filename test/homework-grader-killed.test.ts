/**
 * The grader killed in the middle of a batch (SIGKILL: no handler runs) leaves no half gradebook
 * — the results appear only when a batch is complete — and nothing a submission started survives
 * it: the sandbox dies with its parent, and its PID namespace with everything in it.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";
import { releaseLessons } from "../src/course/homework";
import { FIXTURE_LESSON, HOMEWORK_LESSONS } from "./fixtures/homework/submissions";

const ROOT = path.resolve(__dirname, "..");
const MARKER = `bnlab-killed-grader-${process.pid}`;
let base = "";

const running = (): string[] =>
  spawnSync("pgrep", ["-a", "-f", MARKER], { encoding: "utf8" })
    .stdout.split("\n")
    .filter((line) => line.trim() !== "" && !line.includes("pgrep"));

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return condition();
}

afterAll(() => {
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

it("leaves no gradebook and no process when the grader is killed mid-batch", async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-killed-"));
  const release = releaseLessons({ root: ROOT, lessonsDir: HOMEWORK_LESSONS, lessons: ["01"], outDir: path.join(base, "release") });
  const notebook = JSON.parse(fs.readFileSync(release.notebooks[0], "utf8")) as { cells: { metadata: { nbgrader?: { grade_id?: string } }; source: string | string[] }[] };
  const cell = notebook.cells.find((c) => c.metadata.nbgrader?.grade_id === "exercise-1_1");
  if (!cell) throw new Error("no exercise cell");
  cell.source = `require("child_process").spawn("sh", ["-c", "sleep 300 # ${MARKER}"], { detached: true, stdio: "ignore" }).unref();\nwhile (true) {}`;
  for (const learner of ["ann", "ben"]) {
    fs.mkdirSync(path.join(base, "submitted", learner), { recursive: true });
    fs.writeFileSync(path.join(base, "submitted", learner, `${FIXTURE_LESSON}.ipynb`), JSON.stringify(notebook));
  }
  const out = path.join(base, "graded");
  const grader = spawn(process.execPath, ["--import", "tsx", "tools/grade.ts", path.join(base, "submitted"), "--out", out, "--lessons", HOMEWORK_LESSONS, "--cell-timeout", "240", "--secret", path.join(base, "course-secret")], {
    cwd: ROOT,
    stdio: "ignore",
  });
  try {
    expect(await until(() => running().length > 0, 240_000)).toBe(true); // a submission's process is up
    grader.kill("SIGKILL");
    await new Promise((resolve) => grader.once("exit", resolve));
    expect(await until(() => running().length === 0, 20_000)).toBe(true);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(base).filter((name) => name.startsWith("graded"))).toEqual([]);
  } finally {
    grader.kill("SIGKILL");
  }
}, 300_000);
