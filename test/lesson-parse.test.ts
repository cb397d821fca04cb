import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { checkCanonical, LessonError, parseLesson, printLesson, type CodeLessonCell } from "../src/course/lesson";
import { parseFenceInfo, printFenceInfo } from "../src/course/lesson/fence-attributes";
import { parseFrontMatter, printFrontMatter } from "../src/course/lesson/front-matter";
import { FIXTURE } from "./fixtures/lessons/project";

const fixture = fs.readFileSync(FIXTURE, "utf8");

function lesson(body: string, front = "---\ntitle: T\n---\n"): ReturnType<typeof parseLesson> {
  return parseLesson(front + body, "lessons/01-test.md");
}

describe("parseLesson", () => {
  it("turns the fixture into markdown and code cells with roles", () => {
    const parsed = parseLesson(fixture, "test/fixtures/lessons/01-fixture.md");
    expect(parsed.name).toBe("01-fixture");
    expect(parsed.number).toBe(1);
    expect(parsed.frontMatter).toEqual({
      title: "Normalize: a fixture lesson",
      objectives: ["Compute per-feature statistics over the minibatch (axis 0)", "Explain why ε sits inside the square root"],
      minutes: 30,
    });
    const summary = parsed.cells.map((cell) =>
      cell.type === "markdown" ? (cell.instructorOnly ? "md:instructor" : "md") : `code:${cell.role.kind}`,
    );
    expect(summary).toEqual([
      "md",
      "md",
      "code:plain",
      "md",
      "code:exercise",
      "code:check",
      "code:test",
      "md",
      "code:locked",
      "md",
      "md:instructor",
      "code:instructor",
    ]);
    const exercise = parsed.cells[4] as CodeLessonCell;
    expect(exercise.role).toEqual({ kind: "exercise", exercise: "1.1", name: "normalize", points: 2 });
    expect(exercise.source.startsWith("function normalize")).toBe(true);
    expect(exercise.source.endsWith("}")).toBe(true);
    expect(exercise.line).toBe(fixture.split("\n").indexOf('```ts {exercise="1.1" name="normalize" points=2}') + 1);
  });

  it("keeps Markdown verbatim, including math and {static} fences", () => {
    const parsed = parseLesson(fixture, "01-fixture.md");
    expect(parsed.cells[0].source).toBe(
      "Batch normalization standardizes each **feature** over the minibatch:\n\n" +
        "$$\\hat{x} = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\varepsilon}}$$",
    );
    expect(parsed.cells[7].source).toContain("```ts {static}\nnormalize(x); // not run\n```");
  });

  it("splits Markdown at <!-- cell --> and keeps an instructor region as one cell", () => {
    const parsed = lesson("\nA\n\n<!-- cell -->\n\nB\n\n<!-- instructor -->\n\nanswer\n\n<!-- /instructor -->\n");
    expect(parsed.cells.map((c) => [c.source, c.type === "markdown" && c.instructorOnly])).toEqual([
      ["A", false],
      ["B", false],
      ["answer", true],
    ]);
  });

  it("leaves fences of other languages and nested TypeScript fences in the Markdown", () => {
    const parsed = lesson("\nText\n\n```python\nx = 1\n```\n\n> ```ts\n> quoted()\n> ```\n");
    expect(parsed.cells).toHaveLength(1);
    expect(parsed.cells[0].type).toBe("markdown");
  });

  it("accepts ```typescript and remembers it", () => {
    const parsed = lesson("\n```typescript\nlet a = 1;\n```\n");
    expect(parsed.cells[0]).toMatchObject({ type: "code", language: "typescript", source: "let a = 1;" });
    expect(printLesson(parsed)).toBe("---\ntitle: T\n---\n\n```typescript\nlet a = 1;\n```\n");
  });

  it.each([
    ["no front matter", "# Hi\n", "", /front matter/],
    ["unknown attribute", "\n```ts {exercize=\"1\"}\nx\n```\n", undefined, /unknown attribute "exercize"/],
    ["exercise without name", '\n```ts {exercise="1.1"}\n// BEGIN SOLUTION\n// END SOLUTION\n```\n', undefined, /needs name=/],
    ["exercise without region", '\n```ts {exercise="1.1" name="f"}\nf();\n```\n', undefined, /no "\/\/ BEGIN SOLUTION"/],
    ["unclosed region", '\n```ts {exercise="1.1" name="f"}\n// BEGIN SOLUTION\n```\n', undefined, /never closed/],
    ["region outside exercise", "\n```ts\n// BEGIN SOLUTION\n// END SOLUTION\n```\n", undefined, /belong in exercise cells/],
    ["two roles", '\n```ts {check test}\nx\n```\n', undefined, /one role/],
    ["code inside instructor region", "\n<!-- instructor -->\n\n```ts\nx\n```\n\n<!-- /instructor -->\n", undefined, /\{instructor\}/],
    ["unclosed instructor region", "\n<!-- instructor -->\n\nx\n", undefined, /never closed/],
    ["cell break inside instructor region", "\n<!-- instructor -->\n\na\n\n<!-- cell -->\n\nb\n\n<!-- /instructor -->\n", undefined, /inside an instructor region/],
  ])("rejects %s with a located message", (_name, body, front, message) => {
    const run = (): unknown => (front === undefined ? lesson(body) : parseLesson(front + body, "lessons/01-x.md"));
    expect(run).toThrow(LessonError);
    expect(run).toThrow(message);
    expect(run).toThrow(/^lessons\/01-[a-z]+\.md:\d+: /);
  });

  it("reports the line of a bad solution marker", () => {
    try {
      lesson('\n```ts {exercise="1" name="f"}\nfunction f() {\n  // END SOLUTION\n}\n```\n');
      expect.unreachable();
    } catch (error) {
      expect((error as LessonError).line).toBe(7);
    }
  });
});

