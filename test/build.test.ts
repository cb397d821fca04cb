import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildLessons, importNotebook, type BuildResult } from "../src/course/lesson";
import type { CodeCell, Notebook } from "../src/course/notebook/nbformat";
import { makeProject, removeProject } from "./fixtures/lessons/project";

const projects: string[] = [];
afterEach(() => {
  while (projects.length > 0) removeProject(projects.pop() ?? "");
});
function project(): string {
  const root = makeProject();
  projects.push(root);
  return root;
}

const notebookPath = (root: string, dir = "notebooks"): string => path.join(root, dir, "01-fixture.ipynb");
const read = (file: string): Notebook => JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
const actions = (result: BuildResult): string[] => result.entries.map((e) => `${e.action} ${path.basename(e.notebook)}`);

function editFirstCodeCell(file: string, newSource: string): void {
  const notebook = read(file);
  const code = notebook.cells.find((cell): cell is CodeCell => cell.cell_type === "code");
  if (!code) throw new Error("no code cell");
  code.source = [newSource];
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + "\n");
}

function addOutputs(file: string): void {
  const notebook = read(file);
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    cell.execution_count = i;
    cell.outputs = [{ output_type: "stream", name: "stdout", text: [`ran ${i}\n`] }];
  });
  notebook.metadata.language_info = { name: "typescript", version: "5.0.0" };
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + "\n");
}

describe("buildLessons", () => {
  it("writes one student notebook per lesson into notebooks/", () => {
    const root = project();
    const result = buildLessons({ root });
    expect(result.ok).toBe(true);
    expect(actions(result)).toEqual(["create 01-fixture.ipynb"]);
    expect(read(notebookPath(root)).metadata.bnlab).toMatchObject({ variant: "student" });
  });

  it("is deterministic: same bytes on a rebuild and in another checkout", () => {
    const a = project();
    const b = project();
    buildLessons({ root: a });
    const first = fs.readFileSync(notebookPath(a), "utf8");
    fs.rmSync(notebookPath(a));
    buildLessons({ root: a });
    buildLessons({ root: b });
    expect(fs.readFileSync(notebookPath(a), "utf8")).toBe(first);
    expect(fs.readFileSync(notebookPath(b), "utf8")).toBe(first);
    expect(actions(buildLessons({ root: a }))).toEqual(["unchanged 01-fixture.ipynb"]);
  });

  describe("check", () => {
    it("passes on a fresh build and writes nothing", () => {
      const root = project();
      const before = buildLessons({ root, check: true });
      expect(before.ok).toBe(false);
      expect(before.entries.map((e) => e.reason)).toEqual(["missing"]);
      expect(fs.existsSync(notebookPath(root))).toBe(false);
      buildLessons({ root });
      expect(buildLessons({ root, check: true }).ok).toBe(true);
    });

    it("reports a notebook whose lesson changed", () => {
      const root = project();
      buildLessons({ root });
      fs.appendFileSync(path.join(root, "lessons", "01-fixture.md"), "\nOne more paragraph.\n");
      const result = buildLessons({ root, check: true });
      expect(result.ok).toBe(false);
      expect(result.entries[0]).toMatchObject({ action: "update", reason: "outdated: lessons/01-fixture.md changed" });
    });

    it("reports outputs, edits and extra generated notebooks, and ignores notebooks it did not make", () => {
      const root = project();
      buildLessons({ root });
      fs.copyFileSync(notebookPath(root), path.join(root, "notebooks", "02-gone.ipynb"));
      fs.writeFileSync(path.join(root, "notebooks", "scratch.ipynb"), '{"cells": [], "metadata": {}}');
      addOutputs(notebookPath(root));
      expect(actions(buildLessons({ root, check: true }))).toEqual(["update 01-fixture.ipynb", "remove 02-gone.ipynb"]);
      editFirstCodeCell(notebookPath(root), "console.log('mine');");
      expect(actions(buildLessons({ root, check: true }))).toEqual(["refuse 01-fixture.ipynb", "remove 02-gone.ipynb"]);
    });
  });

  it("replaces a notebook that only gained outputs, and removes unedited extras", () => {
    const root = project();
    buildLessons({ root });
    const clean = fs.readFileSync(notebookPath(root), "utf8");
    fs.copyFileSync(notebookPath(root), path.join(root, "notebooks", "02-gone.ipynb"));
    addOutputs(notebookPath(root));
    const result = buildLessons({ root });
    expect(result.ok).toBe(true);
    expect(actions(result)).toEqual(["update 01-fixture.ipynb", "remove 02-gone.ipynb"]);
    expect(fs.readFileSync(notebookPath(root), "utf8")).toBe(clean);
    expect(fs.existsSync(path.join(root, "notebooks", "02-gone.ipynb"))).toBe(false);
  });

  describe("edited notebooks", () => {
    it("refuses to overwrite one, names it and says how to keep or discard the edits", () => {
      const root = project();
      buildLessons({ root });
      editFirstCodeCell(notebookPath(root), "console.log('my edit');");
      const edited = fs.readFileSync(notebookPath(root), "utf8");
      fs.appendFileSync(path.join(root, "lessons", "01-fixture.md"), "\nMore.\n");
      const result = buildLessons({ root });
      expect(result.ok).toBe(false);
      expect(result.entries[0].action).toBe("refuse");
      expect(result.entries[0].reason).toContain("notebooks/01-fixture.ipynb");
      expect(result.entries[0].reason).toContain("npm run import -- notebooks/01-fixture.ipynb");
      expect(result.entries[0].reason).toContain("--force");
      expect(fs.readFileSync(notebookPath(root), "utf8")).toBe(edited);
    });

    it("refuses to overwrite a notebook it did not generate", () => {
      const root = project();
      fs.mkdirSync(path.join(root, "notebooks"));
      fs.writeFileSync(notebookPath(root), '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n');
      const result = buildLessons({ root });
      expect(result.entries[0]).toMatchObject({ action: "refuse" });
      expect(result.entries[0].reason).toMatch(/no bnlab metadata/);
    });

    it("with force, backs the edited notebook up first, then replaces it", () => {
      const root = project();
      buildLessons({ root });
      const clean = fs.readFileSync(notebookPath(root), "utf8");
      editFirstCodeCell(notebookPath(root), "console.log('my edit');");
      const edited = fs.readFileSync(notebookPath(root), "utf8");
      const now = (): Date => new Date("2030-01-02T03:04:05.678Z");
      const result = buildLessons({ root, force: true, now });
      expect(result.ok).toBe(true);
      const backup = path.join(root, "notebooks", ".backup", "01-fixture.2030-01-02T03-04-05-678Z.ipynb");
      expect(result.entries[0]).toMatchObject({ action: "update", backup });
      expect(fs.readFileSync(backup, "utf8")).toBe(edited);
      expect(fs.readFileSync(notebookPath(root), "utf8")).toBe(clean);
      expect(fs.readFileSync(path.join(root, "notebooks", ".backup", ".gitignore"), "utf8")).toContain("*");
      // a second forced backup in the same millisecond does not overwrite the first
      editFirstCodeCell(notebookPath(root), "console.log('again');");
      const second = buildLessons({ root, force: true, now }).entries[0].backup;
      expect(second).toBe(backup.replace(".ipynb", "-2.ipynb"));
      expect(fs.readFileSync(backup, "utf8")).toBe(edited);
    });

    it("after the edits are imported into the lesson, rebuilds without refusing", () => {
      const root = project();
      buildLessons({ root });
      editFirstCodeCell(notebookPath(root), 'import { Matrix } from "../src";\nconst EPS = 1e-8;');
      const lessonFile = path.join(root, "lessons", "01-fixture.md");
      const imported = importNotebook(read(notebookPath(root)), { root, lessonSource: fs.readFileSync(lessonFile, "utf8") });
      fs.writeFileSync(imported.lessonFile, imported.text);
      expect(fs.readFileSync(lessonFile, "utf8")).toContain("const EPS = 1e-8;");
      const result = buildLessons({ root });
      expect(result.ok).toBe(true);
      expect(result.entries[0].action).toBe("update");
    });
  });

  describe("instructor notebooks in another folder", () => {
    function importLines(file: string): string[] {
      return read(file)
        .cells.flatMap((cell) => (Array.isArray(cell.source) ? cell.source : [cell.source]))
        .filter((line) => /from "/.test(line));
    }

    it("rewrites library imports so they resolve from the output folder", () => {
      const root = project();
      buildLessons({ root, variant: "instructor", outDir: path.join(root, "build", "teacher") });
      expect(importLines(notebookPath(root, "build/teacher"))).toEqual(['import { Matrix } from "../../src";\n']);
    });

    it("works for a folder outside the project", () => {
      const root = project();
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-out-"));
      projects.push(outside);
      buildLessons({ root, variant: "instructor", outDir: outside });
      const line = importLines(path.join(outside, "01-fixture.ipynb"))[0];
      const specifier = /from "([^"]+)"/.exec(line)?.[1] ?? "";
      expect(specifier).not.toContain("\\");
      expect(path.resolve(outside, specifier)).toBe(path.join(root, "src"));
      expect(read(path.join(outside, "01-fixture.ipynb")).metadata.bnlab).toMatchObject({ variant: "instructor" });
    });

    it("leaves student notebooks' imports alone and never writes solutions into notebooks/", () => {
      const root = project();
      buildLessons({ root });
      expect(importLines(notebookPath(root))).toEqual(['import { Matrix } from "../src";\n']);
      expect(() => buildLessons({ root, variant: "instructor" })).toThrow(/must not go into notebooks/);
    });
  });
});

