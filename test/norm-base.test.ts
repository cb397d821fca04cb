/**
 * What every norm layer with running statistics shares (NormBase, PyTorch's _NormBase):
 * options checked once and the same way in every layer, γ/β, PyTorch's state-dict keys,
 * resetRunningStats/resetParameters, the momentum factor (a number, or null = a cumulative
 * average) and toString. The numbers themselves are checked against PyTorch in norm-parity.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { Value } from "../src/tensor/tensor";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { GhostBatchNorm1d } from "../src/nn/ghost-batchnorm";
import { InstanceNorm2d } from "../src/nn/instancenorm";
import { BatchRenorm1d } from "../src/nn/batchrenorm";
import type { BatchNormOptions, NormBase } from "../src/nn/norm-base";
import { images } from "./helpers/image-layers";
import { randn } from "./helpers/matrices";

type Make = (options: BatchNormOptions, numFeatures?: number) => NormBase<Value>;
const LAYERS: Array<[string, Make, () => Value]> = [
  ["BatchNorm1d", (o, c = 3) => new BatchNorm1d(c, o) as NormBase<Value>, () => randn(6, 3, "nb1")],
  ["BatchNorm2d", (o, c = 3) => new BatchNorm2d(c, o) as unknown as NormBase<Value>, () => images([2, 3, 2, 2], 4)],
  ["GhostBatchNorm1d", (o, c = 3) => new GhostBatchNorm1d(c, { ...o, virtualBatchSize: 3 }) as NormBase<Value>, () => randn(6, 3, "nb2")],
  ["InstanceNorm2d", (o, c = 3) => new InstanceNorm2d(c, { trackRunningStats: true, affine: true, ...o }) as unknown as NormBase<Value>, () => images([2, 3, 2, 2], 5)],
  ["BatchRenorm1d", (o, c = 3) => new BatchRenorm1d(c, o) as NormBase<Value>, () => randn(6, 3, "nb3")],
];

describe.each(LAYERS)("%s", (name, make, input) => {
  it("refuses options of the wrong type with the layer's name, what was expected and what came", () => {
    expect(() => make({ affine: "no" as unknown as boolean })).toThrow(new RegExp(`^${name}: affine must be true or false, got the string "no"`));
    expect(() => make({ eps: -1 })).toThrow(new RegExp(`^${name}: eps must be .*got -1`));
    expect(() => make({ momentum: 1.5 })).toThrow(new RegExp(`^${name}: momentum must be in \\[0, 1\\]`));
    expect(() => make({ momentum: "0.9" as unknown as number })).toThrow(/momentum must be in \[0, 1\].*got the string "0.9"/);
    expect(() => make({}, 0)).toThrow(new RegExp(`^${name}: numFeatures must be an integer ≥ 1, got 0`));
    if (name !== "BatchRenorm1d") expect(() => make({ trackRunningStats: 1 as unknown as boolean })).toThrow(new RegExp(`^${name}: trackRunningStats must be true or false, got 1`));
  });

  it("has γ = 1, β = 0, running mean 0 and variance 1, saved under PyTorch's keys", () => {
    const layer = make({});
    expect(layer.gamma.toArray()).toEqual([[1, 1, 1]]);
    expect(layer.beta.toArray()).toEqual([[0, 0, 0]]);
    expect(Object.keys(layer.stateDict())).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    expect(layer.toString()).toMatch(new RegExp(`^${name}\\(3, .*eps=1e-5`));
  });

  it("resetRunningStats forgets the running statistics; resetParameters also γ and β", () => {
    const layer = make({});
    layer.forward(input());
    for (const p of layer.parameters()) p.value.fill(2);
    expect(layer.runningMean.data.some((v) => v !== 0)).toBe(true);
    layer.resetRunningStats();
    expect([layer.runningMean.toArray(), layer.runningVar.toArray(), layer.numBatchesTracked]).toEqual([[[0, 0, 0]], [[1, 1, 1]], 0]);
    expect(layer.gamma.toArray()).toEqual([[2, 2, 2]]);
    layer.forward(input());
    layer.resetParameters();
    expect([layer.gamma.toArray(), layer.beta.toArray(), layer.runningMean.toArray()]).toEqual([[[1, 1, 1]], [[0, 0, 0]], [[0, 0, 0]]]);
  });
});

describe.each(LAYERS.filter(([name]) => name !== "InstanceNorm2d"))("%s (PyTorch's InstanceNorm has no cumulative average)", (name, make, input) => {
  it("momentum null is a cumulative average: after two equal batches the running mean is their mean, not a blend with 0", () => {
    const layer = make({ momentum: null });
    const x = input();
    layer.forward(x);
    const once = layer.runningMean.clone();
    layer.forward(x);
    expect(layer.numBatchesTracked).toBeGreaterThanOrEqual(2);
    for (let c = 0; c < 3; c++) expect(layer.runningMean.data[c]).toBeCloseTo(once.data[c], 12);
    layer.momentum = 0.5;
    expect(() => { layer.momentum = 2; }).toThrow(new RegExp(`^${name}: momentum must be in \\[0, 1\\]`));
    expect(layer.momentum).toBe(0.5);
  });
});

it("without running statistics there are no buffers, and toString says so", () => {
  const bn = new BatchNorm1d(2, { trackRunningStats: false, affine: false });
  expect(bn.stateDict()).toEqual({});
  expect(bn.toString()).toBe("BatchNorm1d(2, eps=1e-5, momentum=0.1, affine=false, trackRunningStats=false)");
  expect(new GhostBatchNorm1d(2, { virtualBatchSize: 4 }).toString()).toBe("GhostBatchNorm1d(2, virtualBatchSize=4, eps=1e-5, momentum=0.1)");
  expect(new BatchRenorm1d(2, { affine: false }).toString()).toBe("BatchRenorm1d(2, eps=1e-5, momentum=0.01, rmax=3, dmax=5, affine=false)");
  expect(new InstanceNorm2d(2, { affine: true, trackRunningStats: true }).toString()).toBe("InstanceNorm2d(2, eps=1e-5, affine=true, momentum=0.1, trackRunningStats=true)");
});
