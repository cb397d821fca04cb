/**
 * The bad-input battery covers every public export: each callable export of
 * src/index.ts (and each member of the lesson namespaces) must have a
 * cases("name", …) or stateCases("name", …) block in a test/bad-inputs-*.test.ts
 * file, or be on the allow-list below with the reason it needs none. A new
 * export without either fails here.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import * as lib from "../src";
import { check, checkers } from "../src";
import { cases } from "./bad-inputs/battery";

/** Exports that need no battery entry, and why. */
const ALLOW: Record<string, string> = {
  EXERCISE_IDS: "a constant list of exercise ids",
  PROTOCOL: "a constant protocol version",
  DEFAULT_TIME_LIMIT_SECONDS: "a constant",
  collectors: "a frozen table of collectors by id: unknown ids are looked up with collectorFor (own keys only), tested in exercises-protocol.test.ts",
  judges: "a frozen table of judges by id: forged and malformed data tested in exercises-protocol.test.ts",
  judgeFor: "a lookup by id that returns undefined for anything but an own key: exercises-protocol.test.ts",
  withTimeLimit: "runs a function under a vm time limit: infinite loops and throws tested in exercises-protocol.test.ts",
  TimedOut: "an error class",
  isMisconceptionId: "a predicate: any value gives true or false",
  // constants and tables: nothing to call
  MNIST_IMAGE_SIZE: "a constant (28)",
  MNIST_PIXELS: "a constant (784)",
  METHOD_LABELS: "a constant table of labels",
  NEUTRAL_COLOR: "a constant colour",
  PLOTLY_MIME: "a constant MIME type",
  CHECK_MARKER: "a constant marker string",
  MISCONCEPTIONS: "a constant table of misconceptions",
  MISCONCEPTION_IDS: "a constant list of ids",
  jsBackend: "an object of backend functions: covered as `backend js` in bad-inputs-tensor.test.ts",
  "gammaBeta.SIGMOID_SETTINGS": "a constant table",
  "smallBatches.BATCH_SIZES": "a constant list",
  "smallBatches.EXAMPLES_SEEN": "a constant",
  "smallBatches.SEED": "a constant",
  "smallBatches.WIDTH": "a constant",
  "capstone.FIGURE1": "a constant table of settings",
  "capstone.SWEEP": "a constant table of settings",
  "capstone.check": "an object holding capstone.checkStepsToTarget and capstone.checkBnNet (covered)",
  "whyBn.WHY": "a constant table of settings",
  // functions without arguments: nothing to get wrong
  xavierInit: "takes no arguments",
  kaimingInit: "takes no arguments",
  pytorchInit: "takes no arguments",
  backend: "takes no arguments",
  precision: "takes no arguments",
  "normalizing.tinyBatch": "takes no arguments",
  "smallBatches.lessonData": "takes no arguments",
  "capstone.mnist": "takes no arguments",
  "capstone.pooledMnist": "takes no arguments",
  "cnn.lessonData": "takes no arguments",
  // abstract bases: not constructed directly, their checks run in every subclass
  Module: "abstract: its checks (checkInput, checkGrad, train, loadStateDict) are exercised through every layer (Module.train, Module.loadStateDict)",
  Optimizer: "abstract: its checks run in SGD and Adam (and Optimizer.lr)",
  // theme helpers: total functions of a name or options (an unknown name gets the fallback colour)
  toMethod: "total: any string maps to a method or undefined (see bad-inputs-charts: history adapters and theme helpers)",
  methodColor: "total: an unknown method gets a fallback colour (see bad-inputs-charts)",
  axis: "options are all optional display settings passed to Plotly as they are",
  baseLayout: "options are all optional display settings passed to Plotly as they are",
};

/** Every public name: the exports, and the members of the lesson namespaces as "namespace.member". */
function publicNames(): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [name, value] of Object.entries(lib)) {
    const isNamespace = ["normalizing", "gammaBeta", "runningAverages", "evalMode", "smallBatches", "capstone", "whyBn", "cnn"].includes(name);
    if (isNamespace) for (const [member, v] of Object.entries(value as object)) out.push([`${name}.${member}`, v]);
    else out.push([name, value]);
  }
  return out;
}

