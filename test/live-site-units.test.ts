/**
 * The live site's pieces that run without a browser: the MNIST binary the site ships (the same digits
 * as the mnist package, refused when damaged), and how a cell is compiled for the page's one global
 * scope (const → var, imports from the bundled library, lines kept, the last expression's value).
 */
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { decodeMnist, encodeMnist } from "../src/data/mnist-binary";
import { readMnistDigits } from "../src/data/mnist-raw";
import { compileCell } from "../src/course/live/browser/cell-transform";
import { originalPosition } from "../src/course/live/browser/source-map";
import { TimedOut, withTimeLimit } from "../src/exercises/time-limit.browser";

describe("mnist.bin", () => {
  it("refuses a file that is not one, or is cut short", () => {
    expect(() => decodeMnist(new TextEncoder().encode("not mnist at all"), "x.bin")).toThrow(/x\.bin is not a bnlab MNIST file/);
    const bytes = encodeMnist({ codes: new Uint8Array(784 * 2), values: Float64Array.from([0, 1]), labels: [3, 4] });
    expect(() => decodeMnist(bytes.subarray(0, bytes.length - 1), "x.bin")).toThrow(/holds \d+ bytes, expected \d+ for 2 images/);
  });

  it("holds exactly the digits of the mnist package", () => {
    const raw = readMnistDigits();
    const back = decodeMnist(encodeMnist(raw), "mnist.bin");
    expect(back.labels).toEqual(raw.labels);
    expect(Array.from(back.values)).toEqual(Array.from(raw.values));
    expect(Buffer.from(back.codes).equals(Buffer.from(raw.codes))).toBe(true);
  }, 60_000);
});

/** Runs compiled cells one after the other by indirect eval in the global scope, as the worker does. */
function runCells(sources: string[], modules: Record<string, unknown>): unknown[] {
  (globalThis as Record<string, unknown>).__bnlabImport = (spec: string) => modules[spec];
  return sources.map((source, i) => {
    const cell = compileCell(ts, source, `cell-${i + 1}`);
    expect(cell.diagnostics).toEqual([]);
    return (0, eval)(cell.js) as unknown;
  });
}

describe("a cell compiled for the page", () => {
  it("reports a syntax error with the cell's line and runs nothing", () => {
    const cell = compileCell(ts, "const a = 1;\nconst b = ;\n", "cell-1");
    expect(cell.diagnostics).toHaveLength(1);
    expect(cell.diagnostics[0]).toMatchObject({ line: 2, message: "Expression expected." });
  });

  it("lets a later cell see a declaration, re-declares const, and imports the library", () => {
    const library = { double: (x: number) => 2 * x };
    const values = runCells(['import { double } from "../src";\nconst liveX: number = double(20);\nliveX', "const liveX = 41;\nliveX + 1", "class LivePoint { constructor(public x: number) {} }\nnew LivePoint(liveX).x"], { "../src": library });
    expect(values[0]).toBe(40);
    expect(values[1]).toBe(42);
    expect(values[2]).toBe(41);
  });

  it("shows the last value only when the cell ends with an expression", () => {
    expect(compileCell(ts, "const a = 1;\na + 1", "c").showsLastValue).toBe(true);
    expect(compileCell(ts, "const a = 1;\nif (a) { a + 1; }", "c").showsLastValue).toBe(false);
    expect(compileCell(ts, "interface P { x: number }\nconst p: P = { x: 1 };", "c").showsLastValue).toBe(false);
  });

  it("keeps each statement on its line, so a stack frame maps back to the cell's line", () => {
    const source = 'import { a,\n  b } from "../src";\ntype T = number;\n\nconst t: T = 1;\nthrow new Error("here");';
    const cell = compileCell(ts, source, "cell-3");
    const thrownAt = cell.js.split("\n").findIndex((line) => line.includes("throw new Error")) + 1;
    expect(originalPosition(cell.lines, thrownAt, 1).line).toBe(6);
  });

  it("starts every loop's body with the guard, nested and unbraced loops included, and keeps the lines", () => {
    const source = "let n = 0;\nfor (let i = 0; i < 3; i++) n++;\nwhile (n < 5) { n++; }\ndo n++; while (n < 7);\nfor (const a of [1]) for (const k in { b: 1 }) n += a + k.length;\nn";
    const cell = compileCell(ts, source, "cell-4");
    expect(cell.diagnostics).toEqual([]);
    expect(cell.js.match(/__bnlabLoopGuard\(\);/g)).toHaveLength(5);
    const innermost = cell.js.split("\n").findIndex((line) => line.includes("n += a + k.length")) + 1;
    expect(originalPosition(cell.lines, innermost, 1).line).toBe(5);
    expect(runCells([source], {})[0]).toBe(9);
  });
});

describe("the live site's time limit", () => {
  it("stops a learner's endless loop with TimedOut, also one that catches the guard's error", () => {
    const [spin, stubborn] = runCells(
      ["const spinForever = () => { let i = 0; while (true) i++; };\nspinForever", "const stubborn = () => { for (;;) { try { while (true); } catch { /* keep going */ } } };\nstubborn"],
      {},
    ) as Array<() => void>;
    for (const body of [spin, stubborn]) expect(() => withTimeLimit(body, 0.2)).toThrow(TimedOut);
  });

  it("returns what a body returns in time, rethrows its error, and lets loops run freely outside a limit", () => {
    expect(withTimeLimit(() => 42, 1)).toBe(42);
    expect(() => withTimeLimit(() => { throw new RangeError("mine"); }, 1)).toThrow(RangeError);
    const [count] = runCells(["let turns = 0;\nfor (let i = 0; i < 5000; i++) turns++;\nturns"], {});
    expect(count).toBe(5000);
  });

  it("reports a body that returns after its deadline", () => {
    const sleepy = () => {
      const until = performance.now() + 150;
      while (performance.now() < until); // library code: not guarded
      return 1;
    };
    expect(() => withTimeLimit(sleepy, 0.05)).toThrow(TimedOut);
  });
});
