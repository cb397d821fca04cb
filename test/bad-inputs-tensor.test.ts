/**
 * Bad and edge inputs, part 1: Matrix, the backends, the random generator and
 * the initializers. See test/bad-inputs/battery.ts.
 */
import { describe, expect, it } from "vitest";
import { jsBackend, backend, Matrix, Rng, ShapeError, useBackend, initWeights, normalInit, xavierInit, kaimingInit, pytorchInit } from "../src";
import { Backend, precision, setPrecision, type Precision } from "../src/tensor/backend";
import { backendChosenBy } from "./helpers/backend-choice";
import { loadWasmBackend } from "../src/tensor/backend-wasm";
import { loadNativeBackend } from "../src/tensor/backend-native";
import { cases, NOT_COUNTS, NOT_FINITE } from "./bad-inputs/battery";

const A = () => Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);
const notAMatrix: Array<[string, unknown]> = [["a nested array", [[1, 2, 3]]], ["null", null], ["a number", 3], ["a string", "x"]];

cases("Matrix", [
  ["rows -1", () => new Matrix(-1, 2), /Matrix: rows and cols must be non-negative integers, got -1×2/],
  ["cols NaN", () => new Matrix(2, NaN), /got 2×NaN/],
  ["rows 1.5", () => new Matrix(1.5, 2), /got 1.5×2/],
  ["rows as a string", () => new Matrix("2" as unknown as number, 2), /non-negative integers, got the string "2"×2/],
  ["data of the wrong length", () => new Matrix(2, 2, new Float64Array(3)), /expected shape data of length 4, got length 3/],
  ["data as a plain array", () => new Matrix(1, 2, [1, 2] as unknown as Float64Array), /data must be a Float64Array, got an array of length 2.*Matrix.fromArray/],
  ["huge: 1e6 × 1e6", () => new Matrix(1e6, 1e6), /Matrix: .*1000000 × 1000000.*8 TB/],
  ["huge: 2^40 × 1", () => Matrix.zeros(2 ** 40, 1), /Matrix: .*8.8 TB/],
]);

