import { describe, expect, it } from "vitest";
import { twoSpirals } from "../src";
import { classCounts } from "./helpers/datasets";

describe("twoSpirals", () => {
  it("makes n points in the plane, half of each class, within about [−1, 1]²", () => {
    const d = twoSpirals({ n: 200, noise: 0.05, seed: 0 });
    expect(d.x.shape).toEqual([200, 2]);
    expect(d.numClasses).toBe(2);
    expect(classCounts(d)).toEqual([100, 100]);
    expect(d.x.maxAbs()).toBeLessThan(1.3);
  });

  it("is deterministic by seed", () => {
    expect(twoSpirals({ seed: 4 }).x.data).toEqual(twoSpirals({ seed: 4 }).x.data);
    expect(twoSpirals({ seed: 4 }).x.data).not.toEqual(twoSpirals({ seed: 5 }).x.data);
  });

  it("the second spiral is the first rotated by 180° (without noise, the points lie on r = t)", () => {
    const d = twoSpirals({ n: 50, noise: 0, turns: 1 });
    for (let i = 0; i < 50; i++) {
      const [x, y] = d.x.rowArray(i);
      const r = Math.hypot(x, y);
      let angle = Math.atan2(y, x) - d.y[i] * Math.PI; // undo the rotation
      angle = ((angle % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      expect(Math.abs(angle - ((r * 2 * Math.PI) % (2 * Math.PI)))).toBeLessThan(1e-9);
    }
  });

  it("explains bad options", () => {
    expect(() => twoSpirals({ n: 1 })).toThrow("twoSpirals: n must be an integer ≥ 2, got 1");
    expect(() => twoSpirals({ noise: -1 })).toThrow("twoSpirals: noise must be a finite number ≥ 0, got -1");
  });
});
