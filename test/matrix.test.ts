import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { ShapeError } from "../src/tensor/shape-error";
import { jsBackend, backend, useBackend } from "../src/tensor/backend";
import { Rng } from "../src/random/rng";

const A = () => Matrix.fromArray([[1, 2, 3], [4, 5, 6]]); // 2×3

function randomMatrix(rng: Rng, rows: number, cols: number): Matrix {
  return new Matrix(rows, cols, rng.normalArray(rows * cols));
}

/** The textbook definition, the reference for every backend. */
function naiveMatmul(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += a.get(i, p) * b.get(p, j);
      out.set(i, j, s);
    }
  }
  return out;
}

function expectClose(actual: Matrix, expected: Matrix, tol = 1e-12): void {
  expect(actual.shape).toEqual(expected.shape);
  for (let i = 0; i < actual.data.length; i++) expect(Math.abs(actual.data[i] - expected.data[i])).toBeLessThanOrEqual(tol);
}

describe("Matrix construction", () => {
  it("zeros, ones, full, identity", () => {
    expect(Matrix.zeros(2, 3).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(Matrix.ones(1, 2).toArray()).toEqual([[1, 1]]);
    expect(Matrix.full(2, 1, 7).toArray()).toEqual([[7], [7]]);
    expect(Matrix.identity(2).toArray()).toEqual([[1, 0], [0, 1]]);
  });

  it("fromArray is row-major: rows are examples, columns are features", () => {
    const m = A();
    expect(m.shape).toEqual([2, 3]);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(m.size).toBe(6);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.get(1, 0)).toBe(4);
    expect(m.rowArray(1)).toEqual([4, 5, 6]);
    expect(m.columnArray(2)).toEqual([3, 6]);
  });

  it("row and column vectors", () => {
    expect(Matrix.row([1, 2, 3]).shape).toEqual([1, 3]);
    expect(Matrix.column([1, 2, 3]).shape).toEqual([3, 1]);
  });

  it("vstack stacks batches", () => {
    const s = Matrix.vstack([Matrix.row([1, 2]), Matrix.fromArray([[3, 4], [5, 6]])]);
    expect(s.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(() => Matrix.vstack([Matrix.row([1, 2]), Matrix.row([1])])).toThrow("Matrix.vstack: expected shape [*, 2], got [1, 1]");
  });

  it("set, clone and copyFrom do not share storage", () => {
    const m = A();
    const c = m.clone();
    c.set(0, 0, 100);
    expect(m.get(0, 0)).toBe(1);
    m.copyFrom(c);
    expect(m.get(0, 0)).toBe(100);
  });

  it("rejects bad sizes, ragged arrays and wrong data lengths", () => {
    expect(() => new Matrix(-1, 2)).toThrow("Matrix: rows and cols must be non-negative integers, got -1×2");
    expect(() => new Matrix(1.5, 2)).toThrow(RangeError);
    expect(() => new Matrix(2, 2, new Float64Array(3))).toThrow("Matrix: expected shape data of length 4, got length 3");
    expect(() => Matrix.fromArray([[1, 2], [3]])).toThrow("Matrix.fromArray: expected shape every row of length 2, got row 1 of length 1");
  });

  it("index errors say the index and the shape", () => {
    expect(() => A().get(2, 0)).toThrow("Matrix index (2, 0) is out of range for shape [2, 3]");
    expect(() => A().set(0, -1, 1)).toThrow("Matrix index (0, -1) is out of range for shape [2, 3]");
  });

  it("toString shows the shape and the numbers", () => {
    expect(A().toString()).toBe("Matrix 2×3\n  [1, 2, 3]\n  [4, 5, 6]");
  });
});

describe("Matrix elementwise operations", () => {
  it("addRowInPlace adds a 1×cols row to every row (a bias), and names the shape it needs", () => {
    const m = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);
    expect(m.addRowInPlace(Matrix.row([10, 20, 30]))).toBe(m);
    expect(m.toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(() => m.addRowInPlace(Matrix.row([1, 2]))).toThrow(ShapeError);
    expect(() => m.addRowInPlace(Matrix.fromArray([[1, 2, 3], [4, 5, 6]]))).toThrow("Matrix.addRowInPlace: expected shape [1, 3] (one number per column), got [2, 3]");
  });

  it("add, sub, mul, div with a scalar", () => {
    expect(A().add(1).toArray()).toEqual([[2, 3, 4], [5, 6, 7]]);
    expect(A().sub(1).toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(A().mul(2).toArray()).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect(A().div(2).toArray()).toEqual([[0.5, 1, 1.5], [2, 2.5, 3]]);
    expect(A().scale(-1).toArray()).toEqual([[-1, -2, -3], [-4, -5, -6]]);
  });

  it("same-shape operations are elementwise (mul is the Hadamard product)", () => {
    const b = Matrix.fromArray([[1, 0, -1], [2, 2, 2]]);
    expect(A().add(b).toArray()).toEqual([[2, 2, 2], [6, 7, 8]]);
    expect(A().sub(b).toArray()).toEqual([[0, 2, 4], [2, 3, 4]]);
    expect(A().mul(b).toArray()).toEqual([[1, 0, -3], [8, 10, 12]]);
    expect(A().div(b).toArray()).toEqual([[1, Infinity, -3], [2, 2.5, 3]]);
  });

  it("a 1×cols row broadcasts over the examples (per-feature statistics)", () => {
    const mu = Matrix.row([1, 2, 3]);
    expect(A().sub(mu).toArray()).toEqual([[0, 0, 0], [3, 3, 3]]);
    expect(A().mul(Matrix.row([1, 10, 100])).toArray()).toEqual([[1, 20, 300], [4, 50, 600]]);
  });

  it("a rows×1 column broadcasts over the features (per-example statistics)", () => {
    const c = Matrix.column([1, 4]);
    expect(A().sub(c).toArray()).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(A().div(c).toArray()).toEqual([[1, 2, 3], [1, 1.25, 1.5]]);
  });

  it("incompatible shapes throw a ShapeError that lists what would fit", () => {
    const bad = Matrix.zeros(3, 2);
    expect(() => A().add(bad)).toThrow(ShapeError);
    expect(() => A().add(bad)).toThrow("Matrix.add: expected shape [2, 3], a row [1, 3] or a column [2, 1], got [3, 2]");
    expect(() => A().mul(Matrix.row([1, 2]))).toThrow("Matrix.mul: expected shape [2, 3], a row [1, 3] or a column [2, 1], got [1, 2]");
  });

  it("map sees the value and its position", () => {
    expect(A().map((v, i, j) => v * 10 + i + j).toArray()).toEqual([[10, 21, 32], [41, 52, 63]]);
  });

  it("in-place variants overwrite this and check shapes", () => {
    const m = A();
    m.addInPlace(Matrix.ones(2, 3), 2).scaleInPlace(0.5);
    expect(m.toArray()).toEqual([[1.5, 2, 2.5], [3, 3.5, 4]]);
    expect(() => m.addInPlace(Matrix.ones(1, 3))).toThrow("Matrix.addInPlace: expected shape [2, 3], got [1, 3]");
    expect(m.fill(0).sum()).toBe(0);
  });
});

describe("Matrix reductions", () => {
  it("sumRows/meanRows reduce over the examples (axis 0): one number per feature", () => {
    expect(A().sumRows().toArray()).toEqual([[5, 7, 9]]);
    expect(A().meanRows().toArray()).toEqual([[2.5, 3.5, 4.5]]);
  });

  it("sumCols/meanCols reduce over the features (axis 1): one number per example", () => {
    expect(A().sumCols().toArray()).toEqual([[6], [15]]);
    expect(A().meanCols().toArray()).toEqual([[2], [5]]);
  });

  it("sum, mean, maxAbs, argmaxRows", () => {
    expect(A().sum()).toBe(21);
    expect(A().mean()).toBe(3.5);
    expect(Matrix.fromArray([[1, -7], [3, 2]]).maxAbs()).toBe(7);
    expect(Matrix.fromArray([[1, 9, 3], [8, 2, 8]]).argmaxRows()).toEqual([1, 0]);
  });

  it("the mean of nothing is an error, not NaN", () => {
    expect(() => Matrix.zeros(0, 3).meanRows()).toThrow("Matrix.meanRows: mean of zero rows is undefined");
    expect(() => Matrix.zeros(3, 0).meanCols()).toThrow("Matrix.meanCols: mean of zero columns is undefined");
  });
});

describe("Matrix slicing", () => {
  it("selectRows builds a minibatch in the given order, repeats allowed", () => {
    const m = Matrix.fromArray([[0, 0], [1, 1], [2, 2], [3, 3]]);
    expect(m.selectRows([3, 1, 1]).toArray()).toEqual([[3, 3], [1, 1], [1, 1]]);
    expect(m.selectRows(Int32Array.from([2])).toArray()).toEqual([[2, 2]]);
    expect(m.selectRows([]).shape).toEqual([0, 2]);
  });

  it("selectRows copies: changing the batch leaves the data set alone", () => {
    const m = Matrix.fromArray([[1, 2], [3, 4]]);
    const batch = m.selectRows([0]);
    batch.set(0, 0, 99);
    expect(m.get(0, 0)).toBe(1);
  });

  it("selectRows rejects rows that do not exist", () => {
    expect(() => A().selectRows([0, 2])).toThrow("Matrix.selectRows: row 2 is out of range for [2, 3]");
    expect(() => A().selectRows([-1])).toThrow("Matrix.selectRows: row -1 is out of range for [2, 3]");
    expect(() => A().selectRows([0.5])).toThrow(RangeError);
  });

  it("sliceCols takes columns [start, end)", () => {
    expect(A().sliceCols(1, 3).toArray()).toEqual([[2, 3], [5, 6]]);
    expect(() => A().sliceCols(2, 4)).toThrow("Matrix.sliceCols: [2, 4) is out of range for [2, 3]");
  });

  it("transpose", () => {
    expect(A().transpose().toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
  });
});

describe("Matrix multiplication", () => {
  it("a small product by hand", () => {
    const b = Matrix.fromArray([[1, 0], [0, 1], [1, 1]]);
    expect(A().matmul(b).toArray()).toEqual([[4, 5], [10, 11]]);
  });

  // 1×1, K = 1 (an outer product), odd sizes that are not multiples of the 4-way unrolling.
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1], [1, 1, 5], [5, 1, 1], [3, 1, 4], [1, 7, 1], [2, 3, 4], [5, 7, 3], [7, 5, 9], [13, 17, 11], [4, 8, 4], [1, 9, 1],
  ];
  const rng = new Rng("matmul");
  for (const [m, k, n] of shapes) {
    it(`matmul, matmulTransA, matmulTransB agree with a naive triple loop for ${m}×${k} · ${k}×${n}`, () => {
      const a = randomMatrix(rng, m, k);
      const b = randomMatrix(rng, k, n);
      const expected = naiveMatmul(a, b);
      expectClose(a.matmul(b), expected);
      expectClose(a.transpose().matmulTransA(b), expected); // (aᵀ)ᵀ·b
      expectClose(a.matmulTransB(b.transpose()), expected); // a·(bᵀ)ᵀ
    });
  }

  it("a product with zeros in it is still right", () => {
    const a = Matrix.fromArray([[0, 2], [0, 0], [1, 0]]);
    const b = Matrix.fromArray([[5, 6, 7], [1, 2, 3]]);
    expectClose(a.matmul(b), naiveMatmul(a, b));
    expectClose(a.transpose().matmulTransA(b), naiveMatmul(a, b));
  });

  it("reuse of the output does not leak old values (K = 0 gives zeros)", () => {
    const a = new Matrix(2, 0);
    const b = new Matrix(0, 3);
    expect(a.matmul(b).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(a.matmulTransB(new Matrix(3, 0)).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it("shape errors say which operand had which shape", () => {
    expect(() => A().matmul(A())).toThrow("Matrix.matmul: expected shape other with 3 rows to multiply [2, 3], got [2, 3]");
    expect(() => A().matmulTransA(Matrix.zeros(3, 3))).toThrow("Matrix.matmulTransA: expected shape other with 2 rows, got [3, 3]");
    expect(() => A().matmulTransB(Matrix.zeros(2, 2))).toThrow("Matrix.matmulTransB: expected shape other with 3 columns, got [2, 2]");
  });

  it("the backend can be swapped and swapped back", () => {
    let calls = 0;
    const counting = { ...jsBackend, name: "counting", matmul: (...args: Parameters<typeof jsBackend.matmul>) => { calls++; jsBackend.matmul(...args); } };
    useBackend(counting);
    try {
      expect(backend().name).toBe("counting");
      expect(A().matmul(Matrix.ones(3, 1)).toArray()).toEqual([[6], [15]]);
      expect(calls).toBe(1);
    } finally {
      useBackend(jsBackend);
    }
    expect(backend()).toBe(jsBackend);
  });
});
