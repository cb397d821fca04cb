import { Matrix } from "../../tensor/matrix";
import { DEFAULT_TOLERANCE, closeMatrices } from "../compare";
import { ownField } from "../codec";
import { ExerciseSpec, Mistake, Outputs } from "../engine";
import { Malformed, describeValue } from "../learner-code";
import { BnNetFn, Input, MAX_PROBE_FEATURES, bnNetCollect, probeBatches } from "../collect/bn-net";

/** Layer kinds, in the order of the codes of the `kinds` output. */
const KINDS = ["other", "Linear", "BatchNorm1d", "Sigmoid", "ReLU", "Tanh"] as const;
const CODE = (k: string) => Math.max(0, KINDS.indexOf(k as (typeof KINDS)[number]));
const RIGHT_KINDS = ["Linear", "BatchNorm1d", "Sigmoid", "Linear", "BatchNorm1d", "Sigmoid", "Linear", "BatchNorm1d", "Sigmoid", "Linear"];

const num = (v: unknown, what: string): number => {
  if (typeof v !== "number" || Number.isNaN(v)) throw new Malformed("wrong-type", `The collected data has no number for ${what}.`);
  return v;
};
const mat = (v: unknown, rows: number, cols: number, what: string): Matrix => {
  if (!(v instanceof Matrix) || v.rows !== rows || v.cols !== cols) throw new Malformed("wrong-type", `The collected data has no ${rows}×${cols} ${what}.`);
  return v;
};
const bit = (b: boolean) => Matrix.row([b ? 1 : 0]);
const close = (a: Matrix, b: Matrix) => closeMatrices(a, b, { atol: 1e-7, rtol: 1e-6 });

interface ProbeVerdict {
  pytorchMomentum: boolean;
  tracksRunningStats: boolean;
  affine: boolean;
}

function judgeProbe(p: unknown, seed: string): ProbeVerdict {
  const f = num(ownField(p, "features"), "a probe's features");
  if (!Number.isInteger(f) || f < 1 || f > MAX_PROBE_FEATURES) return { pytorchMomentum: false, tracksRunningStats: false, affine: false };
  const { train, eval: evalBatch } = probeBatches(seed, f);
  const eps = num(ownField(p, "eps"), "eps");
  const g = mat(ownField(p, "gamma"), 1, f, "γ");
  const b = mat(ownField(p, "beta"), 1, f, "β");
  const m0 = mat(ownField(p, "meanBefore"), 1, f, "running mean");
  const v0 = mat(ownField(p, "varBefore"), 1, f, "running variance");
  const m1 = mat(ownField(p, "meanAfter"), 1, f, "running mean");
  const v1 = mat(ownField(p, "varAfter"), 1, f, "running variance");
  const yEval = mat(ownField(p, "yEval"), evalBatch.rows, f, "eval output");
  const mu = train.meanRows();
  const n = train.rows;
  const biased = train.sub(mu).map((d) => d * d).meanRows();
  const unbiased = biased.scale(n / (n - 1));
  const pytorchMomentum = close(m1, m0.scale(0.9).add(mu.scale(0.1))) && close(v1, v0.scale(0.9).add(unbiased.scale(0.1)));
  const withRunning = evalBatch.sub(m1).div(v1.map((v) => Math.sqrt(v + eps))).mul(g).add(b);
  const tracksRunningStats = !close(m1, m0) && close(yEval, withRunning);
  const affine = ownField(p, "parameters") === 2;
  return { pytorchMomentum, tracksRunningStats, affine };
}

