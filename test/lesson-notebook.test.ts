import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseLesson, renderNotebook, stubSolutions, type Variant } from "../src/course/lesson";
import { KERNELSPEC_METADATA } from "../src/course/notebook/kernel-metadata";
import { joinSource, serializeNotebook, type Notebook } from "../src/course/notebook/nbformat";
import { FIXTURE } from "./fixtures/lessons/project";

/** The cell-id pattern of nbformat 4.5 (nbformat.v4 schema). */
const CELL_ID_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;

const ROOT = "/project";
const source = fs.readFileSync(FIXTURE, "utf8");
const lesson = parseLesson(source, "lessons/01-fixture.md");

function render(variant: Variant, outDir = `${ROOT}/notebooks`): Notebook {
  return renderNotebook(lesson, { variant, root: ROOT, sourceFile: `${ROOT}/lessons/01-fixture.md`, sourceText: source, outDir });
}

const allSources = (notebook: Notebook): string => notebook.cells.map((cell) => joinSource(cell.source)).join("\n---\n");

describe("student notebook", () => {
  const student = render("student");

  it("stubs every solution region with an error naming the exercise", () => {
    const text = allSources(student);
    expect(text).not.toContain("BEGIN SOLUTION");
    expect(text).not.toContain("Math.sqrt(variance[j] + EPS)");
    const exercise = student.cells.find((cell) => cell.id === "01-fixture-exercise-1_1");
    expect(joinSource(exercise?.source ?? "")).toBe(
      "function normalize(x: number[][]): number[][] {\n" +
        '  throw new Error("TODO: implement normalize — see the exercise above (Exercise 1.1)");\n' +
        "}",
    );
  });

  it("leaves out hidden tests and instructor cells, keeps visible checks", () => {
    const text = allSources(student);
    expect(text).not.toContain("hidden test failed");
    expect(text).not.toContain("**Answer.**");
    expect(text).not.toContain("a constant feature stays finite");
    expect(text).toContain("Exercise 1.1 passed");
    expect(text).toContain("Why does ε go inside the square root?");
  });

  it("marks cells for nbgrader", () => {
    const byId = new Map(student.cells.map((cell) => [cell.id, cell.metadata]));
    expect(byId.get("01-fixture-exercise-1_1")?.nbgrader).toEqual({
      grade: false,
      grade_id: "exercise-1_1",
      locked: false,
      schema_version: 3,
      solution: true,
      task: false,
    });
    expect(byId.get("01-fixture-check-1_1")?.nbgrader).toEqual({
      grade: true,
      grade_id: "check-1_1",
      locked: true,
      points: 1,
      schema_version: 3,
      solution: false,
      task: false,
    });
    expect(byId.get("01-fixture-locked")).toMatchObject({ editable: false, nbgrader: { locked: true, solution: false, grade: false } });
  });

  it("starts with a generated title cell", () => {
    expect(joinSource(student.cells[0].source)).toMatch(/^# Lesson 1 · Normalize: a fixture lesson\n\n\*About 30 minutes\.\*/);
  });

  it("records its origin in metadata.bnlab", () => {
    expect(student.metadata.bnlab).toMatchObject({
      format: 1,
      lesson: "01-fixture",
      source: "lessons/01-fixture.md",
      variant: "student",
      dir: "notebooks",
    });
    expect(student.metadata.kernelspec).toEqual(KERNELSPEC_METADATA);
    expect(student.metadata.kernelspec).toEqual({ name: "bnlab-tslab", display_name: "TypeScript (bnlab)", language: "typescript" });
  });
});

describe("instructor notebook", () => {
  const instructor = render("instructor", `${ROOT}/teacher`);
  it("keeps solutions, hidden tests and answers", () => {
    const text = allSources(instructor);
    expect(text).toContain("// BEGIN SOLUTION");
    expect(text).toContain("hidden test failed");
    expect(text).toContain("**Answer.**");
    expect(instructor.cells.length).toBe(lesson.cells.length + 1);
  });

  it("gives shared cells the same ids as the student notebook", () => {
    const studentIds = render("student").cells.map((cell) => cell.id);
    const instructorIds = instructor.cells.map((cell) => cell.id);
    expect(studentIds.every((id) => instructorIds.includes(id))).toBe(true);
    expect(studentIds.filter((id) => instructorIds.includes(id))).toEqual(studentIds);
  });
});

describe("stubSolutions", () => {
  it("replaces each region with one stub line at the marker's indentation", () => {
    const code = "function f() {\n  const a = 1;\n    // BEGIN SOLUTION\n    return a;\n    // END SOLUTION\n}\n// BEGIN SOLUTION\nf();\n// END SOLUTION";
    expect(stubSolutions(code, "f", "2.3")).toBe(
      "function f() {\n  const a = 1;\n" +
        '    throw new Error("TODO: implement f — see the exercise above (Exercise 2.3)");\n}\n' +
        'throw new Error("TODO: implement f — see the exercise above (Exercise 2.3)");',
    );
  });
});

/** The nbformat 4.5 rules bnlab depends on, checked without Python. */
function structuralProblems(notebook: Notebook): string[] {
  const problems: string[] = [];
  if (notebook.nbformat !== 4 || notebook.nbformat_minor !== 5) problems.push("nbformat must be 4.5");
  if (typeof notebook.metadata !== "object") problems.push("metadata must be an object");
  const ids = new Set<string>();
  notebook.cells.forEach((cell, i) => {
    const at = `cell ${i}`;
    if (!CELL_ID_PATTERN.test(cell.id)) problems.push(`${at}: bad id ${cell.id}`);
    if (ids.has(cell.id)) problems.push(`${at}: duplicate id ${cell.id}`);
    ids.add(cell.id);
    if (!Array.isArray(cell.source)) problems.push(`${at}: source must be a list of lines`);
    else {
      cell.source.forEach((line, j) => {
        const last = j === cell.source.length - 1;
        if (typeof line !== "string") problems.push(`${at}: non-string line`);
        else if (!last && !line.endsWith("\n")) problems.push(`${at}: line ${j} lacks its newline`);
        else if (line.slice(0, -1).includes("\n")) problems.push(`${at}: line ${j} holds several lines`);
      });
      if (cell.source.length > 0 && cell.source[cell.source.length - 1].endsWith("\n")) {
        problems.push(`${at}: trailing newline (Jupyter strips it)`);
      }
    }
    if (typeof cell.metadata !== "object" || cell.metadata === null) problems.push(`${at}: metadata must be an object`);
    const allowed =
      cell.cell_type === "code"
        ? ["cell_type", "execution_count", "id", "metadata", "outputs", "source"]
        : ["attachments", "cell_type", "id", "metadata", "source"];
    for (const key of Object.keys(cell)) if (!allowed.includes(key)) problems.push(`${at}: unexpected key ${key}`);
    if (cell.cell_type === "code") {
      if (cell.execution_count !== null) problems.push(`${at}: execution_count must be null`);
      if (!Array.isArray(cell.outputs) || cell.outputs.length > 0) problems.push(`${at}: outputs must be empty`);
    } else if (cell.cell_type !== "markdown" && cell.cell_type !== "raw") {
      problems.push(`${at}: unknown cell_type`);
    }
  });
  return problems;
}

const PYTHON = "/usr/bin/python3";
function pythonNbformat(): boolean {
  return spawnSync(PYTHON, ["-c", "import nbformat"], { stdio: "ignore" }).status === 0;
}

describe("nbformat validity", () => {
  const variants: [Variant, string][] = [
    ["student", `${ROOT}/notebooks`],
    ["instructor", `${ROOT}/teacher`],
  ];

  it.each(variants)("the %s notebook passes the structural validator", (variant, outDir) => {
    expect(structuralProblems(render(variant, outDir))).toEqual([]);
  });

  it("serializes like Jupyter: sorted keys, 1-space indent, trailing newline", () => {
    const text = serializeNotebook(render("student"));
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe(' "cells": [');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["cells", "metadata", "nbformat", "nbformat_minor"]);
  });

  it.each(variants)("the %s notebook passes Python nbformat.validate and re-serializes to the same bytes", (variant, outDir) => {
    if (!pythonNbformat()) {
      const message = `Python nbformat is not available (${PYTHON} -c "import nbformat" failed); install python3-nbformat`;
      if (process.env.CI) throw new Error(message);
      console.warn(`note: skipped the nbformat.validate check: ${message}`);
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-nbformat-"));
    try {
      const file = path.join(dir, "lesson.ipynb");
      const text = serializeNotebook(render(variant, outDir));
      fs.writeFileSync(file, text);
      const script = [
        "import sys, nbformat",
        "nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)",
        "nbformat.validate(nb)",
        "sys.stdout.write(nbformat.writes(nb) + '\\n')",
      ].join("\n");
      const result = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8" });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
