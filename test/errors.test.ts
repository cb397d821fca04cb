import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { ShapeError } from "../src/tensor/shape-error";
import { Module } from "../src/nn/module";
import { Linear } from "../src/nn/linear";
import { ReLU, Sigmoid, Tanh } from "../src/nn/activations";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { LayerNorm } from "../src/nn/layernorm";
import { GroupNorm } from "../src/nn/groupnorm";
import { BatchRenorm1d, renormSchedule } from "../src/nn/batchrenorm";
import { Dropout } from "../src/nn/dropout";
import { Sequential } from "../src/nn/sequential";

/** The message of what f throws (and that it throws). */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

const x = Matrix.zeros(3, 5); // a batch of 3 examples with 5 features

describe("shape mismatches name the layer, the expected and the actual shape", () => {
  const layers: Array<[Module, string]> = [
    [new Linear(4, 2), "Linear(4→2)"],
    [new BatchNorm1d(4), "BatchNorm1d(4, eps=1e-5, momentum=0.1)"],
    [new LayerNorm(4), "LayerNorm(4, eps=1e-5)"],
    [new GroupNorm(2, 4), "GroupNorm(2, 4, eps=1e-5)"],
    [new BatchRenorm1d(4), "BatchRenorm1d(4, eps=1e-5, momentum=0.01, rmax=3, dmax=5)"],
  ];
  for (const [layer, name] of layers) {
    it(name, () => {
      expect(() => layer.forward(x)).toThrow(ShapeError);
      expect(messageOf(() => layer.forward(x))).toBe(
        `${name}.forward: expected shape [batch, 4], got [3, 5]. Rows are examples and columns are features`,
      );
    });
  }

  it("in a Sequential the message starts with 'Sequential layer i'", () => {
    const net = new Sequential(new Linear(5, 4), new ReLU(), new BatchNorm1d(3));
    expect(messageOf(() => net.forward(x))).toBe(
      "Sequential layer 2: BatchNorm1d(3, eps=1e-5, momentum=0.1).forward: expected shape [batch, 3], got [3, 4]. " +
        "Rows are examples and columns are features",
    );
  });

  it("in nested Sequentials the layer is a path, like the parameter names", () => {
    const net = new Sequential(new Linear(5, 4), new Sequential(new ReLU(), new Sequential(new Tanh(), new LayerNorm(6))));
    expect(messageOf(() => net.forward(x))).toMatch(/^Sequential layer 1\.1\.1: LayerNorm\(6, eps=1e-5\)\.forward: expected shape \[batch, 6\], got \[3, 4\]/);
  });

  it("backward with a gradient of the wrong shape", () => {
    const l = new Linear(5, 2);
    l.forward(x);
    expect(messageOf(() => l.backward(Matrix.zeros(3, 5)))).toBe(
      "Linear(5→2).backward: expected shape dy of shape [3, 2] (the output's shape), got [3, 5]",
    );
    const bn = new BatchNorm1d(5);
    bn.forward(x);
    expect(messageOf(() => bn.backward(Matrix.zeros(2, 5)))).toBe(
      "BatchNorm1d(5, eps=1e-5, momentum=0.1).backward: expected shape dy of shape [3, 5] (the output's shape), got [2, 5]",
    );
  });
});

describe("a batch of one in training mode", () => {
  it("BatchNorm1d refuses it and says why and what to do; eval() allows it", () => {
    const bn = new BatchNorm1d(5);
    expect(messageOf(() => bn.forward(Matrix.zeros(1, 5)))).toBe(
      "BatchNorm1d(5, eps=1e-5, momentum=0.1): expected more than 1 value per feature when training, got a batch of 1. " +
        "The variance of a single example is 0, so x̂ would be 0 whatever the input. " +
        "Use a batch of at least 2, or call eval() to use the running statistics.",
    );
    expect(bn.eval().forward(Matrix.zeros(1, 5)).shape).toEqual([1, 5]);
  });

  it("BatchRenorm1d refuses it too; eval() allows it", () => {
    const brn = new BatchRenorm1d(5);
    expect(messageOf(() => brn.forward(Matrix.zeros(1, 5)))).toMatch(/expected more than 1 value per feature when training, got a batch of 1\..*call eval\(\)/);
    expect(brn.eval().forward(Matrix.zeros(1, 5)).shape).toEqual([1, 5]);
  });

  it("LayerNorm and GroupNorm do not need a batch", () => {
    expect(new LayerNorm(5).forward(Matrix.ones(1, 5)).shape).toEqual([1, 5]);
    expect(new GroupNorm(5, 5).forward(Matrix.ones(1, 5)).shape).toEqual([1, 5]);
  });
});

