/**
 * The comparison that decides whether the committed PyTorch fixtures are stale
 * (test/helpers/fixture-diff.ts): a regenerated file on another CPU may differ in the last bits of
 * what OpenBLAS computed, never in its structure or its inputs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffFixtures, ulpOf } from "./helpers/fixture-diff";

const inputKeys = new Set(["x", "targets"]);
const options = { inputKeys, ulps: 4 };
const next = (v: number, steps = 1): number => {
  const buffer = new Float64Array([v]);
  const bits = new BigInt64Array(buffer.buffer);
  bits[0] += BigInt(v >= 0 ? steps : -steps);
  return buffer[0];
};

describe("diffFixtures", () => {
  const committed = { torch: "1.13.0", x: [[0.5, -1.25]], targets: [1, 0], y: [[0.123456789, -2.5]], loss: 1.75, steps: 2 };

  it("accepts an identical file", () => {
    expect(diffFixtures(committed, structuredClone(committed), options)).toBeNull();
  });

  it("accepts an output a few ulp away (another CPU's OpenBLAS kernel)", () => {
    const fresh = structuredClone(committed);
    fresh.y[0][0] = next(fresh.y[0][0], 2);
    fresh.loss = next(fresh.loss, -3);
    expect(diffFixtures(committed, fresh, options)).toBeNull();
  });

  it("measures the ulp against the largest value of the enclosing object, so a cancelled sum may move by the big terms' rounding", () => {
    const row = { y: [1000, 1e-3], bias: [-1.3e-18] };
    const fresh = { y: [1000, 1e-3 + 2 * ulpOf(1000)], bias: [4.3e-19] };
    expect(diffFixtures(row, fresh, options)).toBeNull();
    const tooFar = { y: [1000, 1e-3 + 8 * ulpOf(1000)], bias: [0] };
    expect(diffFixtures(row, tooFar, options)).toMatch(/^\$\.y\[1\]: committed 0\.001, .*more than 4 ulp/);
  });

  it("rejects an output that really changed (1e-12 relative), naming its path", () => {
    const fresh = structuredClone(committed);
    fresh.y[0][1] = -2.5 * (1 + 1e-12);
    expect(diffFixtures(committed, fresh, options)).toMatch(/^\$\.y\[0\]\[1\]: committed -2\.5, regenerated -2\.5000000000025/);
  });

  it("rejects an input that differs even by one ulp", () => {
    const fresh = structuredClone(committed);
    fresh.x[0][1] = next(-1.25);
    expect(diffFixtures(committed, fresh, options)).toMatch(/^\$\.x\[0\]\[1\].*an input: must be equal exactly/);
  });

  it("rejects a changed integer, string, key or length", () => {
    expect(diffFixtures(committed, { ...committed, steps: 3 }, options)).toMatch(/^\$\.steps: committed 2, regenerated 3/);
    expect(diffFixtures(committed, { ...committed, torch: "2.1.0" }, options)).toMatch(/^\$\.torch/);
    expect(diffFixtures(committed, { ...committed, extra: 1 }, options)).toMatch(/^\$: committed keys/);
    expect(diffFixtures(committed, { ...committed, targets: [1, 0, 2] }, options)).toMatch(/^\$\.targets: committed length 2, regenerated length 3/);
    expect(diffFixtures(committed, { ...committed, loss: "1.75" }, options)).toMatch(/^\$\.loss: committed number/);
  });

  it("rejects NaN or an infinity where a finite number was", () => {
    expect(diffFixtures(committed, { ...committed, loss: Number.NaN }, options)).toMatch(/^\$\.loss/);
    expect(diffFixtures(committed, { ...committed, loss: Infinity }, options)).toMatch(/^\$\.loss/);
  });

  it("passes the committed model fixture against itself with its last digits moved, as seen on Zen 4", () => {
    const file = JSON.parse(readFileSync(join(__dirname, "fixtures", "torch", "model.json"), "utf8"));
    const fresh = structuredClone(file);
    fresh.steps[0].logits[0][0] = next(fresh.steps[0].logits[0][0]);
    fresh.steps[1].grads["0.weight"][2][1] = next(fresh.steps[1].grads["0.weight"][2][1], -1);
    fresh.eval.logits[2][2] = next(fresh.eval.logits[2][2], 2);
    expect(diffFixtures(file, fresh, { inputKeys: new Set(["x", "targets", "init", "sgd"]) })).toBeNull();
    fresh.steps[0].x[0][0] = next(fresh.steps[0].x[0][0]);
    expect(diffFixtures(file, fresh, { inputKeys: new Set(["x", "targets", "init", "sgd"]) })).toMatch(/^\$\.steps\[0\]\.x\[0\]\[0\]/);
  });
});
