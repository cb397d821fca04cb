import { backend } from "./backend";
import { ShapeError, shapeOf } from "./shape-error";
import { allocateFloat64, checkAllocation, checkArrayLike, checkFunction, checkInteger, checkNumber, checkNumbers, describe } from "../validate/checks";

/**
 * A 2-D matrix of float64 numbers, stored row-major.
 *
 * By convention a batch is `rows` = examples, `cols` = features, so the
 * per-feature statistics of batch norm are reductions over the rows (axis 0).
 * Operations return new matrices and check shapes; the `...InPlace` variants
 * overwrite `this` (used where a layer reuses a buffer).
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (typeof rows !== "number" || typeof cols !== "number" || !Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(`Matrix: rows and cols must be non-negative integers, got ${describe(rows)}×${describe(cols)}`);
    }
    this.rows = rows;
    this.cols = cols;
    if (data !== undefined) {
      if (!(data instanceof Float64Array)) {
        throw new TypeError(`Matrix: data must be a Float64Array, got ${describe(data)}. Use Matrix.fromArray([[…], …]) for nested arrays`);
      }
      if (data.length !== rows * cols) throw new ShapeError("Matrix", `data of length ${rows * cols}`, `length ${data.length}`);
    } else {
      checkAllocation("Matrix", "it", rows, cols);
    }
    this.data = data ?? allocateFloat64("Matrix", () => `a ${rows} × ${cols} matrix`, rows * cols);
  }

  // ---- construction -------------------------------------------------------

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static ones(rows: number, cols: number): Matrix {
    return Matrix.full(rows, cols, 1);
  }

  static full(rows: number, cols: number, value: number): Matrix {
    checkNumber("Matrix.full", "value", value, { infinite: true });
    const m = new Matrix(rows, cols);
    m.data.fill(value);
    return m;
  }

  /** From nested arrays: `Matrix.fromArray([[1, 2], [3, 4]])` is 2×2. */
  static fromArray(values: readonly (readonly number[])[]): Matrix {
    checkArrayLike("Matrix.fromArray", "values (an array of rows, e.g. [[1, 2], [3, 4]])", values);
    const rows = values.length;
    values.forEach((row, i) => checkNumbers("Matrix.fromArray", `row ${i}`, row));
    const cols = rows === 0 ? 0 : values[0].length;
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) {
      if (values[i].length !== cols) {
        throw new ShapeError("Matrix.fromArray", `every row of length ${cols}`, `row ${i} of length ${values[i].length}`);
      }
      for (let j = 0; j < cols; j++) m.data[i * cols + j] = values[i][j];
    }
    return m;
  }

  /** A 1×n row vector. */
  static row(values: readonly number[] | Float64Array): Matrix {
    checkNumbers("Matrix.row", "values", values);
    return new Matrix(1, values.length, Float64Array.from(values));
  }

  /** An n×1 column vector. */
  static column(values: readonly number[] | Float64Array): Matrix {
    checkNumbers("Matrix.column", "values", values);
    return new Matrix(values.length, 1, Float64Array.from(values));
  }

  static identity(n: number): Matrix {
    checkInteger("Matrix.identity", "n", n);
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** Stack row vectors / matrices on top of each other (same number of columns). */
  static vstack(parts: readonly Matrix[]): Matrix {
    checkArrayLike("Matrix.vstack", "parts", parts);
    parts.forEach((p, i) => checkMatrix("Matrix.vstack", `parts[${i}]`, p));
    if (parts.length === 0) return new Matrix(0, 0);
    const cols = parts[0].cols;
    let rows = 0;
    for (const p of parts) {
      if (p.cols !== cols) throw new ShapeError("Matrix.vstack", `[*, ${cols}]`, p.shapeString());
      rows += p.rows;
    }
    const out = new Matrix(rows, cols);
    let offset = 0;
    for (const p of parts) {
      out.data.set(p.data, offset);
      offset += p.data.length;
    }
    return out;
  }

  // ---- access -------------------------------------------------------------

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get size(): number {
    return this.rows * this.cols;
  }

  shapeString(): string {
    return shapeOf(this.rows, this.cols);
  }

  get(i: number, j: number): number {
    this.checkIndex(i, j);
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.checkIndex(i, j);
    // any number, NaN and ±Infinity included (they propagate, as in a PyTorch tensor); not a string or undefined
    if (typeof value !== "number") checkNumber("Matrix.set", "value", value, { infinite: true });
    this.data[i * this.cols + j] = value;
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  /** Row i as a plain array. */
  rowArray(i: number): number[] {
    this.checkIndex(i, 0);
    return Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
  }

  /** Column j as a plain array. */
  columnArray(j: number): number[] {
    this.checkIndex(0, j);
    const out = new Array<number>(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j];
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** Copy another matrix of the same shape into this one. */
  copyFrom(other: Matrix): this {
    checkMatrix("Matrix.copyFrom", "other", other);
    this.assertSameShape(other, "Matrix.copyFrom");
    this.data.set(other.data);
    return this;
  }

  /** A new matrix made of the given rows, in order (a minibatch). */
  selectRows(indices: ArrayLike<number>): Matrix {
    checkArrayLike("Matrix.selectRows", "indices", indices);
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r];
      if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= this.rows) {
        throw new RangeError(
          `Matrix.selectRows: row ${describe(i)} is out of range for ${this.shapeString()}: ` +
            `indices[${r}] must be an integer in [0, ${this.rows})`,
        );
      }
    }
    const out = new Matrix(indices.length, this.cols);
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r];
      out.data.set(this.data.subarray(i * this.cols, (i + 1) * this.cols), r * this.cols);
    }
    return out;
  }

  /** Columns [start, end) as a new matrix. */
  sliceCols(start: number, end: number): Matrix {
    const ok = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= this.cols;
    if (!ok(start) || !ok(end) || start > end) {
      throw new RangeError(
        `Matrix.sliceCols: [${describe(start)}, ${describe(end)}) is out of range for ${this.shapeString()}: ` +
          `expected integers 0 ≤ start ≤ end ≤ ${this.cols}`,
      );
    }
    const w = end - start;
    const out = new Matrix(this.rows, w);
    for (let i = 0; i < this.rows; i++) {
      out.data.set(this.data.subarray(i * this.cols + start, i * this.cols + end), i * w);
    }
    return out;
  }

  // ---- linear algebra -----------------------------------------------------

  /** this · other */
  matmul(other: Matrix): Matrix {
    checkMatrix("Matrix.matmul", "other", other);
    if (this.cols !== other.rows) {
      throw new ShapeError("Matrix.matmul", `other with ${this.cols} rows to multiply ${this.shapeString()}`, other.shapeString());
    }
    const out = new Matrix(this.rows, other.cols);
    backend().matmul(this.data, other.data, out.data, this.rows, this.cols, other.cols);
    return out;
  }

  /** thisᵀ · other, without forming the transpose. */
  matmulTransA(other: Matrix): Matrix {
    checkMatrix("Matrix.matmulTransA", "other", other);
    if (this.rows !== other.rows) {
      throw new ShapeError("Matrix.matmulTransA", `other with ${this.rows} rows`, other.shapeString());
    }
    const out = new Matrix(this.cols, other.cols);
    backend().matmulTransA(this.data, other.data, out.data, this.cols, this.rows, other.cols);
    return out;
  }

  /** this += aᵀ · b, without forming the transpose or a temporary (a gradient summed into its buffer). */
  addMatmulTransA(a: Matrix, b: Matrix): this {
    checkMatrix("Matrix.addMatmulTransA", "a", a);
    checkMatrix("Matrix.addMatmulTransA", "b", b);
    if (a.rows !== b.rows || this.rows !== a.cols || this.cols !== b.cols) {
      throw new ShapeError("Matrix.addMatmulTransA", `aᵀ·b of shape ${this.shapeString()} (a and b with the same rows)`, `a ${a.shapeString()}, b ${b.shapeString()}`);
    }
    backend().matmulTransA(a.data, b.data, this.data, a.cols, a.rows, b.cols, true);
    return this;
  }

  /** this · otherᵀ, without forming the transpose. */
  matmulTransB(other: Matrix): Matrix {
    checkMatrix("Matrix.matmulTransB", "other", other);
    if (this.cols !== other.cols) {
      throw new ShapeError("Matrix.matmulTransB", `other with ${this.cols} columns`, other.shapeString());
    }
    const out = new Matrix(this.rows, other.rows);
    backend().matmulTransB(this.data, other.data, out.data, this.rows, this.cols, other.rows);
    return out;
  }

  transpose(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) out.data[j * this.rows + i] = this.data[i * this.cols + j];
    }
    return out;
  }

  // ---- elementwise --------------------------------------------------------

  add(other: Matrix | number): Matrix {
    return this.zipOrScalar(other, "add", addLoop);
  }

  sub(other: Matrix | number): Matrix {
    return this.zipOrScalar(other, "sub", subLoop);
  }

  /** Elementwise (Hadamard) product; broadcasts a 1×cols row or a rows×1 column. */
  mul(other: Matrix | number): Matrix {
    return this.zipOrScalar(other, "mul", mulLoop);
  }

  div(other: Matrix | number): Matrix {
    return this.zipOrScalar(other, "div", divLoop);
  }

  scale(s: number): Matrix {
    checkNumber("Matrix.scale", "s", s, { infinite: true });
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, o = out.data;
    for (let i = 0; i < a.length; i++) o[i] = a[i] * s;
    return out;
  }

  map(f: (v: number, i: number, j: number) => number): Matrix {
    checkFunction("Matrix.map", "f", f);
    const out = new Matrix(this.rows, this.cols);
    const a = this.data, o = out.data, c = this.cols;
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < c; j++) o[i * c + j] = f(a[i * c + j], i, j);
    }
    return out;
  }

  /** this[i][j] += row[j] for every row i: a 1×cols row added to each row (a bias), in place. */
  addRowInPlace(row: Matrix): this {
    checkMatrix("Matrix.addRowInPlace", "row", row);
    if (row.rows !== 1 || row.cols !== this.cols) {
      throw new ShapeError("Matrix.addRowInPlace", `[1, ${this.cols}] (one number per column)`, row.shapeString());
    }
    backend().addRow(this.data, row.data, this.rows, this.cols);
    return this;
  }

  /** this += other * alpha (same shape). */
  addInPlace(other: Matrix, alpha = 1): this {
    checkMatrix("Matrix.addInPlace", "other", other);
    checkNumber("Matrix.addInPlace", "alpha", alpha, { infinite: true });
    this.assertSameShape(other, "Matrix.addInPlace");
    backend().axpy(alpha, other.data, this.data, this.size);
    return this;
  }

  scaleInPlace(s: number): this {
    checkNumber("Matrix.scaleInPlace", "s", s, { infinite: true });
    const a = this.data;
    const n = a.length, n4 = n & ~3;
    let i = 0;
    for (; i < n4; i += 4) {
      a[i] *= s;
      a[i + 1] *= s;
      a[i + 2] *= s;
      a[i + 3] *= s;
    }
    for (; i < n; i++) a[i] *= s;
    return this;
  }

  fill(value: number): this {
    checkNumber("Matrix.fill", "value", value, { infinite: true });
    this.data.fill(value);
    return this;
  }

  // ---- reductions ---------------------------------------------------------

  /** Sum over the rows (axis 0): a 1×cols row, one number per feature. */
  sumRows(): Matrix {
    const out = new Matrix(1, this.cols);
    backend().sumRows(this.data, out.data, this.rows, this.cols);
    return out;
  }

  /** Mean over the rows (axis 0): a 1×cols row. */
  meanRows(): Matrix {
    if (this.rows === 0) throw new RangeError("Matrix.meanRows: mean of zero rows is undefined");
    return this.sumRows().scaleInPlace(1 / this.rows);
  }

  /** Sum over the columns (axis 1): a rows×1 column, one number per example. */
  sumCols(): Matrix {
    const out = new Matrix(this.rows, 1);
    for (let i = 0; i < this.rows; i++) {
      let s = 0;
      for (let j = 0; j < this.cols; j++) s += this.data[i * this.cols + j];
      out.data[i] = s;
    }
    return out;
  }

  /** Mean over the columns (axis 1): a rows×1 column. */
  meanCols(): Matrix {
    if (this.cols === 0) throw new RangeError("Matrix.meanCols: mean of zero columns is undefined");
    return this.sumCols().scaleInPlace(1 / this.cols);
  }

  sum(): number {
    let s = 0;
    for (let i = 0; i < this.data.length; i++) s += this.data[i];
    return s;
  }

  mean(): number {
    return this.sum() / this.data.length;
  }

  /** Index of the largest entry of every row (predicted class); a NaN counts as the largest, as in torch.argmax. */
  argmaxRows(): number[] {
    const out = new Array<number>(this.rows);
    for (let i = 0; i < this.rows; i++) {
      let best = 0;
      let bestValue = -Infinity;
      for (let j = 0; j < this.cols; j++) {
        const v = this.data[i * this.cols + j];
        if (Number.isNaN(v)) {
          best = j;
          break;
        }
        if (v > bestValue) {
          bestValue = v;
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  maxAbs(): number {
    let m = 0;
    for (let i = 0; i < this.data.length; i++) m = Math.max(m, Math.abs(this.data[i]));
    return m;
  }

  // ---- display ------------------------------------------------------------

  toString(): string {
    const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
    const shown = this.toArray().slice(0, 6).map((r) => {
      const cells = r.slice(0, 8).map(fmt);
      if (r.length > 8) cells.push("…");
      return "  [" + cells.join(", ") + "]";
    });
    if (this.rows > 6) shown.push("  …");
    return `Matrix ${this.rows}×${this.cols}\n${shown.join("\n")}`;
  }

  // ---- checks -------------------------------------------------------------

  assertSameShape(other: Matrix, where: string): void {
    checkMatrix(where, "other", other);
    if (other.rows !== this.rows || other.cols !== this.cols) {
      throw new ShapeError(where, this.shapeString(), other.shapeString());
    }
  }

  private checkIndex(i: number, j: number): void {
    if (!(i >= 0 && i < this.rows && j >= 0 && j < this.cols) || !Number.isInteger(i) || !Number.isInteger(j)) {
      throw new RangeError(
        `Matrix index (${describe(i)}, ${describe(j)}) is out of range for shape ${this.shapeString()}: ` +
          `expected integers in [0, ${this.rows}) and [0, ${this.cols})`,
      );
    }
  }

  /** Elementwise op with a scalar, a same-shape matrix, a 1×cols row or a rows×1 column. */
  private zipOrScalar(other: Matrix | number, op: string, loop: ZipLoop): Matrix {
    if (typeof other !== "number") checkMatrix(`Matrix.${op}`, "other", other);
    const out = new Matrix(this.rows, this.cols);
    const r = this.rows, c = this.cols;
    if (typeof other === "number") {
      loop(this.data, Float64Array.of(other), out.data, r, c, 0, 0); // b[0] everywhere
    } else if (other.rows === r && other.cols === c) {
      loop(this.data, other.data, out.data, r, c, c, 1); //            b[i, j]
    } else if (other.rows === 1 && other.cols === c) {
      loop(this.data, other.data, out.data, r, c, 0, 1); //            b[j]: the row, for every i
    } else if (other.cols === 1 && other.rows === r) {
      loop(this.data, other.data, out.data, r, c, 1, 0); //            b[i]: the column, for every j
    } else {
      throw new ShapeError(
        `Matrix.${op}`,
        `${this.shapeString()}, a row [1, ${this.cols}] or a column [${this.rows}, 1]`,
        other.shapeString(),
      );
    }
    return out;
  }
}

/** Throw a TypeError naming `where` unless m is a Matrix (e.g. a nested array passed by mistake). */
export function checkMatrix(where: string, what: string, m: unknown): asserts m is Matrix {
  if (!(m instanceof Matrix)) {
    const hint = Array.isArray(m) ? ": wrap nested arrays with Matrix.fromArray([[…], …])" : "";
    throw new TypeError(`${where}: ${what} must be a Matrix, got ${describe(m)}${hint}`);
  }
}

/**
 * o[i, j] = a[i, j] ∘ b[i·rowStep + j·colStep] for a rows×cols `a`: the steps
 * pick b's entry, so one loop serves a same-shape b, a broadcast row or column,
 * and a scalar. One loop per operation (rather than one loop calling `(a, b) =>
 * a + b`) keeps the operation inlined: a call per element would cost more than
 * the arithmetic.
 */
type ZipLoop = (a: Float64Array, b: Float64Array, o: Float64Array, rows: number, cols: number, rowStep: number, colStep: number) => void;

const addLoop: ZipLoop = (a, b, o, rows, cols, rowStep, colStep) => {
  for (let i = 0; i < rows; i++) {
    const ai = i * cols, bi = i * rowStep;
    for (let j = 0; j < cols; j++) o[ai + j] = a[ai + j] + b[bi + j * colStep];
  }
};

const subLoop: ZipLoop = (a, b, o, rows, cols, rowStep, colStep) => {
  for (let i = 0; i < rows; i++) {
    const ai = i * cols, bi = i * rowStep;
    for (let j = 0; j < cols; j++) o[ai + j] = a[ai + j] - b[bi + j * colStep];
  }
};

const mulLoop: ZipLoop = (a, b, o, rows, cols, rowStep, colStep) => {
  for (let i = 0; i < rows; i++) {
    const ai = i * cols, bi = i * rowStep;
    for (let j = 0; j < cols; j++) o[ai + j] = a[ai + j] * b[bi + j * colStep];
  }
};

const divLoop: ZipLoop = (a, b, o, rows, cols, rowStep, colStep) => {
  for (let i = 0; i < rows; i++) {
    const ai = i * cols, bi = i * rowStep;
    for (let j = 0; j < cols; j++) o[ai + j] = a[ai + j] / b[bi + j * colStep];
  }
};
