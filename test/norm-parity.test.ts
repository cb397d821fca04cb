/**
 * The parity table of the norm family against PyTorch (float64): every norm layer,
 * one row per option set, in test/fixtures/torch/norm-layers.json (written by
 * `/usr/bin/python3 scripts/torch-reference-cnn.py`; test/torch-reference-cnn.test.ts
 * checks that re-running the script reproduces it). Each row builds our layer with
 * the row's arguments and initial γ, β, runs the same train/eval steps and compares
 * y, dx, ∂L/∂γ, ∂L/∂β and the buffers after every step to
 * |ours − torch| ≤ 1e-9·max(1, |torch|). The table holds ε = 0 on constant channels
 * (PyTorch gives x̂ = 0 and no gradient there, not NaN), momentum null, affine off,
 * no running statistics, training and evaluation. GhostBatchNorm1d's reference is
 * BatchNorm1d on each torch.split chunk; BatchRenorm1d's is built from F.batch_norm.
 * Both paths of the layers that have a fast path are run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { Tensor, type Value } from "../src/tensor/tensor";
import type { AnyModule } from "../src/nn/module";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { GhostBatchNorm1d } from "../src/nn/ghost-batchnorm";
import { InstanceNorm2d } from "../src/nn/instancenorm";
import { BatchRenorm1d } from "../src/nn/batchrenorm";
import { LayerNorm } from "../src/nn/layernorm";
import { GroupNorm } from "../src/nn/groupnorm";

interface Arr { shape: number[]; data: number[] }
interface Step { mode: "train" | "eval"; x: Arr; dy: Arr; y: Arr; dx: Arr; grads: Record<string, Arr>; buffers: Record<string, Arr> }
interface Case { name: string; layer: string; args: Record<string, unknown>; params: Record<string, Arr>; steps: Step[] }

const doc = JSON.parse(readFileSync(join(__dirname, "fixtures", "torch", "norm-layers.json"), "utf8")) as { cases: Case[] };
const TOL = 1e-9;

type Args = Record<string, never>;
const options = (a: Args) => ({ eps: a.eps, momentum: a.momentum, affine: a.affine, trackRunningStats: a.trackRunningStats });

/** The table's layers: how to build each from a row's arguments (our names are PyTorch's, camelCased). */
const LAYERS: Record<string, (a: Args) => AnyModule> = {
  BatchNorm1d: (a) => new BatchNorm1d(a.numFeatures, options(a)),
  BatchNorm2d: (a) => new BatchNorm2d(a.numFeatures, options(a)) as unknown as AnyModule,
  GhostBatchNorm1d: (a) => new GhostBatchNorm1d(a.numFeatures, { ...options(a), virtualBatchSize: a.virtualBatchSize }),
  InstanceNorm2d: (a) => new InstanceNorm2d(a.numFeatures, options(a)) as unknown as AnyModule,
  BatchRenorm1d: (a) => new BatchRenorm1d(a.numFeatures, { eps: a.eps, momentum: a.momentum, affine: a.affine, rmax: a.rmax, dmax: a.dmax }),
  LayerNorm: (a) => new LayerNorm(a.normalizedShape, { eps: a.eps }),
  GroupNorm: (a) => new GroupNorm(a.numGroups, a.numChannels, { affine: a.affine }) as unknown as AnyModule,
};
const WITH_RUNNING_STATS = ["BatchNorm1d", "BatchNorm2d", "GhostBatchNorm1d", "InstanceNorm2d", "BatchRenorm1d"];
const WITH_FAST_PATH = new Set(["BatchNorm1d", "BatchNorm2d", "GhostBatchNorm1d"]);

function value(a: Arr): Value {
  return a.shape.length === 2 ? new Matrix(a.shape[0], a.shape[1], Float64Array.from(a.data)) : Tensor.from(a.data, a.shape);
}

function close(what: string, actual: Float64Array, expected: Arr): void {
  expect(actual.length, `${what}: length`).toBe(expected.data.length);
  let worst = 0, at = -1;
  for (let i = 0; i < actual.length; i++) {
    const r = Math.abs(actual[i] - expected.data[i]) / Math.max(1, Math.abs(expected.data[i]));
    if (!(r <= worst) && !Number.isNaN(worst)) [worst, at] = [r, i]; // NaN is the worst
  }
  expect(worst, `${what}: worst |Δ|/max(1,|torch|) at ${at}: ours ${actual[at]}, torch ${expected.data[at]}`).toBeLessThanOrEqual(TOL);
}

