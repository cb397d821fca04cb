import { Matrix } from "./matrix";
import { ShapeError } from "./shape-error";
import { checkArrayLike, describe } from "../validate/checks";

/**
 * An n-dimensional array of float64 numbers, stored row-major (PyTorch's memory
 * order): for an image batch of shape [N, C, H, W] the number at (n, c, h, w) is
 * `data[((n·C + c)·H + h)·W + w]`, so each channel of each image is one
 * contiguous H·W block.
 *
 * Like Matrix, operations return new tensors; `reshape` shares the numbers
 * (PyTorch's `view`). The layers of convolutional networks (Conv2d,
 * BatchNorm2d, MaxPool2d, …) take and return Tensors; `Flatten` turns one into
 * the Matrix (rows = examples) that Linear and the losses take.
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;

  /** A tensor over `data` (not copied): data.length must be the product of the shape. */
  constructor(shape: readonly number[], data?: Float64Array) {
    if (!Array.isArray(shape)) throw new TypeError(`Tensor: shape must be an array of dimensions like [N, C, H, W], got ${describe(shape)}`);
    if (data !== undefined && !(data instanceof Float64Array)) {
      throw new TypeError(`Tensor: data must be a Float64Array (it is used as is, not copied), got ${describe(data)}; use Tensor.from(numbers, shape) to copy an array`);
    }
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new RangeError(`Tensor: every dimension must be a non-negative integer, got shape [${shape.join(", ")}]`);
      }
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (data !== undefined && data.length !== size) {
      throw new ShapeError("Tensor", `data of length ${size} (the product of [${shape.join(", ")}])`, `length ${data.length}`);
    }
    this.shape = Object.freeze(shape.slice());
    this.data = data ?? new Float64Array(size);
  }

  /** A tensor holding a copy of `data`, e.g. `Tensor.from(mnist.x.data, [n, 1, 28, 28])`. */
  static from(data: ArrayLike<number>, shape: readonly number[]): Tensor {
    checkArrayLike("Tensor.from", "data", data);
    if (!Array.isArray(shape)) throw new TypeError(`Tensor.from: shape must be an array of dimensions like [N, C, H, W], got ${describe(shape)}`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new ShapeError(
        "Tensor.from",
        `[${shape.join(", ")}] (${size} numbers)`,
        `${data.length} numbers`,
        "The data must hold exactly the product of the shape's dimensions",
      );
    }
    return new Tensor(shape, Float64Array.from(data));
  }

  /** The number of entries, the product of the shape. */
  get size(): number {
    return this.data.length;
  }

  /** The number of dimensions (4 for an image batch). */
  get ndim(): number {
    return this.shape.length;
  }

  shapeString(): string {
    return `[${this.shape.join(", ")}]`;
  }

  /** The entry at the given index, e.g. t.get(n, c, h, w). */
  get(...index: number[]): number {
    return this.data[this.offset(index)];
  }

  set(index: readonly number[], value: number): void {
    this.data[this.offset(index)] = value;
  }

  /** Nested arrays, as PyTorch's `tolist()`: a [2, 3] tensor gives [[a, b, c], [d, e, f]]. */
  toArray(): NestedArray {
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.shape.length) return this.data[start];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, start + i * stride));
    };
    return build(0, 0);
  }

  /** The same numbers with another shape of the same size (shared, like PyTorch's view). One dimension may be −1. */
  reshape(shape: readonly number[]): Tensor {
    const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const free = shape.filter((d) => d === -1).length;
    const resolved = free === 1 && known > 0 ? shape.map((d) => (d === -1 ? this.size / known : d)) : shape.slice();
    const size = resolved.reduce((a, b) => a * b, 1);
    if (free > 1 || size !== this.size || !resolved.every(Number.isInteger)) {
      throw new ShapeError(`Tensor.reshape([${shape.join(", ")}])`, `a shape of ${this.size} numbers (like ${this.shapeString()})`, `[${shape.join(", ")}]`);
    }
    return new Tensor(resolved, this.data);
  }

  /** The same numbers as a rows × cols Matrix (shared), e.g. t.toMatrix(n, c·h·w). */
  toMatrix(rows: number, cols: number): Matrix {
    if (rows * cols !== this.size) {
      throw new ShapeError("Tensor.toMatrix", `rows·cols = ${this.size} (the size of ${this.shapeString()})`, `[${rows}, ${cols}]`);
    }
    return new Matrix(rows, cols, this.data);
  }

  clone(): Tensor {
    return new Tensor(this.shape, this.data.slice());
  }

  /** f applied to every entry, into a new tensor of the same shape. */
  map(f: (v: number, i: number) => number): Tensor {
    const out = new Tensor(this.shape);
    for (let i = 0; i < this.data.length; i++) out.data[i] = f(this.data[i], i);
    return out;
  }

  /** Elementwise a + b (same shape). */
  add(other: Tensor): Tensor {
    this.assertSameShape(other, "Tensor.add");
    return this.map((v, i) => v + other.data[i]);
  }

  /** Elementwise a ⊙ b (same shape). */
  mul(other: Tensor): Tensor {
    this.assertSameShape(other, "Tensor.mul");
    return this.map((v, i) => v * other.data[i]);
  }

  sum(): number {
    let s = 0;
    for (let i = 0; i < this.data.length; i++) s += this.data[i];
    return s;
  }

  maxAbs(): number {
    let m = 0;
    for (let i = 0; i < this.data.length; i++) m = Math.max(m, Math.abs(this.data[i]));
    return m;
  }

  sameShape(other: { readonly shape: readonly number[] }): boolean {
    return other.shape.length === this.shape.length && other.shape.every((d, i) => d === this.shape[i]);
  }

  assertSameShape(other: Tensor, where: string): void {
    if (!this.sameShape(other)) throw new ShapeError(where, this.shapeString(), other.shapeString());
  }

  toString(): string {
    return `Tensor${this.shapeString()}`;
  }

  private offset(index: readonly number[]): number {
    if (index.length !== this.shape.length || index.some((v, d) => !Number.isInteger(v) || v < 0 || v >= this.shape[d])) {
      throw new RangeError(`Tensor: index [${index.join(", ")}] is outside the shape ${this.shapeString()}`);
    }
    let o = 0;
    for (let d = 0; d < index.length; d++) o = o * this.shape[d] + index[d];
    return o;
  }
}

