import { describe, expect, it, vi } from "vitest";
import { Dataset, loadMnist } from "../src";
import { classCounts } from "./helpers/datasets";
import * as raw from "../src/data/mnist-raw";

const reads = vi.hoisted(() => ({ count: 0 }));
vi.mock("../src/data/mnist-raw", async (importOriginal) => {
  const original = await importOriginal<typeof raw>();
  return { ...original, readMnistDigits: () => (reads.count++, original.readMnistDigits()) };
});

/** Each image as a string key (the 10,000 images of the package are all distinct). */
function imageKeys(d: Dataset): string[] {
  return Array.from({ length: d.x.rows }, (_, i) => d.x.rowArray(i).join(","));
}

describe("loadMnist", () => {
  const { train, test } = loadMnist({ seed: 0 });

  it("loads the 10,000 images of the mnist package, 784 pixels wide, labels 0–9", () => {
    expect(train.x.rows + test.x.rows).toBe(10000);
    expect(train.x.cols).toBe(784);
    expect(test.x.cols).toBe(784);
    expect(train.y.length).toBe(train.x.rows);
    expect(test.y.length).toBe(test.x.rows);
    expect(train.numClasses).toBe(10);
    expect(new Set([...train.y, ...test.y])).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    let min = Infinity, max = -Infinity;
    for (const v of train.x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it("holds out 20% by default, stratified: every digit in the same proportion", () => {
    expect(test.x.rows).toBe(2000);
    const all = classCounts(train).map((c, d) => c + classCounts(test)[d]);
    expect(all).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    classCounts(test).forEach((c, d) => expect(Math.abs(c - 0.2 * all[d])).toBeLessThanOrEqual(1));
  });

  it("the train and test sets never share an image", () => {
    const trainKeys = new Set(imageKeys(train));
    expect(trainKeys.size).toBe(train.x.rows);
    expect(imageKeys(test).filter((k) => trainKeys.has(k))).toEqual([]);
  });

  it("the same seed gives the same split; another seed another one", () => {
    const again = loadMnist({ seed: 0 });
    expect(again.train.y).toEqual(train.y);
    expect(again.test.x.data.every((v, i) => v === test.x.data[i])).toBe(true);
    const other = loadMnist({ seed: 1 });
    expect(other.train.y).not.toEqual(train.y);
    expect(other.test.x.rows).toBe(2000);
  });

  it("shuffles each set (not sorted by digit)", () => {
    expect(new Set(train.y.slice(0, 100)).size).toBe(10);
  });

  it("takes trainSize and testSize, or testFraction", () => {
    const small = loadMnist({ seed: 3, trainSize: 1000, testSize: 500 });
    expect([small.train.x.rows, small.test.x.rows]).toEqual([1000, 500]);
    expect(classCounts(small.train).every((c) => c >= 80 && c <= 120)).toBe(true);
    const tenth = loadMnist({ testFraction: 0.1 });
    expect([tenth.train.x.rows, tenth.test.x.rows]).toEqual([9000, 1000]);
  });

  it("normalize standardizes with the training set's pixel mean and std", () => {
    const n = loadMnist({ seed: 0, normalize: true });
    const mean = n.train.x.mean();
    const variance = n.train.x.data.reduce((s, v) => s + (v - mean) ** 2, 0) / n.train.x.size;
    expect(Math.abs(mean)).toBeLessThan(1e-10);
    expect(variance).toBeCloseTo(1, 8);
    expect(train.x.data[0]).toBeGreaterThanOrEqual(0); // the cached raw pixels are untouched
  });

  it("parses the files once per process, however many splits are drawn", () => {
    loadMnist({ seed: 5 });
    loadMnist({ seed: 6, testSize: 100 });
    expect(reads.count).toBe(1);
  });

  it("explains bad sizes", () => {
    expect(() => loadMnist({ testFraction: 1.5 })).toThrow("loadMnist: testFraction must be in (0, 1), got 1.5");
    expect(() => loadMnist({ testFraction: 0.2, testSize: 100 })).toThrow("loadMnist: give testFraction or testSize, not both");
    expect(() => loadMnist({ testSize: 0 })).toThrow("loadMnist: testSize must be an integer in [1, 9999], got 0");
    expect(() => loadMnist({ trainSize: 10000 })).toThrow("loadMnist: trainSize must be an integer in [1, 9999], got 10000");
    expect(() => loadMnist({ trainSize: 9000, testSize: 2000 })).toThrow(
      "loadMnist: trainSize + testSize must be at most 10000 (the images in the package), got 9000 + 2000 = 11000",
    );
  });
});
