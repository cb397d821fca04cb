/**
 * Our layers, losses and optimizer against PyTorch itself (float64).
 *
 * The numbers in test/fixtures/torch/*.json were produced by
 * `/usr/bin/python3 scripts/torch-reference.py` (Debian's python3-torch), so this
 * file runs without torch. The last test re-runs the script when torch is
 * available and checks the committed fixtures still match its output: the same structure and
 * inputs exactly, every computed number within a few ulp (OpenBLAS groups a product's partial sums
 * differently on different CPUs, e.g. AVX-512 Zen 4 against AVX2 Zen 3).
 *
 * Tolerance: every number must satisfy |ours − torch| ≤ 1e-9 · max(1, |torch|),
 * i.e. absolute 1e-9 for quantities of magnitude ≤ 1 (normalized outputs,
 * gradients, probabilities) and relative 1e-9 for larger ones (running variances
 * of features with scale 10, losses on logits of 1000, parameters). Both
 * implementations are float64, so the observed differences are ~1e-14; the
 * largest seen per case is printed at the end of the run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffFixtures } from "./helpers/fixture-diff";
import { Matrix } from "../src/tensor/matrix";
import { BatchNorm1d, type BatchNormOptions } from "../src/nn/batchnorm";
import { LayerNorm } from "../src/nn/layernorm";
import { GroupNorm } from "../src/nn/groupnorm";
import { Linear } from "../src/nn/linear";
import { Sigmoid } from "../src/nn/activations";
import { Sequential } from "../src/nn/sequential";
import { Module } from "../src/nn/module";
import { Parameter } from "../src/nn/parameter";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { MSELoss } from "../src/loss/mse";
import { SGD } from "../src/optim/sgd";

const ROOT = join(__dirname, "..");
const FIXTURES = join(ROOT, "test", "fixtures", "torch");
const SCRIPT = join(ROOT, "scripts", "torch-reference.py");
/** Debian's python3-torch lives here; override (e.g. to a python without torch) with BNLAB_TORCH_PYTHON. */
const PYTHON = process.env.BNLAB_TORCH_PYTHON ?? "/usr/bin/python3";
const TOL = 1e-9;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;
type Vec = number[];
type Mat = number[][];

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8"));
}

// ------------------------------------------------------------------ comparison

/** The largest |Δ| and |Δ|/max(1, |torch|) seen per case, for the summary printed at the end. */
const worst = new Map<string, { abs: number; rel: number }>();

function flat(x: Matrix | Vec | Mat | number): number[] {
  if (typeof x === "number") return [x];
  if (x instanceof Matrix) return Array.from(x.data);
  return (x as Array<number | number[]>).flat() as number[];
}

/** Expect ours ≈ torch elementwise: |a − b| ≤ 1e-9·max(1, |b|). Records the worst difference under `key`. */
function close(key: string, what: string, actual: Matrix | Vec | Mat | number, expected: Vec | Mat | number): void {
  const a = flat(actual), b = flat(expected);
  if (actual instanceof Matrix && Array.isArray(expected) && Array.isArray(expected[0])) {
    const e = expected as Mat;
    expect([actual.rows, actual.cols], `${key}: ${what} shape`).toEqual([e.length, e[0].length]);
  }
  expect(a.length, `${key}: ${what} length`).toBe(b.length);
  const w = worst.get(key) ?? { abs: 0, rel: 0 };
  let bad = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= TOL * Math.max(1, Math.abs(b[i])))) bad = bad < 0 ? i : bad;
    if (!(d <= w.abs)) w.abs = d; // NaN propagates
    const r = d / Math.max(1, Math.abs(b[i])); // the quantity held to ≤ 1e-9
    if (!(r <= w.rel)) w.rel = r;
  }
  worst.set(key, w);
  if (bad >= 0) {
    const diffs = a.map((v, i) => Math.abs(v - b[i]));
    const maxDiff = Math.max(...diffs.map((d) => (Number.isNaN(d) ? Infinity : d)));
    expect.fail(
      `${key}: ${what} differs from PyTorch at element ${bad}: ours ${a[bad]}, torch ${b[bad]} ` +
        `(max |diff| ${maxDiff.toExponential(3)})\n  ours:  ${a.join(", ")}\n  torch: ${b.join(", ")}`,
    );
  }
}