cases("Matrix.fromArray", [
  ["ragged rows", () => Matrix.fromArray([[1, 2], [3]]), /Matrix.fromArray: expected shape every row of length 2, got row 1 of length 1/],
  ["not an array", () => Matrix.fromArray(5 as unknown as number[][]), /Matrix.fromArray: values .* must be an array, got 5/],
  ["a flat array", () => Matrix.fromArray([1, 2] as unknown as number[][]), /Matrix.fromArray: row 0 must be an array, got 1/],
  ["a string entry", () => Matrix.fromArray([[1, "2" as unknown as number]]), /Matrix.fromArray: row 0\[1\] must be a number, got the string "2"/],
  ["a null entry", () => Matrix.fromArray([[null as unknown as number]]), /row 0\[0\] must be a number, got null/],
]);
cases("Matrix.row", [
  ["strings", () => Matrix.row(["a"] as unknown as number[]), /Matrix.row: values\[0\] must be a number, got the string "a"/],
  ["not an array", () => Matrix.row(3 as unknown as number[]), /Matrix.row: values must be an array, got 3/],
]);
cases("Matrix.column", [["undefined entries", () => Matrix.column([undefined] as unknown as number[]), /Matrix.column: values\[0\] must be a number, got undefined/]]);
cases("Matrix.full", [["a string value", () => Matrix.full(2, 2, "x" as unknown as number), /Matrix.full: value must be a number, got the string "x"/]]);
cases("Matrix.identity", [
  ["n -1", () => Matrix.identity(-1), /Matrix.identity: n must be an integer ≥ 0, got -1/],
  ["n NaN", () => Matrix.identity(NaN), /n must be an integer ≥ 0, got NaN/],
]);
cases("Matrix.vstack", [
  ["different widths", () => Matrix.vstack([A(), Matrix.zeros(1, 2)]), /Matrix.vstack: expected shape \[\*, 3\], got \[1, 2\]/],
  ["a nested array among the parts", () => Matrix.vstack([A(), [[1, 2, 3]] as unknown as Matrix]), /Matrix.vstack: parts\[1\] must be a Matrix, got an array/],
]);
cases("Matrix.get", [
  ["row out of range", () => A().get(2, 0), /Matrix index \(2, 0\) is out of range for shape \[2, 3\]: expected integers in \[0, 2\) and \[0, 3\)/],
  ["NaN index", () => A().get(NaN, 0), /Matrix index \(NaN, 0\) is out of range/],
  ["fractional index", () => A().get(0.5, 0), /Matrix index \(0.5, 0\)/],
  ["string index", () => A().get("1" as unknown as number, 0), /Matrix index \(the string "1", 0\)/],
], "Matrix index");
cases("Matrix.set", [
  ["out of range", () => A().set(0, 3, 1), /Matrix index \(0, 3\) is out of range/],
  ["a string value", () => A().set(0, 0, "1" as unknown as number), /Matrix.set: value must be a number/],
], "Matrix");
cases("Matrix.sliceCols", [
  ["end beyond the columns", () => A().sliceCols(2, 4), /Matrix.sliceCols: \[2, 4\) is out of range for \[2, 3\]: expected integers 0 ≤ start ≤ end ≤ 3/],
  ["NaN start", () => A().sliceCols(NaN, 2), /Matrix.sliceCols: \[NaN, 2\) is out of range for \[2, 3\]: expected integers/],
  ["NaN end", () => A().sliceCols(0, NaN), /\[0, NaN\) is out of range/],
  ["start after end", () => A().sliceCols(2, 1), /\[2, 1\) is out of range/],
  ["negative start", () => A().sliceCols(-1, 1), /\[-1, 1\) is out of range/],
  ["fractional", () => A().sliceCols(0.5, 2), /\[0.5, 2\) is out of range/],
]);
cases("Matrix.selectRows", [
  ["row out of range", () => A().selectRows([0, 2]), /Matrix.selectRows: row 2 is out of range for \[2, 3\]: indices\[1\] must be an integer in \[0, 2\)/],
  ["NaN row", () => A().selectRows([NaN]), /row NaN is out of range/],
  ["string row", () => A().selectRows(["0"] as unknown as number[]), /row the string "0" is out of range/],
  ["not an array", () => A().selectRows(3 as unknown as number[]), /Matrix.selectRows: indices must be an array, got 3/],
]);
cases("Matrix.rowArray", [["row out of range", () => A().rowArray(5), /Matrix index \(5, 0\)/]], "Matrix index");
cases("Matrix.columnArray", [["column out of range", () => A().columnArray(-1), /Matrix index \(0, -1\)/]], "Matrix index");
const products: Array<[string, (a: Matrix, b: unknown) => unknown]> = [
  ["Matrix.matmul", (a, b) => a.matmul(b as Matrix)],
  ["Matrix.matmulTransA", (a, b) => a.matmulTransA(b as Matrix)],
  ["Matrix.matmulTransB", (a, b) => a.matmulTransB(b as Matrix)],
];
for (const [name, op] of products) {
  cases(name, [
    ["mismatched shapes", () => op(A(), Matrix.zeros(4, 4)), /expected shape other with/],
    ...notAMatrix.map(([label, v]): [string, () => unknown, RegExp] => [label, () => op(A(), v), new RegExp(`${name.replace(".", "\\.")}: other must be a Matrix`)]),
  ]);
}
cases("Matrix.addMatmulTransA", [
  ["mismatched shapes", () => Matrix.zeros(3, 3).addMatmulTransA(A(), Matrix.zeros(3, 3)), /Matrix.addMatmulTransA: expected shape/],
  ["b not a Matrix", () => Matrix.zeros(3, 3).addMatmulTransA(A(), null as unknown as Matrix), /Matrix.addMatmulTransA: b must be a Matrix, got null/],
]);
for (const op of ["add", "sub", "mul", "div"] as const) {
  cases(`Matrix.${op}`, [
    ["a shape that does not broadcast", () => A()[op](Matrix.zeros(3, 2)), new RegExp(`Matrix\\.${op}: expected shape \\[2, 3\\], a row \\[1, 3\\] or a column \\[2, 1\\], got \\[3, 2\\]`)],
    ["a nested array", () => A()[op]([[1, 2, 3]] as unknown as Matrix), new RegExp(`Matrix\\.${op}: other must be a Matrix, got an array.*Matrix.fromArray`)],
    ["a string", () => A()[op]("2" as unknown as number), new RegExp(`Matrix\\.${op}: other must be a Matrix, got the string "2"`)],
  ]);
}
cases("Matrix.scale", [["a string factor", () => A().scale("2" as unknown as number), /Matrix.scale: s must be a number, got the string "2"/]]);
cases("Matrix.scaleInPlace", [["undefined", () => A().scaleInPlace(undefined as unknown as number), /Matrix.scaleInPlace: s must be a number, got undefined/]]);
cases("Matrix.fill", [["null", () => A().fill(null as unknown as number), /Matrix.fill: value must be a number, got null/]]);
cases("Matrix.map", [["not a function", () => A().map(3 as unknown as () => number), /Matrix.map: f must be a function, got 3/]]);
cases("Matrix.copyFrom", [
  ["another shape", () => A().copyFrom(Matrix.zeros(3, 2)), /Matrix.copyFrom: expected shape \[2, 3\], got \[3, 2\]/],
  ["not a Matrix", () => A().copyFrom({ rows: 2, cols: 3 } as unknown as Matrix), /Matrix.copyFrom: other must be a Matrix, got an object/],
]);
cases("Matrix.addInPlace", [
  ["another shape", () => A().addInPlace(Matrix.zeros(1, 3)), /Matrix.addInPlace: expected shape \[2, 3\], got \[1, 3\]/],
  ["alpha a string", () => A().addInPlace(A(), "1" as unknown as number), /Matrix.addInPlace: alpha must be a number/],
]);
cases("Matrix.addRowInPlace", [["a column", () => A().addRowInPlace(Matrix.zeros(3, 1)), /Matrix.addRowInPlace: expected shape \[1, 3\] \(one number per column\), got \[3, 1\]/]]);
cases("Matrix.meanRows", [["zero rows", () => Matrix.zeros(0, 3).meanRows(), /Matrix.meanRows: mean of zero rows is undefined/]]);
cases("Matrix.meanCols", [["zero columns", () => Matrix.zeros(3, 0).meanCols(), /Matrix.meanCols: mean of zero columns is undefined/]]);