/** A channel (column of a [N, C] batch, or channel of an [N, C, H, W] one) whose numbers are all equal. */
function hasConstantChannel(x: Arr): boolean {
  const [N, C] = x.shape;
  const P = x.data.length / (N * C);
  for (let c = 0; c < C; c++) {
    const first = x.data[c * P];
    let constant = true;
    for (let n = 0; n < N && constant; n++) for (let p = 0; p < P; p++) if (x.data[(n * C + c) * P + p] !== first) constant = false;
    if (constant) return true;
  }
  return false;
}

describe("the parity table covers what the issue asks for", () => {
  const rows = (layer: string) => doc.cases.filter((c) => c.layer === layer);
  it("every norm layer has rows, and only layers we can build", () => {
    for (const layer of [...WITH_RUNNING_STATS, "LayerNorm", "GroupNorm"]) expect(rows(layer).length, layer).toBeGreaterThan(0);
    for (const c of doc.cases) expect(Object.keys(LAYERS), c.name).toContain(c.layer);
  });

  it.each(WITH_RUNNING_STATS)("%s: ε = 0 on a constant channel, momentum null (but InstanceNorm2d), affine off and on, train and eval", (layer) => {
    const cases = rows(layer);
    expect(cases.some((c) => c.args.eps === 0 && c.steps.some((s) => s.mode === "train" && hasConstantChannel(s.x)))).toBe(true);
    if (layer !== "InstanceNorm2d") expect(cases.some((c) => c.args.momentum === null)).toBe(true); // PyTorch's InstanceNorm has no cumulative average
    expect(cases.some((c) => c.args.affine === false || (layer === "InstanceNorm2d" && c.args.affine === undefined))).toBe(true);
    expect(cases.some((c) => c.args.affine === true || (layer !== "InstanceNorm2d" && c.args.affine === undefined))).toBe(true);
    expect(cases.some((c) => c.steps.some((s) => s.mode === "eval"))).toBe(true);
    if (layer !== "BatchRenorm1d") expect(cases.some((c) => c.args.trackRunningStats !== (layer !== "InstanceNorm2d"))).toBe(true);
  });

  it("the ε = 0 rows really hold zeros where PyTorch's rule applies (not NaN): x̂ = 0 on the constant channel", () => {
    const row = doc.cases.find((c) => c.layer === "BatchNorm2d" && c.args.eps === 0 && c.args.affine === false)!;
    const { x, y } = row.steps[0];
    const [N, C] = x.shape;
    const P = x.data.length / (N * C);
    for (let n = 0; n < N; n++) for (let p = 0; p < P; p++) expect(y.data[n * C * P + p]).toBe(0); // channel 0
  });
});

describe("every norm layer against PyTorch (norm-layers.json)", () => {
  for (const c of doc.cases) {
    for (const fast of WITH_FAST_PATH.has(c.layer) ? [true, false] : [false]) {
      it(`${c.layer}: ${c.name}${WITH_FAST_PATH.has(c.layer) ? (fast ? " (fast path)" : " (readable path)") : ""}`, () => {
        const layer = LAYERS[c.layer](c.args as Args);
        if (WITH_FAST_PATH.has(c.layer)) (layer as unknown as { fastPath: boolean }).fastPath = fast;
        const params = new Map(layer.namedParameters());
        for (const [name, p] of Object.entries(c.params)) if (params.has(name)) params.get(name)!.value.data.set(p.data);
        expect([...params.keys()].sort(), "the same parameters as PyTorch's").toEqual(Object.keys(c.steps[0].grads).sort());
        c.steps.forEach((step, i) => {
          const where = `step ${i} (${step.mode})`;
          layer.train(step.mode === "train");
          layer.zeroGrad();
          const y = layer.forward(value(step.x));
          close(`${where}: y`, y.data, step.y);
          close(`${where}: dx`, layer.backward(value(step.dy)).data, step.dx);
          for (const [name, g] of Object.entries(step.grads)) close(`${where}: ∂L/∂${name}`, params.get(name)!.grad.data, g);
          const buffers = new Map(layer.namedBuffers());
          expect([...buffers.keys()].sort(), `${where}: buffers`).toEqual(Object.keys(step.buffers).sort());
          for (const [name, b] of Object.entries(step.buffers)) close(`${where}: ${name}`, buffers.get(name)!.data, b);
        });
      });
    }
  }
});
