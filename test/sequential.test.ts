import { describe, expect, it } from "vitest";
import { Sequential } from "../src/nn/sequential";
import { Linear } from "../src/nn/linear";
import { ReLU, Sigmoid, Tanh } from "../src/nn/activations";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Dropout } from "../src/nn/dropout";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { MaxPool2d } from "../src/nn/pooling";
import { GroupNorm } from "../src/nn/groupnorm";
import { Flatten, Unflatten } from "../src/nn/flatten";
import { gradcheckEach, perturb } from "./helpers/image-layers";

const x = new Matrix(4, 3, new Rng("x").normalArray(12));

describe("Sequential", () => {
  it("forward applies the layers in order", () => {
    const l1 = new Linear(3, 5, { rng: new Rng(1) });
    const act = new Tanh();
    const l2 = new Linear(5, 2, { rng: new Rng(2) });
    const net = new Sequential(l1, act, l2);
    const expected = new Linear(5, 2, { rng: new Rng(2) }).forward(new Tanh().forward(new Linear(3, 5, { rng: new Rng(1) }).forward(x)));
    expect(net.forward(x).data).toEqual(expected.data);
  });

  it("backward runs the layers in reverse and fills every parameter's grad", () => {
    const net = new Sequential(new Linear(3, 5, { rng: new Rng(1) }), new Sigmoid(), new Linear(5, 2, { rng: new Rng(2) }));
    net.forward(x);
    const dx = net.backward(Matrix.ones(4, 2));
    expect(dx.shape).toEqual([4, 3]);
    for (const p of net.parameters()) expect(p.grad.maxAbs()).toBeGreaterThan(0);
  });

  it("names parameters and buffers by position, as PyTorch does", () => {
    const net = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Sequential(new Linear(4, 2), new BatchNorm1d(2)));
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      "0.weight", "0.bias", "1.weight", "1.bias", "3.0.weight", "3.0.bias", "3.1.weight", "3.1.bias",
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual([
      "1.running_mean", "1.running_var", "1.num_batches_tracked",
      "3.1.running_mean", "3.1.running_var", "3.1.num_batches_tracked",
    ]);
    expect(net.numParameters()).toBe(3 * 4 + 4 + 4 + 4 + 4 * 2 + 2 + 2 + 2);
  });

  it("train() and eval() reach every layer, nested ones included", () => {
    const inner = new Sequential(new BatchNorm1d(4), new Dropout(0.5));
    const net = new Sequential(new Linear(3, 4), inner, new ReLU());
    const all = () => [net, ...net.layers, ...inner.layers].map((m) => m.training);
    expect(all().every((t) => t)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(all().some((t) => t)).toBe(false);
    net.train();
    expect(all().every((t) => t)).toBe(true);
    net.train(false);
    expect(all().some((t) => t)).toBe(false);
  });

  it("at(i), length, toString and summary", () => {
    const net = new Sequential(new Linear(784, 100), new BatchNorm1d(100), new Sigmoid(), new Linear(100, 10));
    expect(net.length).toBe(4);
    expect(net.at(2).toString()).toBe("Sigmoid");
    expect(() => net.at(4)).toThrow("Sequential: no layer 4 (it has 4)");
    expect(net.toString()).toBe(
      "Sequential(Linear(784→100), BatchNorm1d(100, eps=1e-5, momentum=0.1), Sigmoid, Linear(100→10))",
    );
    expect(net.summary()).toBe(
      "Sequential(\n" +
        "  (0): Linear(784→100)\n" +
        "  (1): BatchNorm1d(100, eps=1e-5, momentum=0.1)\n" +
        "  (2): Sigmoid\n" +
        "  (3): Linear(100→10)\n" +
        ")  — 79,710 parameters",
    );
  });

  it("an empty Sequential is the identity", () => {
    const net = new Sequential();
    expect(net.forward(x)).toBe(x);
    expect(net.backward(x)).toBe(x);
  });

  it("errors say which layer failed: 'Sequential layer i', a path when nested", () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(5, 2));
    expect(() => net.forward(x)).toThrow(
      "Sequential layer 2: Linear(5→2).forward: expected shape [batch, 5], got [4, 4]. Rows are examples and columns are features",
    );
    const nested = new Sequential(new Linear(3, 4), new Sequential(new ReLU(), new BatchNorm1d(5)));
    expect(() => nested.forward(x)).toThrow("Sequential layer 1.1: BatchNorm1d(5, eps=1e-5, momentum=0.1).forward: expected shape [batch, 5], got [4, 4]");
  });
});

describe("Sequential of image layers", () => {
  gradcheckEach([
    [
      "a small CNN: Unflatten, conv, BN2d, ReLU, pool, conv, GroupNorm, Flatten, Linear",
      () =>
        new Sequential(
          new Unflatten([1, 6, 6]),
          new Conv2d(1, 3, 3, { padding: 1, bias: false }),
          perturb(new BatchNorm2d(3)),
          new ReLU(),
          new MaxPool2d(2),
          new Conv2d(3, 4, 2, { rng: new Rng(2) }),
          perturb(new GroupNorm(2, 4)),
          new Tanh(),
          new Flatten(),
          new Linear(16, 3),
        ),
      new Matrix(4, 36, new Rng(9).normalArray(144)),
      ["train", "eval"],
    ],
  ]);

  it("an error inside names the layer's position", () => {
    const seq = new Sequential(new Unflatten([1, 4, 4]), new Conv2d(2, 2, 3));
    expect(() => seq.forward(new Matrix(2, 16))).toThrow(/Sequential layer 1: Conv2d\(2→2, kernelSize=3\)\.forward: expected shape \[N, 2, H, W\], got \[2, 1, 4, 4\]/);
  });
});