describe("Matrix: state unchanged after a throw", () => {
  it("a failed addInPlace, copyFrom, set or addRowInPlace leaves the matrix as it was", () => {
    const m = A();
    const before = Array.from(m.data);
    for (const f of [
      () => m.addInPlace(Matrix.zeros(3, 3)),
      () => m.copyFrom(Matrix.zeros(1, 1)),
      () => m.set(5, 5, 1),
      () => m.addRowInPlace(Matrix.zeros(2, 2)),
      () => m.scaleInPlace("x" as unknown as number),
    ]) {
      expect(f).toThrow();
      expect(Array.from(m.data)).toEqual(before);
    }
  });
});

cases("ShapeError", [["is an Error with the three parts", () => { throw new ShapeError("f", "[1, 2]", "[3, 4]", "fix it"); }, "f: expected shape [1, 2], got [3, 4]. fix it"]], "f:");

// ---- backends: every entry point of every backend refuses short arrays and bad sizes ----

const wasm = loadWasmBackend();
const native = loadNativeBackend();
const backends: Backend[] = [jsBackend, ...(wasm ? [wasm] : []), ...(native ? [native] : [])];
const f = (n: number) => new Float64Array(n);

for (const k of backends) {
  cases(`backend ${k.name}: matmul, matmulTransA, matmulTransB`, [
    ["matmul: a shorter than m·k", () => k.matmul(f(3), f(4), f(4), 2, 2, 2), /matmul: an array is shorter than its sizes say: a holds 3 numbers, the sizes need 4/],
    ["matmul: out shorter than m·n", () => k.matmul(f(4), f(4), f(3), 2, 2, 2), /matmul: .*out holds 3/],
    ["matmulTransA: b shorter than k·n", () => k.matmulTransA(f(4), f(3), f(4), 2, 2, 2, true), /matmulTransA: .*b holds 3/],
    ["matmulTransB: NaN size", () => k.matmulTransB(f(4), f(4), f(4), NaN, 2, 2), /matmulTransB: size m must be a non-negative integer, got NaN/],
    ["matmul: fractional size", () => k.matmul(f(4), f(4), f(4), 1.5, 2, 2), /matmul: size m must be a non-negative integer, got 1.5/],
    ["matmul: negative size", () => k.matmul(f(4), f(4), f(4), 2, -2, 2), /matmul: size k must be a non-negative integer, got -2/],
    ["matmul: a plain array", () => k.matmul([1, 2, 3, 4] as unknown as Float64Array, f(4), f(4), 2, 2, 2), /matmul: a: expected a Float64Array, got an array/],
    ["matmul: a Float32Array", () => k.matmul(new Float32Array(4) as unknown as Float64Array, f(4), f(4), 2, 2, 2), /expected a Float64Array, got a Float32Array/],
  ], "bnlab backend");
  cases(`backend ${k.name}: batch-norm passes`, [
    ["batchNormStats: x shorter than n·c", () => k.batchNormStats(f(5), f(3), f(3), 2, 3), /batchNormStats: .*x holds 5 numbers, the sizes need 6/],
    ["batchNormStats: variance shorter than c", () => k.batchNormStats(f(6), f(3), f(2), 2, 3), /batchNormStats: .*variance holds 2/],
    ["batchNormNormalize: gamma shorter than c", () => k.batchNormNormalize(f(6), f(3), f(3), f(2), f(3), f(6), f(6), 2, 3), /batchNormNormalize: .*gamma holds 2/],
    ["batchNormNormalize: y shorter than n·c", () => k.batchNormNormalize(f(6), f(3), f(3), f(3), f(3), f(6), f(5), 2, 3), /batchNormNormalize: .*y holds 5/],
    ["batchNormBackward: dy shorter than n·c", () => k.batchNormBackward(f(5), f(6), f(3), f(3), f(3), f(3), f(6), 2, 3, true), /batchNormBackward: .*dy holds 5/],
    ["batchNormBackward: dgamma shorter than c", () => k.batchNormBackward(f(6), f(6), f(3), f(3), f(1), f(3), f(6), 2, 3, true), /batchNormBackward: .*dgamma holds 1/],
    ["batchNormBackward: NaN size", () => k.batchNormBackward(f(6), f(6), f(3), null, null, null, f(6), NaN, 3, true), /batchNormBackward: size n must be a non-negative integer, got NaN/],
  ], "bnlab backend");
  cases(`backend ${k.name}: elementwise passes`, [
    ["sigmoid: y shorter than len", () => k.sigmoid(f(4), f(3), 4), /sigmoid: .*y holds 3 numbers, the sizes need 4/],
    ["sigmoid: len NaN", () => k.sigmoid(f(4), f(4), NaN), /sigmoid: size len must be a non-negative integer, got NaN/],
    ["axpy: x shorter than len", () => k.axpy(2, f(3), f(4), 4), /axpy: .*x holds 3/],
    ["axpy: alpha a string", () => k.axpy("2" as unknown as number, f(4), f(4), 4), /axpy: alpha must be a number/],
    ["sumRows: out shorter than cols", () => k.sumRows(f(6), f(2), 2, 3), /sumRows: .*out holds 2/],
    ["addRow: row shorter than cols", () => k.addRow(f(6), f(2), 2, 3), /addRow: .*row holds 2/],
    ["sigmoidBackward: dx shorter than len", () => k.sigmoidBackward(f(4), f(4), f(3), 4), /sigmoidBackward: .*dx holds 3/],
  ], "bnlab backend");
  for (const b of [k, ...(k.float32 ? [k.float32] : [])]) {
    cases(`backend ${b.name}: conv2d, conv2dWeightGrad, conv2dInputGrad`, [
      ["conv2d: y shorter than n·out·oh·ow", () => b.conv2d(f(32), f(8), null, f(35), 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2d: .*y holds 35 numbers, the sizes need 36/],
      ["conv2d: bias shorter than out", () => b.conv2d(f(32), f(8), f(1), f(36), 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2d: .*bias holds 1 numbers, the sizes need 2/],
      ["conv2d: a window larger than the padded image", () => b.conv2d(f(16), f(25), null, f(1), 1, 1, 4, 4, 1, 5, 5, 1, 0), /conv2d: the 5-wide window does not fit/],
      ["conv2d: NaN size", () => b.conv2d(f(16), f(4), null, f(9), NaN, 1, 4, 4, 1, 2, 2, 1, 0), /conv2d: size n must be a non-negative integer, got NaN/],
      ["conv2dWeightGrad: dy shorter than n·out·oh·ow", () => b.conv2dWeightGrad(f(32), f(35), f(8), null, 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2dWeightGrad: .*dy holds 35/],
      ["conv2dWeightGrad: dWeight shorter than out·c·kh·kw", () => b.conv2dWeightGrad(f(32), f(36), f(7), null, 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2dWeightGrad: .*dWeight holds 7/],
      ["conv2dWeightGrad: dBias shorter than out", () => b.conv2dWeightGrad(f(32), f(36), f(8), f(1), 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2dWeightGrad: .*dBias holds 1 numbers, the sizes need 2/],
      ["conv2dWeightGrad: dBias a plain array", () => b.conv2dWeightGrad(f(32), f(36), f(8), [0, 0] as unknown as Float64Array, 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2dWeightGrad: dBias: expected a Float64Array or null, got an array/],
      ["conv2dWeightGrad: stride 0", () => b.conv2dWeightGrad(f(32), f(36), f(8), null, 2, 1, 4, 4, 2, 2, 2, 0, 0), /conv2dWeightGrad: size stride must be at least 1/],
      ["conv2dInputGrad: weight shorter than out·c·kh·kw", () => b.conv2dInputGrad(f(7), f(36), f(32), 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2dInputGrad: .*weight holds 7 numbers, the sizes need 8/],
      ["conv2dInputGrad: dy shorter than n·out·oh·ow", () => b.conv2dInputGrad(f(8), f(35), f(32), 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2dInputGrad: .*dy holds 35 numbers, the sizes need 36/],
      ["conv2dInputGrad: dx shorter than n·c·h·w", () => b.conv2dInputGrad(f(8), f(36), f(31), 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2dInputGrad: .*dx holds 31 numbers, the sizes need 32/],
      ["conv2dInputGrad: dx null", () => b.conv2dInputGrad(f(8), f(36), null as unknown as Float64Array, 2, 1, 4, 4, 2, 2, 2, 1, 0), /conv2dInputGrad: dx: expected a Float64Array, got null/],
      ["conv2dInputGrad: a window larger than the padded image", () => b.conv2dInputGrad(f(25), f(1), f(16), 1, 1, 4, 4, 1, 5, 5, 1, 0), /conv2dInputGrad: the 5-wide window does not fit/],
      ["conv2dInputGrad: fractional size", () => b.conv2dInputGrad(f(8), f(36), f(32), 2, 1, 4, 4, 2.5, 2, 2, 1, 0), /conv2dInputGrad: size out must be a non-negative integer, got 2.5/],
      ["conv2dInputGrad: kernel 0", () => b.conv2dInputGrad(f(8), f(36), f(32), 2, 1, 4, 4, 2, 0, 2, 1, 0), /conv2dInputGrad: size kh must be at least 1/],
    ], "bnlab backend");
    describe(`backend ${b.name}: a refused convolution gradient writes nothing`, () => {
      it("dx, dWeight and dBias keep their values", () => {
        const dx = f(32).fill(7), dW = f(8).fill(7), dB = f(2).fill(7);
        expect(() => b.conv2dInputGrad(f(8), f(35), dx, 2, 1, 4, 4, 2, 2, 2, 1, 0)).toThrow(RangeError); // dy short
        expect(() => b.conv2dWeightGrad(f(32), f(35), dW, dB, 2, 1, 4, 4, 2, 2, 2, 1, 0)).toThrow(RangeError); // dy short
        expect(() => b.conv2dWeightGrad(f(32), f(36), dW, f(1), 2, 1, 4, 4, 2, 2, 2, 1, 0)).toThrow(RangeError); // dBias short
        expect([...dx, ...dW, ...dB]).toEqual(Array(42).fill(7));
      });
    });
  }
  describe(`backend ${k.name}: a refused call writes nothing`, () => {
    it("out keeps its values", () => {
      const out = Float64Array.of(7, 7, 7, 7);
      expect(() => k.matmul(f(3), f(4), out, 2, 2, 2)).toThrow(RangeError);
      expect(Array.from(out)).toEqual([7, 7, 7, 7]);
      const y = Float64Array.of(1, 2, 3, 4);
      expect(() => k.axpy(1, f(3), y, 4)).toThrow(RangeError);
      expect(Array.from(y)).toEqual([1, 2, 3, 4]);
    });
  });
}

describe("every backend gives the same special values (NaN, ±∞, ±0) in the same places (0·∞ = NaN, as PyTorch)", () => {
  const special = [0, -0, 1, -1, 2.5, Infinity, -Infinity, NaN, 1e308, -1e308, 5e-324];
  const pick = (i: number) => special[(i * 7 + 3) % special.length];
  /** Bit for bit where either is NaN, ±∞ or ±0; ordinary numbers may differ in the last bits (sums taken in another order, another exp). */
  const same = (a: Float64Array, b: Float64Array) =>
    Array.from(a).every((v, i) => {
      const w = b[i];
      if (!Number.isFinite(v) || !Number.isFinite(w) || v === 0 || w === 0) return Object.is(v, w) || (Number.isNaN(v) && Number.isNaN(w));
      return Math.abs(v - w) <= 1e-12 * Math.max(Math.abs(v), Math.abs(w));
    });
  for (const [m, kk, n] of [[1, 1, 1], [2, 3, 2], [3, 5, 4], [5, 11, 7]]) {
    it(`products ${m}×${kk}×${n} and the elementwise passes`, () => {
      const a = Float64Array.from({ length: m * kk }, (_, i) => pick(i));
      const b = Float64Array.from({ length: kk * n }, (_, i) => pick(i + 5));
      for (const op of ["matmul", "matmulTransA", "matmulTransB"] as const) {
        const results = backends.map((k) => {
          const out = f(m * n);
          if (op === "matmul") k.matmul(a, b, out, m, kk, n);
          else if (op === "matmulTransA") k.matmulTransA(Float64Array.from({ length: kk * m }, (_, i) => pick(i)), b, out, m, kk, n);
          else k.matmulTransB(a, Float64Array.from({ length: n * kk }, (_, i) => pick(i + 5)), out, m, kk, n);
          return out;
        });
        for (const r of results.slice(1)) expect(same(r, results[0]), `${op}: ${backends.map((k) => k.name)}`).toBe(true);
      }
      const x = Float64Array.from(special);
      const sig = backends.map((k) => {
        const y = f(x.length);
        k.sigmoid(x, y, x.length);
        return y;
      });
      for (const r of sig.slice(1)) expect(same(r, sig[0])).toBe(true);
    });
  }
  it("0·∞ and 0·NaN inside a product are NaN in every backend (no product skips a zero multiplier)", () => {
    for (const k of backends) {
      const out = f(1);
      k.matmul(Float64Array.of(0, 1), Float64Array.of(Infinity, 2), out, 1, 2, 1);
      expect(out[0], k.name).toBeNaN();
      k.matmul(Float64Array.of(0), Float64Array.of(NaN), out, 1, 1, 1);
      expect(out[0], k.name).toBeNaN();
      const acc = f(1);
      k.matmulTransA(Float64Array.of(0), Float64Array.of(-Infinity), acc, 1, 1, 1, true);
      expect(acc[0], k.name).toBeNaN();
    }
  });
  it("Matrix.matmul matches PyTorch: [[0, 1]]·[[∞], [2]] = NaN", () => {
    const previous = backend();
    try {
      for (const k of backends) {
        useBackend(k);
        expect(Matrix.fromArray([[0, 1]]).matmul(Matrix.fromArray([[Infinity], [2]])).get(0, 0), k.name).toBeNaN();
      }
    } finally {
      useBackend(previous);
    }
  });
});

cases("useBackend", [
  ["not a backend", () => useBackend({} as Backend), /useBackend: expected a Backend .* without matmul/],
  ["null", () => useBackend(null as unknown as Backend), /useBackend: expected a Backend/],
  ["a name instead of a backend", () => useBackend("wasm" as unknown as Backend), /useBackend: expected a Backend \(jsBackend, or one that backend\(\) returned before you switched\), got wasm/],
]);
/** Runs `call` on the js backend (which has no float32 products), then restores the backend; precision must stay float64. */
function onJsBackend(call: () => void): () => void {
  return () => {
    const previous = backend();
    useBackend(jsBackend);
    try {
      call();
    } finally {
      expect(precision()).toBe("float64");
      useBackend(previous);
    }
  };
}
cases("setPrecision", [
  ["float16", () => setPrecision("float16" as Precision), /setPrecision: expected "float64" or "float32", got "float16"/],
  ["a number of bits", () => setPrecision(32 as unknown as Precision), /setPrecision: expected "float64" or "float32", got 32/],
  ["capitalized", () => setPrecision("Float32" as Precision), /setPrecision: expected "float64" or "float32", got "Float32"/],
  ["missing", () => (setPrecision as (p?: Precision) => void)(), /setPrecision: expected "float64" or "float32", got undefined/],
  ["float32 on a backend without float32 products", onJsBackend(() => setPrecision("float32")), /setPrecision\("float32"\): the js backend has no float32 products.*npm run build:native/],
]);
describe("useBackend refuses a backend that misses any function, and names it", () => {
  const functions = Object.keys(jsBackend).filter((key) => key !== "name");
  it("the convolutional passes are required too (im2col, conv2d, maxPool2d, …): 25 functions", () => {
    expect(functions).toEqual(expect.arrayContaining(["im2col", "col2im", "conv2d", "conv2dWeightGrad", "conv2dInputGrad", "maxPool2d", "maxPool2dBackward", "batchNorm2dBackward", "relu"]));
    expect(functions.length).toBe(25);
  });
  it.each(functions)("a backend without %s", (missing) => {
    const partial = { ...jsBackend } as Record<string, unknown>;
    delete partial[missing];
    const before = backend();
    expect(() => useBackend(partial as unknown as Backend)).toThrow(new RegExp(`useBackend: expected a Backend .* without ${missing}$`));
    expect(backend()).toBe(before);
  });
});
describe("useBackend: a refused backend leaves the active one", () => {
  it("backend() is unchanged", () => {
    const before = backend();
    expect(() => useBackend({ name: "half" } as Backend)).toThrow(TypeError);
    expect(backend()).toBe(before);
  });
});

describe("backend / BNLAB_BACKEND: say what was chosen and why, on stderr", () => {
  it("a typo names the valid values and the backend used", () => {
    const { name, stderr } = backendChosenBy("wsam");
    expect(stderr).toBe(`bnlab: BNLAB_BACKEND="wsam" is not a backend: expected one of native, wasm, js (or unset for the fastest); using ${name}\n`);
  });
  it("another case is read as the backend, and said so", () => {
    expect(backendChosenBy("JS")).toEqual({ name: jsBackend.name, stderr: 'bnlab: BNLAB_BACKEND="JS" is read as "js" (the values are native, wasm, js, in lower case)\n' });
  });
  it("the right spelling, unset or empty gives no warning", () => {
    expect(backendChosenBy("js")).toEqual({ name: jsBackend.name, stderr: "" });
    for (const value of [undefined, ""]) expect(backendChosenBy(value).stderr).toBe("");
  });
  it("native when it cannot load says why and what was chosen instead", () => {
    const { stderr } = backendChosenBy("native");
    if (loadNativeBackend()) expect(stderr).toBe("");
    else expect(stderr).toMatch(/^bnlab: BNLAB_BACKEND=native: the native backend is not available \(.+\); using the (WebAssembly|TypeScript) backend/);
  });
});

// ---- Rng and initializers ----

cases("Rng", [
  ["an object seed", () => new Rng({} as unknown as number), /Rng: seed must be a finite number or a string, got an object/],
  ["a NaN seed", () => new Rng(NaN), /Rng: seed must be a finite number or a string, got NaN/],
]);
cases("Rng.int", [
  ["high ≤ low", () => new Rng(0).int(3, 3), /Rng.int: high \(3\) must be greater than low \(3\)/],
  ["NaN bound", () => new Rng(0).int(0, NaN), /Rng.int: high must be an integer/],
]);
cases("Rng.uniform", [["a string bound", () => new Rng(0).uniform(0, "1" as unknown as number), /Rng.uniform: high must be a finite number/]]);
cases("Rng.normal", [
  ["negative std", () => new Rng(0).normal(0, -1), /Rng.normal: std must be ≥ 0/],
  ["NaN mean", () => new Rng(0).normal(NaN), /Rng.normal: mean must be a finite number, got NaN/],
]);
cases("Rng.normalArray", NOT_COUNTS.filter(([l]) => l !== "0").map(([label, v]): [string, () => unknown, RegExp] => [`n ${label}`, () => new Rng(0).normalArray(v as number), /Rng.normalArray: n must be an integer ≥ 0/]));
cases("Rng.sample", [
  ["k > n", () => new Rng(0).sample(3, 5), /Rng.sample: cannot draw 5 distinct items from 3/],
  ["n NaN", () => new Rng(0).sample(NaN, 1), /Rng.sample: n must be an integer ≥ 0, got NaN/],
]);
cases("Rng.permutation", [["n -1", () => new Rng(0).permutation(-1), /Rng.permutation: n must be an integer ≥ 0, got -1/]]);
cases("Rng.choice", [
  ["empty", () => new Rng(0).choice([]), /Rng.choice: the array is empty/],
  ["not an array", () => new Rng(0).choice(5 as unknown as number[]), /Rng.choice: items must be an array/],
]);
cases("Rng.shuffle", [["not an array", () => new Rng(0).shuffle("abc" as unknown as string[]), /Rng.shuffle: items must be an array, got the string "abc"/]]);
cases("Rng.fork", [["a number label", () => new Rng(0).fork(3 as unknown as string), /Rng.fork: label must be a string, got 3/]]);

cases("normalInit", NOT_FINITE.map(([label, v]): [string, () => unknown, RegExp] => [`std ${label}`, () => normalInit(v as number), /normalInit: std must be a finite number ≥ 0|normalInit: std must be ≥ 0/]).concat([["std -1", () => normalInit(-1), /normalInit: std must be ≥ 0, got -1/]]));
cases("initWeights", [
  ["fanIn 0", () => initWeights(0, 3, xavierInit(), new Rng(0)), /initWeights: fanIn must be an integer ≥ 1, got 0/],
  ["an unknown init", () => initWeights(2, 3, { kind: "he" } as unknown as ReturnType<typeof xavierInit>, new Rng(0)), /initWeights: init must be one of normalInit\(std\), xavierInit\(\)/],
  ["no rng", () => initWeights(2, 3, kaimingInit(), undefined as unknown as Rng), /initWeights: rng must be an Rng/],
  ["a huge layer", () => initWeights(1e6, 1e6, pytorchInit(), new Rng(0)), /initWeights: the weight matrix .*1000000 × 1000000.*\(8 TB\)/],
], "initWeights");
// xavierInit, kaimingInit and pytorchInit take no arguments: nothing to get wrong (see the allow-list).
