/**
 * tslab, the learners' kernel, compiles src/ itself and cannot resolve a directory import
 * (`from "./collect"` for ./collect/index.ts): every relative import in src/ must name a file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";

const src = path.resolve(__dirname, "..", "src");

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

it("no relative import in src/ names a directory", () => {
  const directoryImports: string[] = [];
  for (const file of tsFiles(src)) {
    const code = fs.readFileSync(file, "utf8").split("\n").filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join("\n");
    for (const [, spec] of code.matchAll(/(?:from|import|require\()\s*["'](\.{1,2}(?:\/[^"']*)?)["']/g)) {
      const target = path.resolve(path.dirname(file), spec);
      if (fs.existsSync(target) && fs.statSync(target).isDirectory()) directoryImports.push(`${path.relative(src, file)}: "${spec}"`);
    }
  }
  expect(directoryImports, "import the folder's index file by name, e.g. \"./collect/index\"").toEqual([]);
});