afterAll(() => {
  if (worst.size === 0) return;
  const rows = [...worst].map(([k, { abs, rel }]) => `  ${k.padEnd(58)} max |Δ| ${abs.toExponential(2)}   max |Δ|/max(1,|torch|) ${rel.toExponential(2)}`);
  console.log(`torch-reference: largest differences from PyTorch per case\n${rows.join("\n")}`);
});

function m(values: Mat): Matrix {
  return Matrix.fromArray(values);
}

function setParam(p: Parameter, values: Vec | Mat): void {
  p.value.data.set(flat(values));
}

/** y = module(x), dx = module.backward(dy), with fresh gradients. */
function forwardBackward(module: Module, x: Mat, dy: Mat): { y: Matrix; dx: Matrix } {
  module.zeroGrad();
  const y = module.forward(m(x));
  const dx = module.backward(m(dy));
  return { y, dx };
}

function checkFB(key: string, module: Module & { weight?: Parameter; bias?: Parameter | null }, c: Json, out: { y: Matrix; dx: Matrix }): void {
  close(key, "y", out.y, c.y);
  close(key, "dx", out.dx, c.dx);
  const grads = c.grads as Record<string, Vec | Mat>;
  for (const [name, g] of Object.entries(grads)) {
    const p = module.namedParameters().find(([n]) => n === name);
    expect(p, `${key}: parameter ${name}`).toBeDefined();
    close(key, `grad of ${name}`, p![1].grad, g);
  }
  // No parameters of ours that torch does not have.
  expect(module.namedParameters().map(([n]) => n).sort(), `${key}: parameter names`).toEqual(Object.keys(grads).sort());
}

function checkBuffers(key: string, bn: BatchNorm1d, expected: Json, where: string): void {
  close(key, `running_mean ${where}`, bn.runningMean, expected.running_mean);
  close(key, `running_var ${where}`, bn.runningVar, expected.running_var);
  expect(bn.numBatchesTracked, `${key}: num_batches_tracked ${where}`).toBe(expected.num_batches_tracked);
}

// ------------------------------------------------------------------ BatchNorm1d

