import { describe, expect, it } from "vitest";
import { CrossEntropyLoss, Matrix, MSELoss, Rng, logSoftmax, softmax } from "../src";

/** Central differences of f at every entry of x. */
function numericalGradient(f: (x: Matrix) => number, x: Matrix, h = 1e-6): Matrix {
  const g = new Matrix(x.rows, x.cols);
  for (let i = 0; i < x.size; i++) {
    const old = x.data[i];
    x.data[i] = old + h;
    const plus = f(x);
    x.data[i] = old - h;
    const minus = f(x);
    x.data[i] = old;
    g.data[i] = (plus - minus) / (2 * h);
  }
  return g;
}

function randomMatrix(rows: number, cols: number, seed: number, std = 1): Matrix {
  return new Matrix(rows, cols, new Rng(seed).normalArray(rows * cols, 0, std));
}

describe("softmax", () => {
  it("turns every row into probabilities that sum to 1", () => {
    const p = softmax(Matrix.fromArray([[1, 2, 3], [0, 0, 0]]));
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0] + e[1] + e[2];
    expect(p.rowArray(0)[0]).toBeCloseTo(e[0] / s, 15);
    expect(p.rowArray(0)[2]).toBeCloseTo(e[2] / s, 15);
    expect(p.rowArray(1)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it("is stable with huge logits (1000)", () => {
    const p = softmax(Matrix.fromArray([[1000, 0, -1000], [1000, 1000, 1000]]));
    expect(p.rowArray(0)).toEqual([1, 0, 0]);
    expect(p.rowArray(1).every((v) => Math.abs(v - 1 / 3) < 1e-15)).toBe(true);
  });

  it("logSoftmax is the log of softmax, without overflow", () => {
    const z = Matrix.fromArray([[1, 2, 3]]);
    expect(logSoftmax(z).rowArray(0)[2]).toBeCloseTo(Math.log(softmax(z).rowArray(0)[2]), 14);
    expect(logSoftmax(Matrix.fromArray([[1000, 0]])).rowArray(0)).toEqual([0, -1000]);
  });
});

describe("CrossEntropyLoss", () => {
  it("is −log of the true class's softmax probability, averaged over the batch", () => {
    const loss = new CrossEntropyLoss();
    // row 0: log(e¹ + e² + e³) − 3; row 1: log(3·e⁰) − 0 = log 3
    const row0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
    const value = loss.forward(Matrix.fromArray([[1, 2, 3], [0, 0, 0]]), [2, 1]);
    expect(row0).toBeCloseTo(0.4076059644443803, 15);
    expect(value).toBeCloseTo((row0 + Math.log(3)) / 2, 15);
  });

  it("backward is (softmax − onehot) / N", () => {
    const loss = new CrossEntropyLoss();
    const logits = Matrix.fromArray([[1, 2, 3], [0, 0, 0]]);
    loss.forward(logits, [2, 1]);
    const p = softmax(logits);
    const expected = [
      [p.get(0, 0) / 2, p.get(0, 1) / 2, (p.get(0, 2) - 1) / 2],
      [1 / 6, (1 / 3 - 1) / 2, 1 / 6],
    ];
    const g = loss.backward();
    expected.forEach((row, i) => row.forEach((v, j) => expect(g.get(i, j)).toBeCloseTo(v, 15)));
  });

  it("backward matches the numerical gradient", () => {
    const loss = new CrossEntropyLoss();
    const logits = randomMatrix(5, 4, 1, 3);
    const targets = [0, 3, 1, 1, 2];
    loss.forward(logits, targets);
    const analytic = loss.backward();
    const numeric = numericalGradient((z) => new CrossEntropyLoss().forward(z, targets), logits.clone());
    for (let i = 0; i < analytic.size; i++) expect(analytic.data[i]).toBeCloseTo(numeric.data[i], 8);
  });

  it("is finite and exact with huge logits (1000)", () => {
    const loss = new CrossEntropyLoss();
    const logits = Matrix.fromArray([[1000, 0, -1000], [1000, 0, -1000]]);
    expect(loss.forward(logits, [0, 1])).toBe((0 + 1000) / 2);
    const g = loss.backward();
    expect(g.toArray()).toEqual([[0, 0, 0], [0.5, -0.5, 0]]);
    expect(loss.forward(Matrix.fromArray([[-1000, 1000]]), [0])).toBe(2000);
  });

  it("accepts a Float64Array or a plain array of targets", () => {
    const logits = Matrix.fromArray([[0, 1], [1, 0]]);
    expect(new CrossEntropyLoss().forward(logits, Float64Array.from([1, 0]))).toBe(new CrossEntropyLoss().forward(logits, [1, 0]));
  });

  it("says which target is out of range and what the range is", () => {
    const logits = Matrix.fromArray([[0, 1, 2], [1, 0, 2]]);
    expect(() => new CrossEntropyLoss().forward(logits, [0, 3])).toThrow(
      "CrossEntropyLoss.forward: target 1 is 3, but a class index must be an integer in [0, 3) for logits with 3 columns",
    );
    expect(() => new CrossEntropyLoss().forward(logits, [-1, 0])).toThrow("target 0 is -1");
    expect(() => new CrossEntropyLoss().forward(logits, [0, 1.5])).toThrow("target 1 is 1.5");
  });

  it("refuses empty logits", () => {
    expect(() => new CrossEntropyLoss().forward(Matrix.zeros(0, 3), [])).toThrow(
      "CrossEntropyLoss.forward: expected shape logits [batch ≥ 1, classes ≥ 1], got [0, 3]",
    );
  });

  it("says when the number of targets is not the number of rows", () => {
    const logits = Matrix.fromArray([[0, 1, 2], [1, 0, 2]]);
    expect(() => new CrossEntropyLoss().forward(logits, [0, 1, 2])).toThrow(
      "CrossEntropyLoss.forward: expected 2 targets (one class index per row of logits [2, 3]), got 3",
    );
  });

  it("refuses backward before forward", () => {
    expect(() => new CrossEntropyLoss().backward()).toThrow(
      "CrossEntropyLoss.backward: call forward(logits, targets) before backward()",
    );
  });
});

describe("MSELoss", () => {
  it("is the mean over ALL elements, like torch.nn.MSELoss", () => {
    const loss = new MSELoss();
    const value = loss.forward(Matrix.fromArray([[1, 2], [3, 4]]), Matrix.fromArray([[0, 0], [0, 1]]));
    expect(value).toBe((1 + 4 + 9 + 9) / 4);
  });

  it("backward is 2·(pred − target) / (N·D)", () => {
    const loss = new MSELoss();
    loss.forward(Matrix.fromArray([[1, 2], [3, 4]]), Matrix.fromArray([[0, 0], [0, 1]]));
    expect(loss.backward().toArray()).toEqual([[0.5, 1], [1.5, 1.5]]);
  });

  it("backward matches the numerical gradient", () => {
    const target = randomMatrix(3, 4, 2);
    const pred = randomMatrix(3, 4, 3);
    const loss = new MSELoss();
    loss.forward(pred, target);
    const numeric = numericalGradient((p) => new MSELoss().forward(p, target), pred.clone());
    const analytic = loss.backward();
    for (let i = 0; i < analytic.size; i++) expect(analytic.data[i]).toBeCloseTo(numeric.data[i], 8);
  });

  it("says when the target's shape differs", () => {
    expect(() => new MSELoss().forward(Matrix.zeros(2, 3), Matrix.zeros(3, 2))).toThrow(
      "MSELoss.forward: expected shape target of the prediction's shape [2, 3], got [3, 2]",
    );
  });

  it("refuses an empty prediction", () => {
    expect(() => new MSELoss().forward(Matrix.zeros(0, 3), Matrix.zeros(0, 3))).toThrow(
      "MSELoss.forward: the mean of zero elements is undefined",
    );
  });

  it("refuses backward before forward", () => {
    expect(() => new MSELoss().backward()).toThrow("MSELoss.backward: call forward(pred, target) before backward()");
  });
});
