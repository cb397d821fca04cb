/**
 * What the learner kernel reads from a cell: the names it declares at its top level and the names
 * of earlier cells it uses. A name bound inside the cell (a parameter, a local, a loop or catch
 * variable) is not a use: an exercise whose function takes a parameter `layer` must still run after
 * a skipped cell that would have declared a global `layer`.
 */
import { createRequire } from "node:module";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";

const { cellNames } = createRequire(__filename)("../scripts/launcher/cell-names.cjs") as {
  cellNames(typescript: typeof ts, source: string): { declared: Set<string>; used: Set<string> };
};
const used = (source: string) => [...cellNames(ts, source).used].sort();
const declared = (source: string) => [...cellNames(ts, source).declared].sort();

describe("cellNames", () => {
  it("does not count a parameter, a local, a loop or catch variable, or a type parameter as a use", () => {
    expect(used("function layerIcs(gradFn: GradFn, params: Matrix[], layer: number) {\n  const g = gradFn(params);\n  return g[layer];\n}")).toEqual(["GradFn", "Matrix", "layerIcs"]);
    expect(used("for (const layer of layers) console.log(layer);")).toEqual(["console", "layers"]);
    expect(used("const f = <T>(v: T) => { try { return v; } catch (e) { return e; } };")).toEqual(["f"]);
  });

  it("counts the names of earlier cells a cell reads, also inside its functions", () => {
    expect(used("const y = layer.forward(x);")).toEqual(["layer", "x", "y"]);
    expect(used("function step() { return model.forward(batch); }")).toEqual(["batch", "model", "step"]);
    expect(used("const { mu, variance } = batchStats(z);\nmu")).toEqual(["batchStats", "mu", "variance", "z"]);
  });

  it("declares the top-level names, destructured ones included", () => {
    expect(declared("const { mu, variance: v } = batchStats(z);\nfunction f(a: number) { const inner = a; return inner; }\nclass K {}")).toEqual(["K", "f", "mu", "v"]);
  });
});