describe("BatchNorm1d matches torch.nn.BatchNorm1d", () => {
  const cases = fixture("batchnorm1d").cases;

  function make(c: Json): BatchNorm1d {
    const o = c.options ?? {};
    const options: BatchNormOptions = {};
    if ("eps" in o) options.eps = o.eps;
    if ("momentum" in o) options.momentum = o.momentum;
    if ("affine" in o) options.affine = o.affine;
    if ("trackRunningStats" in o) options.trackRunningStats = o.trackRunningStats;
    const n = (c.steps?.[0]?.x ?? c.train?.x)[0].length;
    const bn = new BatchNorm1d(n, options);
    if (c.weight) setParam(bn.weight, c.weight);
    if (c.bias) setParam(bn.bias, c.bias);
    return bn;
  }

  it("training steps with γ, β set: outputs, running statistics, num_batches_tracked; eval; backward in both modes", () => {
    const key = "batchnorm1d/training";
    const c = cases.training;
    const bn = make(c);
    c.steps.forEach((s: Json, i: number) => {
      close(key, `y at step ${i + 1}`, bn.forward(m(s.x)), s.y);
      checkBuffers(key, bn, s, `after step ${i + 1}`);
    });
    bn.eval();
    close(key, "eval y", bn.forward(m(c.eval.x)), c.eval.y);
    checkFB(`${key} (eval backward)`, bn, c.eval_backward, forwardBackward(bn, c.eval_backward.x, c.eval_backward.dy));
    checkBuffers(key, bn, c.steps[c.steps.length - 1], "after eval (unchanged)");
    bn.train();
    checkFB(`${key} (train backward)`, bn, c.train_backward, forwardBackward(bn, c.train_backward.x, c.train_backward.dy));
    checkBuffers(key, bn, c.train_backward.after, "after the backward step");
  });

  it("momentum = null: a cumulative average of the batch statistics", () => {
    const key = "batchnorm1d/momentum_none";
    const c = cases.momentum_none;
    const bn = make(c);
    expect(bn.momentum).toBeNull();
    c.steps.forEach((s: Json, i: number) => {
      close(key, `y at step ${i + 1}`, bn.forward(m(s.x)), s.y);
      checkBuffers(key, bn, s, `after step ${i + 1}`);
    });
    bn.eval();
    close(key, "eval y", bn.forward(m(c.eval.x)), c.eval.y);
  });

  it("affine = false: no γ, β; forward and backward in training and eval", () => {
    const key = "batchnorm1d/affine_false";
    const c = cases.affine_false;
    const bn = make(c);
    checkFB(`${key} (train)`, bn, c.train, forwardBackward(bn, c.train.x, c.train.dy));
    checkBuffers(key, bn, c.train.after, "after training");
    bn.eval();
    checkFB(`${key} (eval)`, bn, c.eval, forwardBackward(bn, c.eval.x, c.eval.dy));
  });

  it("trackRunningStats = false: batch statistics (and gradients through them) in eval too", () => {
    const key = "batchnorm1d/track_running_stats_false";
    const c = cases.track_running_stats_false;
    const bn = make(c);
    checkFB(`${key} (train)`, bn, c.train, forwardBackward(bn, c.train.x, c.train.dy));
    bn.eval();
    checkFB(`${key} (eval)`, bn, c.eval, forwardBackward(bn, c.eval.x, c.eval.dy));
    expect(bn.namedBuffers()).toEqual([]);
    // PyTorch normalizes with batch statistics here even in eval mode, so one example is an error.
    expect(c.eval_batch_of_one_error).toMatch(/Expected more than 1 value per channel/);
    expect(() => bn.forward(Matrix.zeros(1, 5))).toThrow(/more than 1 value per feature/);
  });

  it("a batch of two (the smallest legal) and a batch of one (an error in training, fine in eval)", () => {
    const key = "batchnorm1d/batch_of_two";
    const c = cases.batch_of_two;
    const bn = make(c);
    checkFB(key, bn, c.train, forwardBackward(bn, c.train.x, c.train.dy));
    checkBuffers(key, bn, c.train.after, "after training");
    expect(c.batch_of_one_training_error).toMatch(/Expected more than 1 value per channel when training/);
    expect(() => bn.forward(Matrix.zeros(1, 5))).toThrow(/more than 1 value per feature when training/);
    checkBuffers(key, bn, c.train.after, "after the refused batch of one");
    bn.eval();
    close(key, "eval y of one example", bn.forward(m(c.eval_single.x)), c.eval_single.y);
  });

  it("custom eps (1e-3) and momentum (0.3): forward, backward and running statistics each step", () => {
    const key = "batchnorm1d/custom_eps_momentum";
    const c = cases.custom_eps_momentum;
    const bn = make(c);
    c.steps.forEach((s: Json, i: number) => {
      checkFB(`${key}`, bn, s, forwardBackward(bn, s.x, s.dy));
      checkBuffers(key, bn, s, `after step ${i + 1}`);
    });
    bn.eval();
    close(key, "eval y", bn.forward(m(c.eval.x)), c.eval.y);
  });
});

// ------------------------------------------------------------------ LayerNorm, GroupNorm, Linear

describe("LayerNorm matches torch.nn.LayerNorm", () => {
  const cases = fixture("layernorm").cases;
  for (const [name, c] of Object.entries<Json>(cases)) {
    it(name, () => {
      const ln = new LayerNorm(c.x[0].length, { eps: c.options.eps, elementwiseAffine: c.options.elementwiseAffine ?? true });
      if (c.weight) setParam(ln.weight, c.weight);
      if (c.bias) setParam(ln.bias, c.bias);
      checkFB(`layernorm/${name}`, ln, c, forwardBackward(ln, c.x, c.dy));
    });
  }
});