function read(values: Record<string, unknown>, input: Input): Outputs {
  if (values.isModule !== true) {
    throw new Malformed("wrong-type", `buildBnNet should return a Sequential(...) of layers, got ${describeValue(values.result)}.`);
  }
  const layers = values.layers;
  if (!Array.isArray(layers) || layers.length > 200) throw new Malformed("wrong-type", "The collected data has no list of layers.");
  const kinds: number[] = [];
  const linears: number[] = [];
  const bnSizes: number[] = [];
  let distinct = true;
  let biasBeforeBn = false;
  layers.forEach((l: unknown, i) => {
    const kind = ownField(l, "kind");
    kinds.push(CODE(typeof kind === "string" ? kind : "other"));
    if (kind === "Linear") {
      linears.push(num(ownField(l, "in"), "in"), num(ownField(l, "out"), "out"));
      const next = ownField(layers[i + 1], "kind");
      if (ownField(l, "bias") === true && next === "BatchNorm1d") biasBeforeBn = true;
    }
    if (kind === "BatchNorm1d") {
      bnSizes.push(num(ownField(l, "features"), "features"));
      if (ownField(l, "sameAs") !== i) distinct = false;
    }
  });
  const probes = values.probes;
  if (!Array.isArray(probes) || probes.length > 200) throw new Malformed("wrong-type", "The collected data has no probes.");
  const verdicts = probes.map((p) => judgeProbe(p, input.probeSeed));
  const all = (k: keyof ProbeVerdict) => verdicts.every((v) => v[k]);
  const w = values.weights;
  const count = num(ownField(w, "count"), "the weight count");
  const std = num(ownField(w, "std"), "the weights' spread");
  const mean = num(ownField(w, "mean"), "the weights' mean");
  const s0 = ownField(w, "seed0");
  const sAgain = ownField(w, "seed0again");
  const s1 = ownField(w, "seed1");
  const samples = [s0, sAgain, s1].every((s) => s instanceof Matrix && s.rows === 1 && s.cols > 0);
  const seedWorks =
    samples && closeMatrices(s0 as Matrix, sAgain as Matrix, DEFAULT_TOLERANCE) && !closeMatrices(s0 as Matrix, s1 as Matrix, { atol: 1e-12, rtol: 0 });
  // 78,400 draws from N(0, 0.05²): the sample spread is within 1% of 0.05
  const initOk = count >= 1000 && Math.abs(std - 0.05) < 0.005 && Math.abs(mean) < 0.005;
  const y = values.forward;
  const shape = y instanceof Matrix ? [y.rows, y.cols] : [0, 0];
  return {
    kinds: Matrix.row(kinds),
    sizes: Matrix.row([...linears, ...bnSizes]),
    biasBeforeBn: bit(biasBeforeBn),
    distinct: bit(distinct),
    momentum: bit(all("pytorchMomentum")),
    tracking: bit(all("tracksRunningStats")),
    affine: bit(all("affine")),
    seed: bit(seedWorks),
    init: bit(initOk),
    output: Matrix.row(shape),
  };
}

/** Each output read from the network: its right value, and its name in messages. */
const OUTPUTS: Record<string, { right: Matrix; label: string }> = {
  kinds: { right: Matrix.row(RIGHT_KINDS.map(CODE)), label: `layer kinds (${KINDS.map((k, i) => `${i} = ${k}`).join(", ")})` },
  sizes: { right: Matrix.row([784, 100, 100, 100, 100, 100, 100, 10, 100, 100, 100]), label: "Linear in/out sizes, then BatchNorm1d sizes" },
  biasBeforeBn: { right: bit(false), label: "a Linear with bias right before a BatchNorm1d (1 = yes)" },
  distinct: { right: bit(true), label: "every BatchNorm1d a distinct layer (1 = yes)" },
  momentum: { right: bit(true), label: "running statistics after one training step follow PyTorch's momentum 0.1 (1 = yes)" },
  tracking: { right: bit(true), label: "eval mode uses the running statistics (1 = yes)" },
  affine: { right: bit(true), label: "every BatchNorm1d has γ and β (1 = yes)" },
  seed: { right: bit(true), label: "the seed sets the initial weights (1 = yes)" },
  init: { right: bit(true), label: "first Linear's weights look like N(0, 0.05²) (1 = yes)" },
  output: { right: Matrix.row([4, 10]), label: "shape of the logits of 4 digits" },
};
const REFERENCE: Outputs = Object.fromEntries(Object.entries(OUTPUTS).map(([key, o]) => [key, o.right]));

/** A predicate on the layer kinds, in forward order. */
const onKinds = (ok: (kinds: string[]) => boolean) => (got: Outputs) => ok(Array.from(got.kinds.data, (c) => KINDS[c] ?? "other"));
const isActivation = (kind: string) => kind === "Sigmoid" || kind === "ReLU" || kind === "Tanh";
const flag = (key: string, value: 0 | 1) => (got: Outputs) => got[key].data[0] === value;

