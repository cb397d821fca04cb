/** Flatten and Unflatten: the same numbers in another shape, gradients by gradcheck, and their errors. */
import { describe, expect, it } from "vitest";
import { Tensor } from "../src/tensor/tensor";
import { Matrix } from "../src/tensor/matrix";
import { Flatten, Unflatten } from "../src/nn/flatten";
import { gradcheckEach, images } from "./helpers/image-layers";

const x = images([3, 2, 5, 4], 1, 1.5, 0.5);

describe("Flatten and Unflatten: gradcheck (relative error < 1e-7)", () => {
  gradcheckEach([
    ["Flatten", () => new Flatten(), x, ["train"]],
    ["Unflatten", () => new Unflatten([2, 5, 4]), x.toMatrix(3, 40), ["train"]],
  ]);
});

describe("Flatten and Unflatten", () => {
  it("Flatten gives the [N, C·H·W] Matrix of the same numbers, and Unflatten undoes it", () => {
    const y = new Flatten().forward(x);
    expect([y.rows, y.cols]).toEqual([3, 40]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    const back = new Unflatten([2, 5, 4]).forward(y);
    expect(back.shape).toEqual([3, 2, 5, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(x.data));
  });

  it("errors name the layer, the expected shape and what came", () => {
    expect(() => new Flatten().forward(new Matrix(2, 3) as unknown as Tensor)).toThrow(/Flatten\.forward: expected shape a Tensor/);
    expect(() => new Unflatten([1, 28, 28]).forward(new Matrix(2, 100))).toThrow(/Unflatten\(\[1, 28, 28\]\)\.forward: expected shape a Matrix \[N, 784\].*got a Matrix \[2, 100\]/);
  });
});