describe("GroupNorm matches torch.nn.GroupNorm on (N, C) input", () => {
  const cases = fixture("groupnorm").cases;
  for (const [name, c] of Object.entries<Json>(cases)) {
    it(name, () => {
      const gn = new GroupNorm(c.numGroups, c.numChannels, { eps: c.options.eps, affine: c.options.affine ?? true });
      if (c.weight) setParam(gn.weight, c.weight);
      if (c.bias) setParam(gn.bias, c.bias);
      checkFB(`groupnorm/${name}`, gn, c, forwardBackward(gn, c.x, c.dy));
    });
  }
});

describe("Linear matches torch.nn.Linear", () => {
  const cases = fixture("linear").cases;
  for (const [name, c] of Object.entries<Json>(cases)) {
    it(name, () => {
      const lin = new Linear(c.in, c.out, { bias: "bias" in c });
      setParam(lin.weight, c.weight);
      if (c.bias) setParam(lin.bias!, c.bias);
      checkFB(`linear/${name}`, lin, c, forwardBackward(lin, c.x, c.dy));
    });
  }
});

// ------------------------------------------------------------------ losses, SGD

describe("losses match torch.nn.CrossEntropyLoss / MSELoss (mean reduction)", () => {
  const cases = fixture("losses").cases;
  for (const [name, c] of Object.entries<Json>(cases)) {
    it(name, () => {
      const key = `losses/${name}`;
      if (c.loss === "cross_entropy") {
        const loss = new CrossEntropyLoss();
        close(key, "loss", loss.forward(m(c.logits), c.targets), c.value);
        close(key, "dlogits", loss.backward(), c.dlogits);
      } else {
        const loss = new MSELoss();
        close(key, "loss", loss.forward(m(c.pred), m(c.target)), c.value);
        close(key, "dpred", loss.backward(), c.dpred);
      }
    });
  }
});

describe("SGD matches torch.optim.SGD", () => {
  const cases = fixture("sgd").cases;
  for (const [name, c] of Object.entries<Json>(cases)) {
    it(`${name} (${JSON.stringify(c.options)})`, () => {
      const key = `sgd/${name}`;
      const w = new Parameter("weight", m(c.weight));
      const b = new Parameter("bias", m(c.bias));
      const opt = new SGD([w, b], c.options);
      c.grads.forEach((g: Json, i: number) => {
        opt.zeroGrad();
        w.grad.data.set(flat(g.weight));
        b.grad.data.set(flat(g.bias));
        opt.step();
        close(key, `weight after step ${i + 1}`, w.value, c.after[i].weight);
        close(key, `bias after step ${i + 1}`, b.value, c.after[i].bias);
      });
    });
  }
});

// ------------------------------------------------------------------ a whole model

describe("a whole model matches PyTorch: Linear → BatchNorm1d → Sigmoid → Linear, cross-entropy, SGD with momentum", () => {
  it("two training steps, then eval", () => {
    const key = "model";
    const f = fixture("model");
    const net = new Sequential(new Linear(4, 6), new BatchNorm1d(6), new Sigmoid(), new Linear(6, 3));
    net.loadStateDict({ ...Object.fromEntries(Object.entries<Vec | Mat>(f.init).map(([k, v]) => [k, flat(v)])), ...bnBuffers(net) });
    const opt = new SGD(net.parameters(), { lr: f.sgd.lr, momentum: f.sgd.momentum });
    const loss = new CrossEntropyLoss();
    f.steps.forEach((s: Json, i: number) => {
      opt.zeroGrad();
      const logits = net.forward(m(s.x));
      close(key, `logits at step ${i + 1}`, logits, s.logits);
      close(key, `loss at step ${i + 1}`, loss.forward(logits, s.targets), s.loss);
      net.backward(loss.backward());
      for (const [name, p] of net.namedParameters()) close(key, `grad of ${name} at step ${i + 1}`, p.grad, s.grads[name]);
      opt.step();
      const state = net.stateDict();
      expect(Object.keys(state).sort(), `${key}: state_dict keys`).toEqual(Object.keys(s.state).sort());
      for (const [name, v] of Object.entries<Vec | Mat | number>(s.state)) close(key, `${name} after step ${i + 1}`, state[name], v);
    });
    net.eval();
    close(key, "eval logits", net.forward(m(f.eval.x)), f.eval.logits);
  });
});