describe("bad hyperparameters say the allowed range", () => {
  const cases: Array<[string, () => unknown, string]> = [
    ["BatchNorm1d eps < 0", () => new BatchNorm1d(4, { eps: -1e-5 }), "BatchNorm1d: eps must be ≥ 0 (typically 1e-5), got -0.00001"],
    ["BatchNorm1d momentum > 1", () => new BatchNorm1d(4, { momentum: 1.5 }),
      "BatchNorm1d: momentum must be in [0, 1] (the weight of the new batch, PyTorch's convention: 0.1) or null, got 1.5"],
    ["BatchNorm1d momentum < 0", () => new BatchNorm1d(4, { momentum: -0.1 }), "BatchNorm1d: momentum must be in [0, 1]"],
    ["BatchNorm1d numFeatures", () => new BatchNorm1d(0), "BatchNorm1d: numFeatures must be an integer ≥ 1, got 0"],
    ["LayerNorm eps < 0", () => new LayerNorm(4, { eps: -1 }), "LayerNorm: eps must be ≥ 0 (typically 1e-5), got -1"],
    ["LayerNorm size", () => new LayerNorm(2.5), "LayerNorm: normalizedShape (the number of features) must be an integer ≥ 1, got 2.5"],
    ["GroupNorm eps < 0", () => new GroupNorm(2, 4, { eps: -1 }), "GroupNorm: eps must be ≥ 0 (typically 1e-5), got -1"],
    ["GroupNorm groups not dividing channels", () => new GroupNorm(3, 10),
      "GroupNorm: numChannels (10) must be divisible by numGroups (3); choose numGroups among the divisors of 10: 1, 2, 5, 10"],
    ["GroupNorm numGroups", () => new GroupNorm(0, 4), "GroupNorm: numGroups must be an integer ≥ 1, got 0"],
    ["GroupNorm numChannels", () => new GroupNorm(1, -4), "GroupNorm: numChannels must be an integer ≥ 1, got -4"],
    ["BatchRenorm1d eps < 0", () => new BatchRenorm1d(4, { eps: -1 }), "BatchRenorm1d: eps must be ≥ 0 (typically 1e-5), got -1"],
    ["BatchRenorm1d momentum", () => new BatchRenorm1d(4, { momentum: 2 }),
      "BatchRenorm1d: momentum must be in [0, 1] (the weight of the new batch, PyTorch's convention: 0.01) or null, got 2"],
    ["BatchRenorm1d rmax < 1", () => new BatchRenorm1d(4, { rmax: 0.5 }),
      "BatchRenorm1d: rmax must be ≥ 1 (1 = no r correction; the paper relaxes it to 3), got 0.5"],
    ["BatchRenorm1d dmax < 0", () => new BatchRenorm1d(4, { dmax: -1 }),
      "BatchRenorm1d: dmax must be ≥ 0 (0 = no d correction; the paper relaxes it to 5), got -1"],
    ["renormSchedule rmaxFinal", () => renormSchedule({ rmaxFinal: 0.5 }), "renormSchedule: rmaxFinal must be ≥ 1, got 0.5"],
    ["renormSchedule dmaxFinal", () => renormSchedule({ dmaxFinal: -1 }), "renormSchedule: dmaxFinal must be ≥ 0, got -1"],
    ["renormSchedule warmupSteps", () => renormSchedule({ warmupSteps: -1 }), "renormSchedule: warmupSteps must be ≥ 0, got -1"],
    ["Dropout p = 1", () => new Dropout(1), "Dropout: p (the probability of zeroing an entry) must be in [0, 1), got 1"],
    ["Dropout p < 0", () => new Dropout(-0.1), "Dropout: p (the probability of zeroing an entry) must be in [0, 1), got -0.1"],
    ["Dropout p NaN", () => new Dropout(NaN), "Dropout: p (the probability of zeroing an entry) must be in [0, 1), got NaN"],
    ["Linear inFeatures", () => new Linear(0, 3), "Linear: inFeatures must be an integer ≥ 1, got 0"],
    ["Linear outFeatures", () => new Linear(3, 2.5), "Linear: outFeatures must be an integer ≥ 1, got 2.5"],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      expect(make).toThrow(RangeError);
      expect(messageOf(make)).toContain(message);
    });
  }

  it("eps = 0 and momentum = 0 or 1 are allowed (the ends of the ranges)", () => {
    expect(() => new BatchNorm1d(2, { eps: 0, momentum: 0 })).not.toThrow();
    expect(() => new BatchNorm1d(2, { momentum: 1 })).not.toThrow();
    expect(() => new BatchRenorm1d(2, { rmax: 1, dmax: 0, momentum: 1 })).not.toThrow();
    expect(() => new Dropout(0)).not.toThrow();
  });
});

describe("backward before forward", () => {
  const layers: Module[] = [
    new Linear(3, 2), new ReLU(), new Sigmoid(), new Tanh(), new BatchNorm1d(3), new LayerNorm(3),
    new GroupNorm(1, 3), new BatchRenorm1d(3), new Dropout(),
  ];
  for (const layer of layers) {
    it(layer.toString(), () => {
      expect(messageOf(() => layer.backward(Matrix.zeros(2, 3)))).toBe(
        `${layer.toString()}.backward: call forward() before backward() (backward uses what forward saved)`,
      );
    });
  }

  it("in a Sequential, with the layer's position", () => {
    expect(messageOf(() => new Sequential(new Linear(3, 2), new Tanh()).backward(Matrix.zeros(2, 2)))).toBe(
      "Sequential layer 1: Tanh.backward: call forward() before backward() (backward uses what forward saved)",
    );
  });
});
