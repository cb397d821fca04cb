/** Tensor: PyTorch's row-major order for from/toArray/reshape/get, and its errors. */
import { describe, expect, it } from "vitest";
import { Tensor } from "../src/tensor/tensor";

describe("Tensor", () => {
  it("from/toArray/reshape/get follow PyTorch's row-major order", () => {
    const t = Tensor.from([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
    expect(t.toArray()).toEqual([[[0, 1], [2, 3]], [[4, 5], [6, 7]]]);
    expect(t.get(1, 0, 1)).toBe(5);
    expect(t.reshape([4, -1]).shape).toEqual([4, 2]);
    expect(() => Tensor.from([1, 2, 3], [2, 2])).toThrow(/Tensor\.from: expected shape \[2, 2\] \(4 numbers\), got 3 numbers/);
    expect(() => t.reshape([3, 3])).toThrow(/reshape/);
    expect(() => t.get(2, 0, 0)).toThrow(/outside the shape \[2, 2, 2\]/);
  });
});
