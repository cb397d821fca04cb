/**
 * `npm run export` makes the learner's site by default and the answer key only when asked: the
 * fixture lesson (an exercise, a check, a hidden test, an instructor note and instructor code)
 * exported both ways, executed through the real kernel.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSite, type ExportResult } from "../src/course/export";

const root = path.resolve(__dirname, "..");
const lessonsDir = path.join(__dirname, "fixtures", "lessons");

describe("npm run export: student site and answer key", () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-export-variants-"));
  let student: ExportResult;
  let answers: ExportResult;
  const page = (site: ExportResult): string => fs.readFileSync(site.lessons[0].page, "utf8");
  /** The page's text (code is highlighted into spans). */
  const text = (site: ExportResult): string =>
    page(site).replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

  beforeAll(async () => {
    student = await exportSite({ root, lessonsDir, outDir: path.join(temp, "site"), buildDir: path.join(temp, "build-s"), cellTimeoutMs: 120_000 });
    answers = await exportSite({ root, lessonsDir, outDir: path.join(temp, "answers"), buildDir: path.join(temp, "build-a"), cellTimeoutMs: 120_000, variant: "instructor" });
  }, 600_000);
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  it("the default is the student site: stubs as the learner sees them, no solution, hidden test or instructor note", () => {
    expect(student.ok).toBe(true); // the check that needs the exercise says so in one line, it does not fail the export
    const html = text(student);
    expect(page(student)).not.toContain('class="cell markdown instructor"');
    expect(html).toContain("TODO: implement normalize — see the exercise above (Exercise 1.1)");
    expect(html).toContain("your code goes here");
    expect(html).toContain("Skipped: this cell needs Exercise 1.1 (normalize)");
    for (const leak of ["variance[j] + EPS", "hidden test failed", "Hidden test", "So that the denominator is never zero", "a constant feature stays finite", "· solution"]) {
      expect(html, leak).not.toContain(leak);
    }
    expect(fs.readFileSync(student.index, "utf8")).not.toContain("answer key");
  });

  it("--answers (variant instructor) is the answer key, and says so", () => {
    expect(answers.ok).toBe(true);
    const html = text(answers);
    for (const key of ["variance[j] + EPS", "Hidden test 1.1", "So that the denominator is never zero", "Exercise 1.1 passed", "· solution"]) expect(html, key).toContain(key);
    expect(fs.readFileSync(answers.index, "utf8")).toContain("answer key");
  });
});
