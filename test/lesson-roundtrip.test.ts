/**
 * lesson → notebook → lesson is lossless: for every lesson under lessons/ and every fixture lesson,
 * importing the built notebook (instructor and student variants) gives back the file byte for byte.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildLessons, importNotebook, ImportError } from "../src/course/lesson";
import { joinSource, type Notebook } from "../src/course/notebook/nbformat";
import { fixtureLessons, makeProject, removeProject } from "./fixtures/lessons/project";

const REPO = path.join(__dirname, "..");
const repoLessonsDir = path.join(REPO, "lessons");
const repoLessons = fs.existsSync(repoLessonsDir)
  ? fs
      .readdirSync(repoLessonsDir)
      .filter((name) => /^\d{2}-.*\.md$/.test(name))
      .sort()
      .map((name) => path.join(repoLessonsDir, name))
  : [];
const lessons = [...repoLessons, ...fixtureLessons()];

const projects: string[] = [];
afterEach(() => {
  while (projects.length > 0) removeProject(projects.pop() ?? "");
});

const read = (file: string): Notebook => JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;

function importFile(root: string, notebookFile: string): string {
  const notebook = read(notebookFile);
  const source = (notebook.metadata.bnlab as { source: string }).source;
  const lessonSource = fs.readFileSync(path.join(root, source), "utf8");
  return importNotebook(notebook, { root, lessonSource, notebookName: path.basename(notebookFile) }).text;
}

describe("round trip", () => {
  if (repoLessons.length === 0) {
    it("lessons/ has no lessons yet (the fixtures below still run)", () => {
      expect(lessons.length).toBeGreaterThan(0);
    });
  }

  it.each(lessons.map((file) => [path.relative(REPO, file), file]))("%s survives both variants byte for byte", (_name, file) => {
    const root = makeProject([file]);
    projects.push(root);
    const original = fs.readFileSync(file, "utf8");
    const base = path.basename(file, ".md");
    buildLessons({ root });
    buildLessons({ root, variant: "instructor", outDir: path.join(root, "build", "instructor") });
    expect(importFile(root, path.join(root, "build", "instructor", `${base}.ipynb`))).toBe(original);
    expect(importFile(root, path.join(root, "notebooks", `${base}.ipynb`))).toBe(original);
  });
});

describe("importing an edited student notebook", () => {
  function setup(): { root: string; notebookFile: string; lessonFile: string; notebook: Notebook } {
    const root = makeProject();
    projects.push(root);
    buildLessons({ root });
    const notebookFile = path.join(root, "notebooks", "01-fixture.ipynb");
    return { root, notebookFile, lessonFile: path.join(root, "lessons", "01-fixture.md"), notebook: read(notebookFile) };
  }

  it("folds in the edits and keeps solutions, hidden tests and instructor answers", () => {
    const { root, lessonFile, notebook } = setup();
    const exercise = notebook.cells.find((cell) => cell.id === "01-fixture-exercise-1_1");
    if (!exercise) throw new Error("no exercise cell");
    exercise.source = joinSource(exercise.source).replace("function normalize", "/** Per-feature. */\nfunction normalize");
    const intro = notebook.cells[1];
    intro.source = joinSource(intro.source) + "\n\nA sentence added in Jupyter.";
    notebook.cells.push({ cell_type: "markdown", id: "new-cell", metadata: {}, source: ["A new closing remark."] });
    notebook.cells.splice(3, 0, { cell_type: "code", id: "empty", metadata: {}, source: [], execution_count: null, outputs: [] });

    const before = fs.readFileSync(lessonFile, "utf8");
    const result = importNotebook(notebook, { root, lessonSource: before });
    expect(result.changed).toBe(true);
    expect(result.text).toBe(
      before
        .replace("\\varepsilon}}$$\n", () => "\\varepsilon}}$$\n\nA sentence added in Jupyter.\n")
        .replace("function normalize", () => "/** Per-feature. */\nfunction normalize") +
        "\nA new closing remark.\n",
    );
  });

  it("refuses when a stub was replaced, since the solution could not be restored", () => {
    const { root, lessonFile, notebook } = setup();
    const exercise = notebook.cells.find((cell) => cell.id === "01-fixture-exercise-1_1");
    if (!exercise) throw new Error("no exercise cell");
    exercise.source = "function normalize(x: number[][]) { return x; }";
    const run = (): unknown => importNotebook(notebook, { root, lessonSource: fs.readFileSync(lessonFile, "utf8") });
    expect(run).toThrow(ImportError);
    expect(run).toThrow(/stub of Exercise 1.1 \(normalize\) was changed/);
  });

  it("refuses when the lesson changed since the notebook was built", () => {
    const { root, lessonFile, notebook } = setup();
    const run = (): unknown => importNotebook(notebook, { root, lessonSource: fs.readFileSync(lessonFile, "utf8") + "\nNew.\n" });
    expect(run).toThrow(/changed since .* was built/);
  });

  it("refuses a Markdown cell that would split differently when parsed back", () => {
    const { root, lessonFile, notebook } = setup();
    notebook.cells[1].source = "Part one\n\n<!-- cell -->\n\nPart two";
    expect(() => importNotebook(notebook, { root, lessonSource: fs.readFileSync(lessonFile, "utf8") })).toThrow(
      /would not come back as the same cell/,
    );
  });

  it("refuses an edited title cell", () => {
    const { root, lessonFile, notebook } = setup();
    notebook.cells[0].source = "# Another title";
    expect(() => importNotebook(notebook, { root, lessonSource: fs.readFileSync(lessonFile, "utf8") })).toThrow(/title cell/);
  });
});
