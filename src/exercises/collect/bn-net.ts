import { Matrix } from "../../tensor/matrix";
import { AnyModule, Module } from "../../nn/module";
import { Sequential } from "../../nn/sequential";
import { Linear } from "../../nn/linear";
import { BatchNorm1d } from "../../nn/batchnorm";
import { Sigmoid, ReLU, Tanh } from "../../nn/activations";
import { Rng } from "../../random/rng";
import { ExerciseCollect, ExerciseInputs } from "../engine";
import { LearnerCalls } from "../learner-code";

/**
 * Exercise 6.2: the Figure-1 network with batch norm, as a Sequential (nested Sequential blocks are
 * fine: the checker reads the layers in forward order). The checker reads BEHAVIOUR, not only types:
 * each BatchNorm1d is probed with a training step (PyTorch's momentum: the running mean moves 10% of
 * the way to the batch's), an evaluation (running statistics are used), and its parameters (γ, β);
 * the seed must change the initial weights and the same seed reproduce them.
 */
export type BnNetFn = (seed: number) => Sequential;

export const MAX_PROBE_FEATURES = 1000;

/** The layer classes the checker tells apart, by the name the judge reads; any other layer is "other". */
const LAYER_KINDS = { Linear, BatchNorm1d, Sigmoid, ReLU, Tanh };

function kindOf(layer: AnyModule): string {
  return Object.entries(LAYER_KINDS).find(([, kind]) => layer instanceof kind)?.[0] ?? "other";
}

/** The layers in forward order: containers (Sequential, or any module with children) flattened. */
function leaves(m: AnyModule, depth = 0): AnyModule[] {
  const kids = depth < 8 ? m.children() : [];
  return kids.length === 0 ? [m] : kids.flatMap((k) => leaves(k, depth + 1));
}

/** What the checker draws: the seed of the probe batches and the two seeds the network is built with. */
export interface Input {
  probeSeed: string;
  seeds: [number, number];
}

function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/bnNet`);
  const first = rng.int(0, 1000);
  const input: Input = { probeSeed: `${seed}/bnNet/probe`, seeds: [first, (first + rng.int(1, 1000)) % 1000] };
  return { cases: [{ label: `buildBnNet(${first}), buildBnNet(${first}) again and buildBnNet(${input.seeds[1]})`, input }] };
}

/** The probe batches of a BatchNorm1d with F features (seeded; the judge regenerates them). */
export function probeBatches(seed: string, features: number): { train: Matrix; eval: Matrix } {
  const rng = new Rng(`${seed}/${features}`);
  const batch = (rows: number) => new Matrix(rows, features).map(() => rng.normal(0.5, 2));
  return { train: batch(6), eval: batch(3) };
}

/** What a network does: its layers, its BatchNorm layers' behaviour, its seeds. Collector side. */
function observe(fn: BnNetFn, { probeSeed, seeds: [a, b] }: Input, calls: LearnerCalls): Record<string, unknown> {
  const build = (seed: number, during: string) => calls.step(during, () => calls.call(fn, [seed], ["seed"]).result);
  const net = build(a, `building the network with seed ${a}`);
  if (!(net instanceof Module)) return { isModule: false, result: net };
  const flat = leaves(net);
  const layers = flat.map((m) => {
    const kind = kindOf(m);
    if (m instanceof Linear) return { kind, in: m.inFeatures, out: m.outFeatures, bias: m.bias !== null };
    if (m instanceof BatchNorm1d) return { kind, features: m.numFeatures, sameAs: flat.indexOf(m) };
    return { kind };
  });
  const firstWeights = (m: unknown): Matrix | null => {
    if (!(m instanceof Module)) return null;
    const lin = leaves(m).find((l): l is Linear => l instanceof Linear);
    return lin ? lin.weight.value.clone() : null;
  };
  const w0 = firstWeights(net);
  const sample = (w: Matrix | null) => (w ? Matrix.row(Array.from(w.data.slice(0, 64))) : null);
  const seedAgain = sample(firstWeights(build(a, `building the network with seed ${a} again`)));
  const seed1 = sample(firstWeights(build(b, `building the network with seed ${b}`)));
  // probe every distinct BatchNorm1d of a fresh copy (the probes change its running statistics)
  const fresh = build(a, "building a network to probe its batch norm layers");
  const probes = (fresh instanceof Module ? leaves(fresh) : [])
    .filter((m, i, all): m is BatchNorm1d => m instanceof BatchNorm1d && all.indexOf(m) === i)
    .map((bn) => calls.step("probing a BatchNorm1d layer", () => probe(bn, probeSeed)));
  const forward = calls.step("running 4 digits through the network", () => {
    const x = new Matrix(4, 784).map((_, i, j) => ((i * 784 + j) % 7) / 7);
    return net.forward(x);
  });
  const w = w0 ?? new Matrix(0, 0);
  let mean = 0;
  for (const v of w.data) mean += v / Math.max(1, w.data.length);
  let variance = 0;
  for (const v of w.data) variance += (v - mean) ** 2 / Math.max(1, w.data.length);
  return {
    isModule: true,
    layers,
    weights: { count: w.data.length, mean, std: Math.sqrt(variance), seed0: sample(w0), seed0again: seedAgain, seed1 },
    probes,
    forward,
  };
}

function probe(bn: BatchNorm1d, seed: string): Record<string, unknown> {
  const features = bn.numFeatures;
  if (features > MAX_PROBE_FEATURES) return { features };
  const { train, eval: evalBatch } = probeBatches(seed, features);
  const before = { mean: bn.runningMean.clone(), var: bn.runningVar.clone() };
  bn.train();
  bn.forward(train);
  const after = { mean: bn.runningMean.clone(), var: bn.runningVar.clone() };
  bn.eval();
  const yEval = bn.forward(evalBatch);
  return {
    features,
    eps: bn.eps,
    parameters: bn.parameters().length,
    gamma: bn.gamma.clone(),
    beta: bn.beta.clone(),
    meanBefore: before.mean,
    varBefore: before.var,
    meanAfter: after.mean,
    varAfter: after.var,
    yEval,
  };
}

export const bnNetCollect: ExerciseCollect<Input, BnNetFn> = {
  exercise: "bnNet",
  draw,
  collect: observe,
  timeLimitSeconds: 20,
};
