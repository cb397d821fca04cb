/**
 * The image layers against PyTorch itself (float64): test/fixtures/torch/cnn-layers.json,
 * written by `/usr/bin/python3 scripts/torch-reference-cnn.py`, so this file runs
 * without torch. Every case builds our layer with the same arguments and initial
 * parameters, runs the same train/eval steps, and compares y, dx, the parameters'
 * gradients and the buffers (running statistics) to |ours − torch| ≤ 1e-9·max(1, |torch|).
 *
 * The last test re-runs the script when torch is available (it writes norm-layers.json too,
 * the parity table of test/norm-parity.test.ts): structure and inputs must
 * be identical, every computed number within 8 ulp of its array's scale (BLAS and
 * vectorized sums round differently on different CPUs, so bytes may differ).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Tensor } from "../src/tensor/tensor";
import { Matrix } from "../src/tensor/matrix";
import { AnyModule } from "../src/nn/module";
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { InstanceNorm2d } from "../src/nn/instancenorm";
import { MaxPool2d, AvgPool2d } from "../src/nn/pooling";
import { GroupNorm } from "../src/nn/groupnorm";
import { LayerNorm } from "../src/nn/layernorm";

const ROOT = join(__dirname, "..");
const FIXTURE = join(ROOT, "test", "fixtures", "torch", "cnn-layers.json");
const SCRIPT = join(ROOT, "scripts", "torch-reference-cnn.py");
const PYTHON = process.env.BNLAB_TORCH_PYTHON ?? "/usr/bin/python3";
const TOL = 1e-9;

interface Arr { shape: number[]; data: number[] } // null in the JSON where torch has NaN (read back as NaN)
interface Step { mode: "train" | "eval"; x: Arr; dy: Arr; y: Arr; dx: Arr; grads: Record<string, Arr>; buffers: Record<string, Arr> }
interface Case { name: string; layer: string; args: Record<string, unknown>; params: Record<string, Arr>; steps: Step[] }
interface Doc { generator: string; torch: string; cases: Case[] }

const doc = JSON.parse(readFileSync(FIXTURE, "utf8")) as Doc;
/** NaN is written as null (in the cases marked "nanAllowed"): read it back as NaN. */
const nanFromNull = (a: Arr): Arr => ({ shape: a.shape, data: a.data.map((v) => v ?? NaN) });
const cases: Case[] = doc.cases.map((c) => ({
  ...c,
  steps: c.steps.map((s) => ({
    ...s, x: nanFromNull(s.x), dy: nanFromNull(s.dy), y: nanFromNull(s.y), dx: nanFromNull(s.dx),
    grads: Object.fromEntries(Object.entries(s.grads).map(([k, v]) => [k, nanFromNull(v)])),
    buffers: Object.fromEntries(Object.entries(s.buffers).map(([k, v]) => [k, nanFromNull(v)])),
  })),
}));

function build(c: Case): AnyModule {
  const a = c.args as Record<string, never>;
  switch (c.layer) {
    case "Conv2d":
      return new Conv2d(a.inChannels, a.outChannels, a.kernelSize, { stride: a.stride, padding: a.padding, bias: a.bias });
    case "BatchNorm2d":
      return new BatchNorm2d(a.numFeatures, { eps: a.eps, momentum: a.momentum, affine: a.affine, trackRunningStats: a.trackRunningStats });
    case "InstanceNorm2d":
      return new InstanceNorm2d(a.numFeatures, { eps: a.eps, momentum: a.momentum, affine: a.affine, trackRunningStats: a.trackRunningStats });
    case "MaxPool2d":
      return new MaxPool2d(a.kernelSize, a.stride ?? undefined);
    case "AvgPool2d":
      return new AvgPool2d(a.kernelSize, a.stride ?? undefined);
    case "GroupNorm":
      return new GroupNorm(a.numGroups, a.numChannels, { affine: a.affine });
    case "LayerNorm":
      return new LayerNorm(a.normalizedShape);
    default:
      throw new Error(`unknown layer ${c.layer}`);
  }
}

function close(what: string, actual: Float64Array | number[], expected: Arr): void {
  expect(actual.length, `${what}: length`).toBe(expected.data.length);
  let worst = 0, at = -1;
  for (let i = 0; i < actual.length; i++) {
    const want = expected.data[i];
    const r = Number.isNaN(want) ? (Number.isNaN(actual[i]) ? 0 : Infinity) : Math.abs(actual[i] - want) / Math.max(1, Math.abs(want)); // NaN where torch has NaN
    if (!(r <= worst) && !Number.isNaN(worst)) [worst, at] = [r, i];
  }
  expect(worst, `${what}: worst |Δ|/max(1,|torch|) at ${at}: ours ${actual[at]}, torch ${expected.data[at]}`).toBeLessThanOrEqual(TOL);
}

const shapeOf = (v: Tensor | Matrix) => (v instanceof Tensor ? [...v.shape] : [v.rows, v.cols]);