describe("fence attributes", () => {
  it("parses roles, ids, points and flags", () => {
    expect(parseFenceInfo('ts {exercise="1.1" name="normalize" points=2}').role).toEqual({
      kind: "exercise",
      exercise: "1.1",
      name: "normalize",
      points: 2,
    });
    expect(parseFenceInfo("ts {check=1.2 points=1 id=my-check}")).toMatchObject({
      role: { kind: "check", exercise: "1.2", points: 1 },
      id: "my-check",
    });
    expect(parseFenceInfo("ts {test}").role).toEqual({ kind: "test" });
    expect(parseFenceInfo("ts {locked}").role).toEqual({ kind: "locked" });
    expect(parseFenceInfo("typescript {instructor}")).toMatchObject({ language: "typescript", role: { kind: "instructor" } });
    expect(parseFenceInfo("ts {static}").isStatic).toBe(true);
    expect(parseFenceInfo('ts {exercise="a \\"q\\"" name="f"}').role).toMatchObject({ exercise: 'a "q"' });
  });

  it("prints canonical info strings that parse back", () => {
    for (const info of ['ts {exercise="1.1" name="normalize" points=2}', 'ts {check="1.1" id="c" points=1}', "ts {test}", "ts"]) {
      const parsed = parseFenceInfo(info);
      expect(printFenceInfo(parsed.language, parsed.role, parsed.id)).toBe(info);
    }
  });

  it("rejects points on plain cells and values on flags", () => {
    expect(() => parseFenceInfo("ts {points=1}")).toThrow(/points=/);
    expect(() => parseFenceInfo('ts {locked="yes"}')).toThrow(/flag/);
    expect(() => parseFenceInfo("ts title")).toThrow(/braces/);
  });
});

describe("front matter", () => {
  it("parses the documented subset and prints it canonically", () => {
    const lines = ["title: 'x' and more", "minutes: 45", "objectives:", "  - One", '  - "Two: quoted"', "draft: true", "tags: []", "# comment"];
    const parsed = parseFrontMatter(lines, "f.md", 2);
    expect(parsed).toEqual({ title: "'x' and more", minutes: 45, objectives: ["One", "Two: quoted"], draft: true, tags: [] });
    expect(printFrontMatter(parsed)).toBe(
      '---\ntitle: "\'x\' and more"\nobjectives:\n  - One\n  - "Two: quoted"\nminutes: 45\ndraft: true\ntags: []\n---\n',
    );
  });

  it("quotes strings that would read back as something else", () => {
    const tricky = { title: "45", a: "true", b: "- dash", c: "x: y", d: " padded", e: "ε plain" };
    const printed = printFrontMatter(tricky);
    expect(parseFrontMatter(printed.split("\n").slice(1, -2), "f.md", 2)).toEqual(tricky);
    expect(printed).toContain("e: ε plain\n");
  });

  it("requires a title", () => {
    expect(() => parseFrontMatter(["minutes: 3"], "f.md", 2)).toThrow(/title/);
  });
});

describe("canonical form", () => {
  it("the fixture is canonical", () => {
    expect(checkCanonical(fixture, "01-fixture.md")).toMatchObject({ canonical: true, firstDifference: null });
  });

  it("points at the first non-canonical line", () => {
    const report = checkCanonical("---\ntitle: T\n---\n\nA\n<!-- cell -->\nB\n", "01-x.md");
    expect(report.canonical).toBe(false);
    expect(report.firstDifference).toBe(6);
    expect(report.expected).toBe("---\ntitle: T\n---\n\nA\n\n<!-- cell -->\n\nB\n");
  });

  it("uses a longer fence when code contains one", () => {
    const parsed = lesson("\n````ts\nconst md = `\n```\n`;\n````\n");
    expect((parsed.cells[0] as CodeLessonCell).source).toBe("const md = `\n```\n`;");
    expect(checkCanonical(printLesson(parsed), "01-x.md").canonical).toBe(true);
  });
});
