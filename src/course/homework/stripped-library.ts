/**
 * The library without the implementations an exercise forbids: a copy of dist/ in which every
 * module that defines one of the forbidden names (`class BatchNorm1d`, `function evaluate`) is
 * replaced by a module whose exports all throw when used. A kernel given this copy has no
 * BatchNorm1d to reach, by whatever spelling, nor on disk to read. Nor has it the checkers' judge
 * code (JUDGE_MODULES: expected values, predicted mistakes; collection, exercises/collect/, requires
 * none of it), refused the same way whatever the names.
 * Built once per set of names and reused (a folder named by their hash).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { listFiles } from "./library-bundle";

/** The judge side of the checkers, as paths under dist/exercises/ (a folder ends in a separator). */
const JUDGE_MODULES = ["checkers/", "variants.js", "generic-mistakes.js"];

/** The stripped copy of `<projectRoot>/dist` under `parent`, made if missing; returns its dist folder. */
export function strippedLibrary(projectRoot: string, forbids: readonly string[], parent: string): string {
  const names = [...new Set(forbids)].sort();
  const dist = path.join(projectRoot, "dist");
  const stamp = fs.statSync(path.join(dist, "index.js")).mtimeMs;
  const key = createHash("sha256").update(JSON.stringify([names, stamp])).digest("hex").slice(0, 16);
  const out = path.join(parent, `library-${key}`, "dist");
  if (fs.existsSync(path.join(out, "index.js"))) return out;
  const building = `${out}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(out), { recursive: true, mode: 0o711 });
  fs.cpSync(dist, building, { recursive: true, dereference: true });
  const judging = JUDGE_MODULES.map((p) => path.join(building, "exercises", p));
  for (const file of listFiles(building).filter((f) => f.endsWith(".js"))) {
    const judge = judging.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p));
    const defines = judge ? [] : names.filter((name) => new RegExp(`^(?:class|function|async function) ${name}\\b`, "m").test(fs.readFileSync(file, "utf8")));
    if (!judge && defines.length === 0) continue;
    const real = require(path.join(dist, path.relative(building, file))) as Record<string, unknown>;
    fs.writeFileSync(file, refusingModule(Object.keys(real), defines));
    fs.rmSync(file.replace(/\.js$/, ".d.ts"), { force: true });
  }
  try {
    fs.renameSync(building, out);
  } catch (err) {
    fs.rmSync(building, { recursive: true, force: true });
    if (!fs.existsSync(path.join(out, "index.js"))) throw err; // else another grader process made it first
  }
  // dist/ loads its runtime packages from a node_modules beside it (in the sandbox, /bnlab/node_modules)
  const modules = path.join(path.dirname(out), "node_modules");
  if (!fs.existsSync(modules)) fs.symlinkSync(fs.realpathSync(path.join(projectRoot, "node_modules")), modules, "dir");
  return out;
}

/** A module with the same export names, each a function that throws (classes extending one still load). */
function refusingModule(exportNames: readonly string[], defines: readonly string[]): string {
  const why = defines.length === 0 ? "it is the checkers' judge code" : `the library's ${defines.join(", ")} ${defines.length === 1 ? "is" : "are"} what it asks you to write`;
  const message = `is not available while this exercise is graded: ${why}`;
  return [
    `"use strict";`,
    `Object.defineProperty(exports, "__esModule", { value: true });`,
    ...exportNames.map((name) => `exports[${JSON.stringify(name)}] = function ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : "refused"}() { throw new Error(${JSON.stringify(`${name} ${message}`)}); };`),
    "",
  ].join("\n");
}
