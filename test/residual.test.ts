/** Residual (y = x + body(x)) and basicBlock: gradients by gradcheck, and the shape error. */
import { describe, expect, it } from "vitest";
import { Tensor } from "../src/tensor/tensor";
import { Rng } from "../src/random/rng";
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { ReLU } from "../src/nn/activations";
import { Sequential } from "../src/nn/sequential";
import { Residual, basicBlock } from "../src/nn/residual";
import { gradcheckEach, images, perturb } from "./helpers/image-layers";

const x = images([3, 2, 5, 4], 1, 1.5, 0.5);
const body = () => new Sequential<Tensor>(new Conv2d(2, 2, 3, { padding: 1 }), perturb(new BatchNorm2d(2)), new ReLU(), new Conv2d(2, 2, 3, { padding: 1, rng: new Rng(3) }));

describe("Residual: gradcheck (relative error < 1e-7)", () => {
  gradcheckEach([
    ["Residual(conv, BN, ReLU, conv)", () => new Residual(body()), x, ["train", "eval"]],
    ["basicBlock (group norm)", () => basicBlock(2, { norm: "group", groups: 1 }), x, ["train"]],
  ]);
});

describe("Residual", () => {
  it("adds the input to the body's output", () => {
    const inner = body().eval();
    const y = new Residual(inner).eval().forward(x);
    const expected = inner.forward(x).data.map((v, i) => v + x.data[i]);
    expect(Array.from(y.data)).toEqual(Array.from(expected));
  });

  it("refuses a body that changes the shape, naming both shapes", () => {
    expect(() => new Residual(new Conv2d(2, 2, 3)).forward(images([1, 2, 5, 5]))).toThrow(/Residual: the body must keep the shape.*\[1, 2, 5, 5\].*\[1, 2, 3, 3\]/);
  });
});
