/** MaxPool2d and AvgPool2d: gradients by gradcheck (PyTorch parity, NaN included: torch-reference-cnn.test.ts). */
import { describe, expect, it } from "vitest";
import { Tensor } from "../src/tensor/tensor";
import { AvgPool2d, MaxPool2d } from "../src/nn/pooling";
import { gradcheckEach, images } from "./helpers/image-layers";

const x = images([3, 2, 5, 4], 1, 1.5, 0.5);

describe("pooling: gradcheck (relative error < 1e-7)", () => {
  gradcheckEach([
    ["MaxPool2d 2", () => new MaxPool2d(2), x, ["train"]],
    ["MaxPool2d 3 stride 1 (overlapping)", () => new MaxPool2d(3, 1), x, ["train"]],
    ["AvgPool2d 2", () => new AvgPool2d(2), x, ["train"]],
    ["AvgPool2d 3 stride 1", () => new AvgPool2d(3, 1), x, ["train"]],
  ]);
});

describe("MaxPool2d", () => {
  it.each([true, false])("takes each window's largest number, and a NaN wherever it is in the window (fastPath %s)", (fastPath) => {
    const pool = new MaxPool2d(2);
    pool.fastPath = fastPath;
    const input = Tensor.from([1, 5, 2, NaN, 3, 4, 0, 1, 9, NaN, 1, 1, 8, 7, 1, 1], [1, 1, 4, 4]);
    const y = pool.forward(input);
    expect(Array.from(y.data)).toEqual([5, NaN, NaN, 1]);
    expect(Array.from(pool.backward(Tensor.from([1, 2, 3, 4], [1, 1, 2, 2])).data)).toEqual([0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });
});
