import { describe, expect, it } from "vitest";
import { classCounts, gaussianBlobs, Matrix, subset, twoSpirals } from "../src";

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

describe("gaussianBlobs", () => {
  it("draws one class per center with the given spread", () => {
    const d = gaussianBlobs({ n: 3000, centers: [[0, 0], [10, 10], [-10, 5]], std: 0.5, seed: 1 });
    expect(d.x.shape).toEqual([3000, 2]);
    expect(classCounts(d)).toEqual([1000, 1000, 1000]);
    const blob1 = subset(d, d.y.map((y, i) => (y === 1 ? i : -1)).filter((i) => i >= 0));
    const mean = blob1.x.meanRows().rowArray(0);
    expect(mean[0]).toBeCloseTo(10, 1);
    expect(mean[1]).toBeCloseTo(10, 1);
    const std = Math.sqrt(blob1.x.sub(Matrix.row(mean)).map((v) => v * v).mean());
    expect(std).toBeCloseTo(0.5, 1);
  });

  it("draws random centers in [−5, 5]^dims when given a count", () => {
    const d = gaussianBlobs({ n: 40, centers: 4, dims: 5, std: 0, seed: 2 });
    expect(d.x.shape).toEqual([40, 5]);
    expect(d.numClasses).toBe(4);
    expect(d.x.maxAbs()).toBeLessThanOrEqual(5);
    expect(gaussianBlobs({ seed: 2 }).x.data).toEqual(gaussianBlobs({ seed: 2 }).x.data);
  });

  it("explains bad options", () => {
    expect(() => gaussianBlobs({ centers: [[0, 0], [1]] })).toThrow(
      "gaussianBlobs: every center needs 2 coordinates, center 1 has 1",
    );
    expect(() => gaussianBlobs({ centers: [[0, 0]], dims: 3 })).toThrow(
      "gaussianBlobs: dims is 3 but the centers have 2 coordinates",
    );
    expect(() => gaussianBlobs({ centers: [] })).toThrow("gaussianBlobs: centers must list at least one center");
    expect(() => gaussianBlobs({ centers: 0 })).toThrow("gaussianBlobs: centers must be an integer ≥ 1, got 0");
    expect(() => gaussianBlobs({ std: -1 })).toThrow("gaussianBlobs: std must be a finite number ≥ 0, got -1");
  });
});
