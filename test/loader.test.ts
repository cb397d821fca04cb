import { describe, expect, it } from "vitest";
import { DataLoader, Dataset, Matrix, nonIidBatches } from "../src";

/** n examples whose single feature is their own index; labels cycle through `classes`. */
function indexed(n: number, classes = 3): Dataset {
  return {
    x: Matrix.column(Array.from({ length: n }, (_, i) => i)),
    y: Array.from({ length: n }, (_, i) => i % classes),
    numClasses: classes,
    name: "indexed",
  };
}

function epochIds(loader: DataLoader): number[][] {
  return Array.from(loader, (b) => b.x.columnArray(0));
}

describe("DataLoader", () => {
  it("covers every example exactly once per epoch", () => {
    const loader = new DataLoader(indexed(10), { batchSize: 3, seed: 1 });
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = epochIds(loader);
      expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
      expect(batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(loader.epoch).toBe(3);
  });

  it("keeps labels with their examples", () => {
    for (const { x, y } of new DataLoader(indexed(10), { batchSize: 4 })) {
      expect(y).toEqual(x.columnArray(0).map((i) => i % 3));
    }
  });

  it("dropLast drops the smaller last batch", () => {
    const loader = new DataLoader(indexed(10), { batchSize: 3, dropLast: true });
    expect(loader.length).toBe(3);
    expect(epochIds(loader).map((b) => b.length)).toEqual([3, 3, 3]);
  });

  it("reshuffles every epoch, the same way for the same seed", () => {
    const a = new DataLoader(indexed(20), { batchSize: 5, seed: 7 });
    const b = new DataLoader(indexed(20), { batchSize: 5, seed: 7 });
    const a0 = epochIds(a), a1 = epochIds(a);
    expect(epochIds(b)).toEqual(a0);
    expect(epochIds(b)).toEqual(a1);
    expect(a1).not.toEqual(a0);
    expect(epochIds(new DataLoader(indexed(20), { batchSize: 5, seed: 8 }))).not.toEqual(a0);
    expect(a.batchIndices(1)).toEqual(a1);
  });

  it("shuffle: false keeps the dataset's order", () => {
    expect(epochIds(new DataLoader(indexed(5), { batchSize: 2, shuffle: false }))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("oneClassPerBatch: every batch holds one class, and every example appears once", () => {
    const loader = new DataLoader(indexed(30), { batchSize: 4, oneClassPerBatch: true, seed: 2 });
    const batches = Array.from(loader);
    for (const { y } of batches) expect(new Set(y).size).toBe(1);
    expect(batches.flatMap((b) => b.x.columnArray(0)).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(new Set(batches.slice(0, 3).map((b) => b.y[0])).size).toBeGreaterThan(1); // the batches are shuffled
    const helper = nonIidBatches(indexed(30), { batchSize: 4, seed: 2 });
    expect(helper.map((b) => b.y)).toEqual(batches.map((b) => b.y));
  });

  it("explains a bad batch size", () => {
    expect(() => new DataLoader(indexed(5), { batchSize: 0 })).toThrow("DataLoader: batchSize must be an integer ≥ 1, got 0");
    expect(() => new DataLoader(indexed(5), { batchSize: 2.5 })).toThrow("DataLoader: batchSize must be an integer ≥ 1, got 2.5");
    expect(() => new DataLoader({ ...indexed(1), x: Matrix.zeros(0, 1), y: [], name: "nothing" }, { batchSize: 1 })).toThrow(
      'DataLoader: the dataset "nothing" is empty',
    );
    expect(() => new DataLoader(indexed(5), { batchSize: 6, dropLast: true })).toThrow(
      'DataLoader: with dropLast, batchSize (6) must be at most the number of examples (5 in "indexed"), or no batch is left',
    );
  });
});