/** The names that have a cases("…") or stateCases("…") block, from the battery files' source. */
function coveredNames(): Set<string> {
  const dir = __dirname;
  const names = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => /^bad-inputs-.*\.test\.ts$/.test(f))) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    for (const m of text.matchAll(/\b(?:cases|stateCases)\(\s*[`"]([^`"]+)[`"]/g)) names.add(m[1]);
  }
  return names;
}

describe("every public export has a battery entry or a reason on the allow-list", () => {
  const covered = coveredNames();
  const isCovered = (name: string) =>
    [...covered].some((c) => c === name || c.startsWith(`${name}.`) || c.startsWith(`${name} `) || c.startsWith(`${name}(`));
  for (const [name, value] of publicNames()) {
    it(name, () => {
      if (typeof value !== "function") {
        expect(ALLOW[name] ?? (isCovered(name) ? "covered" : undefined), `${name} is not callable: add it to the allow-list with a reason`).toBeDefined();
        return;
      }
      expect(isCovered(name) || ALLOW[name] !== undefined, `${name} has no cases("${name}", …) block in test/bad-inputs-*.test.ts and is not on the allow-list`).toBe(true);
    });
  }
  it("the allow-list names only exports that exist (no stale entries)", () => {
    const names = new Set(publicNames().map(([n]) => n));
    expect(Object.keys(ALLOW).filter((n) => !names.has(n))).toEqual([]);
  });
  it("the battery is several hundred cases", () => {
    const dir = __dirname;
    let count = 0;
    for (const file of fs.readdirSync(dir).filter((f) => /^bad-inputs-.*\.test\.ts$/.test(f))) {
      count += (fs.readFileSync(path.join(dir, file), "utf8").match(/^\s*\[\s*"[^"]+",\s*\(/gm) ?? []).length;
    }
    expect(count).toBeGreaterThan(300);
  });
});

// The exercise checkers (src/exercises) report a wrong argument as a result with kind "wrong-type" rather than throwing.
const checkerCall = (name: string, f: (fn: unknown) => { ok: boolean; kind: string; message: string }) => (): never => {
  const r = f(5);
  throw new Error(`${name} reported ${r.ok ? "ok" : r.kind}: ${r.message}`);
};
cases("check", [["check.batchStats(5)", checkerCall("check", (fn) => check.batchStats(fn as never)), /check reported wrong-type: Pass your function itself to the checker/]]);
cases("checkers", [["checkers.normalize(5)", checkerCall("checkers", (fn) => checkers.normalize(fn as never)), /checkers reported wrong-type: Pass your function itself/]]);

// What the checkers return is read by report, formatResult, assertPasses and CheckFailedError: anything else is refused by name.
const notAResult: Array<[string, unknown]> = [["null", null], ["a number", 5], ["an object without ok", { title: "t", message: "m" }]];
const resultCases = (name: string, call: (r: unknown) => unknown): Array<[string, () => unknown, RegExp]> =>
  notAResult.map(([label, r]) => [label, () => call(r), new RegExp(`${name}: result must be what a checker returns`)]);
cases("report", resultCases("report", (r) => lib.report(r as never)));
cases("formatResult", resultCases("formatResult", (r) => lib.formatResult(r as never)));
cases("assertPasses", resultCases("assertPasses", (r) => lib.assertPasses(r as never)));
cases("CheckFailedError", resultCases("CheckFailedError", (r) => new lib.CheckFailedError(r as never)));
cases("misconception", [
  ["an unknown id", () => lib.misconception("nope" as never), /misconception: id must be one of the catalogue's ids \(.*\), got "nope"/],
  ["a prototype key", () => lib.misconception("constructor" as never), /misconception: id must be one of the catalogue's ids/],
]);