/** What Tensor.toArray returns: nested arrays of numbers, one level per dimension. */
export type NestedArray = number | NestedArray[];

/** What flows between layers: a Matrix (rows = examples) or a Tensor (e.g. [N, C, H, W] images). */
export type Value = Matrix | Tensor;

/** v, if it is a Matrix or a Tensor. */
function checkValue(where: string, what: string, v: unknown): asserts v is Value {
  if (!(v instanceof Matrix) && !(v instanceof Tensor)) throw new TypeError(`${where}: ${what} must be a Matrix or a Tensor, got ${describe(v)}`);
}

/** An all-zero Matrix or Tensor of v's shape. */
export function zerosLike<T extends Value>(v: T): T {
  checkValue("zerosLike", "v", v);
  return (v instanceof Matrix ? new Matrix(v.rows, v.cols) : new Tensor(v.shape)) as T;
}

/**
 * A Matrix or Tensor of v's shape whose entries are not zeroed first (PyTorch's
 * torch.empty_like): for an output that the code filling it writes whole. A
 * large one is an array given back by recycleFloat64, else (in Node) memory as
 * it comes: no pass writing zeros over megabytes of activations per layer and
 * step. Elsewhere, and small ones, start at zero.
 */
export function emptyLike<T extends Value>(v: T): T {
  checkValue("emptyLike", "v", v);
  return (v instanceof Matrix ? new Matrix(v.rows, v.cols, emptyFloat64(v.size)) : new Tensor(v.shape, emptyFloat64(v.size))) as T;
}

/** Node's Buffer, when there is one (not in a browser). */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(bytes: number): Uint8Array } }).Buffer;

/** Arrays below this many entries are always new (and zeroed); larger ones may be recycled. */
const LARGE = 4096;

/** A Float64Array of `length` entries, not zeroed when it is large (see emptyLike). */
export function emptyFloat64(length: number): Float64Array {
  if (length < LARGE) return new Float64Array(length);
  const recycled = spare.get(length)?.pop();
  if (recycled !== undefined) {
    spareBytes -= recycled.byteLength;
    return recycled;
  }
  if (nodeBuffer === undefined) return new Float64Array(length);
  const bytes = nodeBuffer.allocUnsafeSlow(length * 8); // its own ArrayBuffer at offset 0: aligned for float64
  return new Float64Array(bytes.buffer, bytes.byteOffset, length);
}

/**
 * Large arrays that nothing reads any more, by length, for emptyFloat64 to hand
 * out again. A training step of a CNN makes some 25 MB of activations and
 * gradients; as new ArrayBuffers they make V8 collect its young generation at
 * about every step and, once a long session has grown that generation to its
 * largest, start a full mark-compact of the whole heap every few steps, which
 * made the step up to twice as slow. Sequential gives back the values between
 * its layers (see nn/reuse.ts), so that a step reuses the last step's memory.
 */
const spare = new Map<number, Float64Array[]>();
/**
 * The bytes in `spare`, and how many it may hold: when full, it is emptied (arrays
 * of a batch size no longer used are let go). At most SPARE_PER_LENGTH arrays of
 * one length are kept (more come back than are asked for when Matrix, not
 * emptyFloat64, made some of them).
 */
let spareBytes = 0;
const SPARE_BYTES = 128 * 2 ** 20, SPARE_PER_LENGTH = 8;

/**
 * Give `a` back for emptyFloat64 to reuse: the caller promises that nothing
 * will read or write it again. Only a large array that is its whole
 * ArrayBuffer is kept; anything else is left to the garbage collector.
 */
export function recycleFloat64(a: Float64Array): void {
  if (a.length < LARGE || a.byteOffset !== 0 || !(a.buffer instanceof ArrayBuffer) || a.buffer.byteLength !== a.byteLength) return;
  if (a.byteLength > SPARE_BYTES) return;
  if (spareBytes + a.byteLength > SPARE_BYTES) {
    spare.clear();
    spareBytes = 0;
  }
  const list = spare.get(a.length) ?? [];
  spare.set(a.length, list);
  if (list.length >= SPARE_PER_LENGTH || list.includes(a)) return;
  list.push(a);
  spareBytes += a.byteLength;
}

/** True when a and b are the same kind with the same shape. */
export function sameShape(a: Value, b: Value): boolean {
  checkValue("sameShape", "a", a);
  checkValue("sameShape", "b", b);
  if (a instanceof Matrix || b instanceof Matrix) {
    return a instanceof Matrix && b instanceof Matrix && a.rows === b.rows && a.cols === b.cols;
  }
  return a.sameShape(b);
}
