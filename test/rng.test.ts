import { describe, expect, it } from "vitest";
import { Rng } from "../src/random/rng";

function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / xs.length) };
}

describe("Rng", () => {
  it("the same seed gives the same sequence; another seed another one", () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const seqA = Array.from({ length: 10 }, () => a.uniform());
    const seqB = Array.from({ length: 10 }, () => b.uniform());
    const seqC = Array.from({ length: 10 }, () => c.uniform());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
    expect(new Rng(7).normalArray(5)).toEqual(new Rng("7").normalArray(5)); // numbers and strings name the same seed
  });

  it("uniform stays in [low, high) with mean about (low + high)/2", () => {
    const rng = new Rng(1);
    const xs = Array.from({ length: 20000 }, () => rng.uniform(-2, 4));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...xs)).toBeLessThan(4);
    expect(meanStd(xs).mean).toBeCloseTo(1, 1);
  });

  it("int draws integers in [low, high) and every value occurs", () => {
    const rng = new Rng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(3, 8);
      expect(Number.isInteger(v)).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => rng.int(5, 5)).toThrow("Rng.int: high (5) must be greater than low (5)");
  });

  it("normal has roughly the requested mean and standard deviation", () => {
    const { mean, std } = meanStd(new Rng(3).normalArray(50000, 2, 0.5));
    expect(Math.abs(mean - 2)).toBeLessThan(0.01); // standard error 0.5/√50000 ≈ 0.002
    expect(Math.abs(std - 0.5)).toBeLessThan(0.01);
  });

  it("shuffle returns the same array, permuted: every item exactly once", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Rng(4).shuffle(items);
    expect(shuffled).toBe(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("permutation(n) is a permutation of 0..n−1", () => {
    const p = new Rng(5).permutation(20);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("sample draws distinct indices, and refuses to draw more than there are", () => {
    const s = new Rng(6).sample(100, 30);
    expect(s).toHaveLength(30);
    expect(new Set(s).size).toBe(30);
    for (const i of s) expect(i >= 0 && i < 100).toBe(true);
    expect(new Rng(6).sample(5, 5).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => new Rng(6).sample(3, 4)).toThrow("Rng.sample: cannot draw 4 distinct items from 3");
  });

  it("choice picks items of the array; an empty array is an error", () => {
    const rng = new Rng(7);
    for (let i = 0; i < 20; i++) expect(["a", "b", "c"]).toContain(rng.choice(["a", "b", "c"]));
    expect(() => rng.choice([])).toThrow("Rng.choice: the array is empty");
  });

  it("fork gives a reproducible independent stream", () => {
    const a = new Rng(8).fork("data"), b = new Rng(8).fork("data"), c = new Rng(8).fork("init");
    expect(a.normalArray(3)).toEqual(b.normalArray(3));
    expect(new Rng(8).fork("data").normalArray(3)).not.toEqual(c.normalArray(3));
  });
});