describe("npm run build (CLI)", () => {
  const tsx = path.join(__dirname, "..", "node_modules", ".bin", "tsx");
  const cli = (root: string, ...args: string[]): { status: number | null; out: string } => {
    const result = spawnSync(tsx, [path.join(__dirname, "..", "tools", "build.ts"), "--root", root, ...args], {
      encoding: "utf8",
      cwd: root,
    });
    return { status: result.status, out: result.stdout + result.stderr };
  };

  it("--check exits non-zero naming stale files; build, then --check passes; --solutions needs --out", () => {
    const root = project();
    const stale = cli(root, "--check");
    expect(stale.status).toBe(1);
    expect(stale.out).toContain("notebooks/01-fixture.ipynb: missing");
    expect(cli(root).status).toBe(0);
    const fresh = cli(root, "--check");
    expect(fresh.status).toBe(0);
    expect(fresh.out).toContain("up to date");
    editFirstCodeCell(notebookPath(root), "edited();");
    fs.appendFileSync(path.join(root, "lessons", "01-fixture.md"), "\nMore.\n");
    const refused = cli(root);
    expect(refused.status).toBe(1);
    expect(refused.out).toContain("refusing to overwrite notebooks/01-fixture.ipynb");
    const out = cli(root, "--solutions");
    expect(out.status).toBe(1);
    expect(out.out).toContain("--solutions needs --out");
  });
});