const MISTAKES: Mistake<Input>[] = [
  {
    ids: ["bn-missing"],
    message: "no batch norm (in every hidden layer): put a BatchNorm1d between every hidden Linear and its Sigmoid.",
    matches: onKinds((k) => k.filter((x) => x === "BatchNorm1d").length < Math.max(1, k.filter(isActivation).length)),
  },
  {
    ids: ["bn-after-activation"],
    message: "batch norm after the activation: Ioffe & Szegedy normalize x = Wu, the sigmoid's INPUT, so that it stays in the sigmoid's sensitive range: Linear → BatchNorm1d → Sigmoid.",
    matches: onKinds((k) => k.some((x, i) => x === "BatchNorm1d" && i > 0 && isActivation(k[i - 1]))),
  },
  {
    ids: ["bn-on-logits"],
    message: "batch norm on the logits: the last layer is a plain Linear that outputs the 10 logits; BN goes inside the hidden layers only.",
    matches: onKinds((k) => k.lastIndexOf("Linear") >= 0 && k.slice(k.lastIndexOf("Linear") + 1).includes("BatchNorm1d")),
  },
  {
    ids: ["linear-bias-before-bn"],
    message:
      "a Linear bias right before batch norm: BN subtracts the batch mean, which cancels any bias b exactly (its gradient is always 0), and β already shifts: use new Linear(in, out, { bias: false, … }).",
    matches: flag("biasBeforeBn", 1),
  },
  {
    ids: ["wrong-activation"],
    message: "wrong activation: Figure 1's network uses Sigmoid after every hidden layer.",
    matches: onKinds((k) => k.some((x) => x === "ReLU" || x === "Tanh")),
  },
  { ids: ["bn-shared-instance"], matches: flag("distinct", 0) },
  {
    ids: ["momentum-reversed"],
    message:
      "Your BatchNorm1d's momentum follows the Keras convention (the weight of the OLD value, e.g. 0.9 or 0.99). Here, as in PyTorch, " +
      "momentum is the weight of the NEW batch: keep the default 0.1 (new BatchNorm1d(100)).",
    matches: (got) => got.momentum.data[0] === 0 && got.tracking.data[0] === 1,
  },
  { ids: ["tracking-disabled"], matches: flag("tracking", 0) },
  {
    ids: ["affine-missing"],
    message: "Your BatchNorm1d has no γ and β (affine: false): the layer must be able to learn its scale and shift. Keep the default affine: true.",
    matches: flag("affine", 0),
  },
  { ids: ["seed-ignored"], matches: flag("seed", 0) },
  { ids: ["wrong-init-scale"], matches: flag("init", 0) },
  {
    ids: ["wrong-layer-sizes"],
    message:
      "Your network does not have three hidden layers: Figure 1's has three, each Linear(…→100, bias=false) → BatchNorm1d(100) → Sigmoid, " +
      "then a Linear(100→10) for the logits (784 → 100 → 100 → 100 → 10).",
    matches: onKinds((k) => k.filter(isActivation).length !== 3),
  },
  {
    ids: ["wrong-layer-sizes"],
    matches: (got) => onKinds((k) => k.join() === RIGHT_KINDS.join())(got) && !closeMatrices(got.sizes, REFERENCE.sizes, DEFAULT_TOLERANCE),
  },
];

export const bnNetSpec: ExerciseSpec<Input, BnNetFn> = {
  ...bnNetCollect,
  title: "The Figure-1 network with batch norm",
  read,
  reference: () => REFERENCE,
  mistakes: MISTAKES,
  passMessage:
    "Linear(bias=false) → BatchNorm1d → Sigmoid three times, then Linear(100→10); every BatchNorm1d is its own layer with γ, β, " +
    "PyTorch's momentum and running statistics used in eval; the seed sets the N(0, 0.05²) initial weights; 4 digits give 4×10 logits.",
  describeInput: () =>
    "expected: Sequential(Linear(784→100, bias=false), BatchNorm1d(100), Sigmoid, Linear(100→100, bias=false), BatchNorm1d(100), Sigmoid, " +
    "Linear(100→100, bias=false), BatchNorm1d(100), Sigmoid, Linear(100→10))",
  labels: Object.fromEntries(Object.entries(OUTPUTS).map(([key, o]) => [key, o.label])),
};
