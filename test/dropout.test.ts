import { describe, expect, it } from "vitest";
import { Dropout } from "../src/nn/dropout";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";

describe("Dropout", () => {
  it("inverted dropout: each entry is zeroed with probability p, the rest scaled by 1/(1 − p)", () => {
    const drop = new Dropout(0.25, { rng: new Rng(1) });
    const y = drop.forward(Matrix.ones(200, 50));
    const values = new Set(Array.from(y.data));
    expect([...values].sort()).toEqual([0, 1 / 0.75]);
    const zeroed = Array.from(y.data).filter((v) => v === 0).length / y.size;
    expect(Math.abs(zeroed - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(y.mean() - 1)).toBeLessThan(0.03); // the expected value is unchanged
  });

  it("the mask is exposed and the output is x ⊙ mask", () => {
    const drop = new Dropout(0.5, { rng: new Rng(2) });
    const x = new Matrix(4, 3, new Rng("x").normalArray(12));
    const y = drop.forward(x);
    expect(y.data).toEqual(x.mul(drop.mask!).data);
  });

  it("backward multiplies by the same mask", () => {
    const drop = new Dropout(0.5, { rng: new Rng(3) });
    drop.forward(Matrix.ones(3, 4));
    const dy = Matrix.full(3, 4, 2);
    expect(drop.backward(dy).data).toEqual(dy.mul(drop.mask!).data);
  });

  it("is the identity in eval mode (forward and backward), with no mask", () => {
    const drop = new Dropout(0.9).eval();
    const x = Matrix.fromArray([[1, 2], [3, 4]]);
    expect(drop.forward(x).toArray()).toEqual(x.toArray());
    expect(drop.mask).toBeNull();
    expect(drop.backward(x).toArray()).toEqual(x.toArray());
  });

  it("p = 0 keeps everything", () => {
    const x = Matrix.fromArray([[1, -2, 3]]);
    expect(new Dropout(0).forward(x).toArray()).toEqual([[1, -2, 3]]);
  });

  it("is seeded: the same rng seed gives the same masks; re-seeding repeats a mask", () => {
    const a = new Dropout(0.5, { rng: new Rng(7) });
    const b = new Dropout(0.5, { rng: new Rng(7) });
    const x = Matrix.ones(5, 5);
    expect(a.forward(x).data).toEqual(b.forward(x).data);
    const first = a.forward(x);
    expect(a.forward(x).data).not.toEqual(first.data); // a new mask every forward
    a.rng = new Rng(7);
    expect(a.forward(x).data).toEqual(new Dropout(0.5, { rng: new Rng(7) }).forward(x).data); // the first mask again
  });

  it("has no parameters; toString", () => {
    expect(new Dropout().parameters()).toEqual([]);
    expect(new Dropout().toString()).toBe("Dropout(p=0.5)");
    expect(new Dropout(0.1).toString()).toBe("Dropout(p=0.1)");
  });
});
