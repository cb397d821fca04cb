/** Small helpers the layer tests share: seeded random matrices and element-wise closeness. */
import { expect } from "vitest";
import { Rng } from "../../src/random/rng";
import { Matrix } from "../../src/tensor/matrix";

/** A rows×cols matrix of Normal(mean, std²) numbers drawn from the given seed. */
export function randn(rows: number, cols: number, seed: number | string, mean = 0, std = 1): Matrix {
  return new Matrix(rows, cols, new Rng(seed).normalArray(rows * cols, mean, std));
}

/** Same length, and every pair within `tol` (absolute). */
export function expectCloseArrays(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol);
}