/** The BatchNorm buffers as they are at construction (loadStateDict wants every key). */
function bnBuffers(net: Module): Record<string, number[]> {
  return Object.fromEntries(net.namedBuffers().map(([k, b]) => [k, Array.from(b.data)]));
}

// ------------------------------------------------------------------ the fixtures are up to date

function torchAvailable(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import torch, numpy"], { stdio: "ignore" });
  return r.status === 0;
}

const HAVE_TORCH = torchAvailable();
/**
 * What the script writes as inputs (seeded numpy data rounded to 4 decimals, initial parameters,
 * options): equal to the bit on every machine. Everything else is PyTorch's arithmetic, which
 * OpenBLAS computes with a kernel chosen for the CPU (see test/helpers/fixture-diff.ts).
 */
const FIXTURE_INPUT_KEYS: ReadonlySet<string> = new Set(["x", "dy", "targets", "target", "init", "options", "sgd"]);
const FIXTURE_ULPS = 8;
const IN_CI = Boolean(process.env.CI);

describe("the committed fixtures are what scripts/torch-reference.py writes today", () => {
  if (!HAVE_TORCH && IN_CI) {
    it("needs PyTorch in CI", () => {
      expect.fail(`${PYTHON} cannot import torch: install python3-torch (apt-get install -y python3-torch) so the fixtures can be regenerated and checked`);
    });
    return;
  }
  /** Run the script into a temporary folder (with extra environment) and compare every file with the committed one. */
  function regenerateAndCompare(env: NodeJS.ProcessEnv): void {
    const dir = mkdtempSync(join(tmpdir(), "bnlab-torch-"));
    try {
      execFileSync(PYTHON, [SCRIPT, dir], { stdio: ["ignore", "ignore", "pipe"], timeout: 120_000, env: { ...process.env, ...env } });
      const fresh = readdirSync(dir).sort();
      // the files this script wrote (other scripts, e.g. torch-reference-cnn.py, write their own and check them)
      const committed = readdirSync(FIXTURES).filter((name) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")).generator === "scripts/torch-reference.py").sort();
      expect(fresh, "fixture file names (run the script into test/fixtures/torch to update)").toEqual(committed);
      for (const name of fresh) {
        const ours = JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
        const now = JSON.parse(readFileSync(join(dir, name), "utf8"));
        const difference = diffFixtures(ours, now, { inputKeys: FIXTURE_INPUT_KEYS, ulps: FIXTURE_ULPS });
        if (difference !== null) {
          expect.fail(`test/fixtures/torch/${name} is stale: ${difference}\nRegenerate with: ${PYTHON} scripts/torch-reference.py`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const skipped = HAVE_TORCH ? "" : ` (SKIPPED: ${PYTHON} cannot import torch; apt-get install python3-torch to run it)`;
  it.skipIf(!HAVE_TORCH)(`re-running the script reproduces every file: structure and inputs exactly, numbers within ${FIXTURE_ULPS} ulp${skipped}`, () => {
    regenerateAndCompare({});
  });

  // OpenBLAS picks its dgemm kernel from the CPU; forcing an older x86-64 kernel (SSE3, which every
  // x86-64 CPU since 2005 has) regroups the sums here, as a newer CPU (AVX-512) does elsewhere. The
  // committed fixtures must still be accepted: this is the test that fails if the comparison demands bytes.
  it.skipIf(!HAVE_TORCH || process.arch !== "x64")(`…and so does another CPU's OpenBLAS kernel (OPENBLAS_CORETYPE=Prescott)${skipped}`, () => {
    regenerateAndCompare({ OPENBLAS_CORETYPE: "Prescott" });
  });
});