describe("image layers against PyTorch (cnn-layers.json)", () => {
  it("covers every layer and option the issue names", () => {
    const layers = new Set(doc.cases.map((c) => c.layer));
    for (const l of ["Conv2d", "BatchNorm2d", "MaxPool2d", "AvgPool2d", "GroupNorm", "LayerNorm", "InstanceNorm2d"]) expect(layers).toContain(l);
    const bn = doc.cases.filter((c) => c.layer === "BatchNorm2d");
    expect(bn.some((c) => c.args.momentum === null)).toBe(true);
    expect(bn.some((c) => c.args.affine === false)).toBe(true);
    expect(bn.some((c) => c.args.trackRunningStats === false)).toBe(true);
    expect(bn.every((c) => c.steps.some((s) => s.mode === "eval"))).toBe(true);
    expect(doc.cases.some((c) => c.layer === "Conv2d" && c.args.stride === 2 && c.args.padding === 1)).toBe(true);
  });

  it("MaxPool2d: NaN in the first, middle and last window position, and twice in one window (any NaN wins, as in PyTorch)", () => {
    const nanCases = cases.filter((c) => c.layer === "MaxPool2d" && c.steps[0].x.data.some(Number.isNaN));
    expect(nanCases.length).toBe(2);
    expect(nanCases[0].steps[0].y.data.slice(0, 4).every(Number.isNaN)).toBe(true);
  });

  for (const c of cases) {
    for (const fastPath of c.layer === "MaxPool2d" ? [true, false] : [undefined]) {
    it(`${c.layer}: ${c.name}${fastPath === undefined ? "" : fastPath ? " (fast path)" : " (readable path)"}`, () => {
      const layer = build(c);
      if (fastPath !== undefined) (layer as MaxPool2d).fastPath = fastPath;
      const params = new Map(layer.namedParameters());
      for (const [name, p] of Object.entries(c.params)) {
        const target = params.get(name);
        if (!target) throw new Error(`${c.name}: our layer has no parameter ${name}`);
        expect(target.value.size).toBe(p.data.length);
        target.value.data.set(p.data);
      }
      expect(new Set(params.keys()), "the same parameters as PyTorch's").toEqual(new Set(Object.keys(c.steps[0].grads)));
      c.steps.forEach((step, i) => {
        const where = `${c.name}, step ${i} (${step.mode})`;
        layer.train(step.mode === "train");
        layer.zeroGrad();
        const y = layer.forward(Tensor.from(step.x.data, step.x.shape));
        expect(shapeOf(y), `${where}: y's shape`).toEqual(step.y.shape);
        close(`${where}: y`, y.data, step.y);
        const dx = layer.backward(Tensor.from(step.dy.data, step.dy.shape));
        expect(shapeOf(dx), `${where}: dx's shape`).toEqual(step.dx.shape);
        close(`${where}: dx`, dx.data, step.dx);
        for (const [name, g] of Object.entries(step.grads)) close(`${where}: ∂L/∂${name}`, params.get(name)!.grad.data, g);
        const buffers = new Map(layer.namedBuffers());
        expect(new Set(buffers.keys()), `${where}: buffers`).toEqual(new Set(Object.keys(step.buffers)));
        for (const [name, b] of Object.entries(step.buffers)) close(`${where}: ${name}`, buffers.get(name)!.data, b);
      });
    });
    }
  }
});

/** Does /usr/bin/python3 have torch? */
function torchAvailable(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import torch, numpy"], { encoding: "utf8" });
  return r.status === 0;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Compare a regenerated document with the committed one: exact structure and inputs, computed numbers within `ulps` of each array's scale. */
function compareDocs(fresh: Json, committed: Json, path: string, problems: string[], ulps = 8): void {
  if (Array.isArray(committed) && committed.every((v) => typeof v === "number")) {
    if (!Array.isArray(fresh) || fresh.length !== committed.length) return void problems.push(`${path}: length`);
    const exact = /\.(x|dy|params\.[^.]+)\.data$/.test(path); // inputs: identical
    const scale = Math.max(...committed.map((v) => Math.abs(v as number)), Number.MIN_VALUE);
    const tol = exact ? 0 : ulps * Number.EPSILON * scale;
    committed.forEach((v, i) => {
      if (!(Math.abs((fresh[i] as number) - (v as number)) <= tol)) problems.push(`${path}[${i}]: ${fresh[i]} vs committed ${v}`);
    });
    return;
  }
  if (committed !== null && typeof committed === "object") {
    if (fresh === null || typeof fresh !== "object" || Array.isArray(fresh) !== Array.isArray(committed)) return void problems.push(`${path}: structure`);
    const keys = Object.keys(committed);
    const fkeys = Object.keys(fresh);
    if (keys.join() !== fkeys.join()) return void problems.push(`${path}: keys ${fkeys.join()} vs committed ${keys.join()}`);
    for (const k of keys) compareDocs((fresh as Record<string, Json>)[k], (committed as Record<string, Json>)[k], `${path}.${k}`, problems, ulps);
    return;
  }
  if (fresh !== committed) problems.push(`${path}: ${JSON.stringify(fresh)} vs committed ${JSON.stringify(committed)}`);
}

describe("the CNN fixture is what the script writes", () => {
  it.skipIf(!torchAvailable())("re-running scripts/torch-reference-cnn.py reproduces cnn-layers.json and norm-layers.json (inputs exactly, results within 8 ulp)", () => {
    const dir = mkdtempSync(join(tmpdir(), "bnlab-cnn-"));
    try {
      const r = spawnSync(PYTHON, [SCRIPT, dir], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      for (const name of ["cnn-layers", "norm-layers"]) {
        const fresh = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as Json;
        const committed = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "torch", `${name}.json`), "utf8")) as Json;
        const problems: string[] = [];
        compareDocs(fresh, committed, name, problems);
        expect(problems.slice(0, 10), `${name}.json`).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the comparison catches a changed input and a changed result", () => {
    const copy = JSON.parse(JSON.stringify(doc)) as Doc;
    copy.cases[0].steps[0].x.data[0] += 1e-12;
    copy.cases[1].steps[0].y.data[0] += 1e-6;
    const problems: string[] = [];
    compareDocs(copy as unknown as Json, doc as unknown as Json, "cnn-layers", problems);
    expect(problems.some((p) => p.includes("cases.0.steps.0.x.data"))).toBe(true);
    expect(problems.some((p) => p.includes("cases.1.steps.0.y.data"))).toBe(true);
  });
});
