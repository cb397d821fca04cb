import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { Conv2d } from "../../nn/conv2d";
import { BatchNorm2d } from "../../nn/batchnorm2d";
import { formatMatrix, hang } from "../compare";
import { ExerciseInputs, ExerciseSpec } from "../engine";
import { NOTEBOOK_SEED } from "../inputs";
import { Perturbation, probesOn } from "../probes";
import { LearnerThrew, Malformed, expectMatrix } from "../learner-code";

/**
 * Exercise (lesson 8): fold an eval-mode BatchNorm2d into the convolution before it.
 * With s[o] = γ[o]/√(running_var[o] + ε):  W'[o] = s[o]·W[o],  b'[o] = s[o]·(b[o] − running_mean[o]) + β[o]
 * (b = 0 for a convolution without bias). Returns the new weight (out × in·k·k) and bias (1 × out).
 */
export type FoldBatchNormFn = (conv: Conv2d, bn: BatchNorm2d) => { weight: Matrix; bias: Matrix };

interface Input {
  make(): { conv: Conv2d; bn: BatchNorm2d };
  label: string;
}

function setup(seed: string, inC: number, outC: number, k: number, bias: boolean, eps: number): Input {
  return {
    label: `Conv2d(${inC}→${outC}, k=${k}${bias ? "" : ", bias=false"}) then BatchNorm2d(${outC}, eps=${eps}) with trained statistics`,
    make() {
      const rng = new Rng(seed);
      const conv = new Conv2d(inC, outC, k, { bias, rng });
      const bn = new BatchNorm2d(outC, { eps });
      for (let o = 0; o < outC; o++) {
        bn.gamma.data[o] = 0.5 + rng.uniform();
        bn.beta.data[o] = rng.normal();
        bn.runningMean.data[o] = rng.normal(0, 2);
        bn.runningVar.data[o] = 0.05 + rng.uniform(0, 3);
      }
      bn.runningVar.data[0] = eps * 3; // a channel whose variance is near ε: forgetting ε shows
      bn.eval();
      return { conv, bn };
    },
  };
}

/** `base` with one parameter changed. */
function changed(base: Input, what: string, ignored: string, change: (conv: Conv2d, bn: BatchNorm2d) => void): Perturbation<Input> {
  const make = () => {
    const made = base.make();
    change(made.conv, made.bn);
    return made;
  };
  return { what, ignored, input: { label: `${base.label}, where ${what}`, make } };
}
const shift = (m: Matrix) => m.data.forEach((v, i) => (m.data[i] = v + 0.5 + 0.25 * i));

type Variant = { sqrt: boolean; eps: boolean; subtractMean: boolean; scaleBias: boolean; meanSign?: 1 | -1; freshBuffers?: boolean; swapAffine?: boolean };
const RIGHT: Variant = { sqrt: true, eps: true, subtractMean: true, scaleBias: true };

function fold(input: Input, v: Variant): { weight: Matrix; bias: Matrix } {
  const { conv, bn } = input.make();
  const O = conv.outChannels, K = conv.weight.value.cols;
  const weight = new Matrix(O, K), bias = new Matrix(1, O);
  for (let o = 0; o < O; o++) {
    const [runningMean, runningVar] = v.freshBuffers ? [0, 1] : [bn.runningMean.data[o], bn.runningVar.data[o]];
    const [gamma, beta] = v.swapAffine ? [bn.beta.data[o], bn.gamma.data[o]] : [bn.gamma.data[o], bn.beta.data[o]];
    const varEps = runningVar + (v.eps ? bn.eps : 0);
    const s = gamma / (v.sqrt ? Math.sqrt(varEps) : varEps);
    for (let j = 0; j < K; j++) weight.data[o * K + j] = s * conv.weight.value.data[o * K + j];
    const b = conv.bias ? conv.bias.value.data[o] : 0;
    const centred = v.subtractMean ? b - (v.meanSign ?? 1) * runningMean : b;
    bias.data[o] = (v.scaleBias ? s * centred : centred) + beta;
  }
  return { weight, bias };
}

/** The cases and probes, drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
  const inputs = [setup(`${seed}/foldBatchNorm/0`, 2, 3, 3, true, 1e-5), setup(`${seed}/foldBatchNorm/1`, 3, 4, 2, false, 1e-3), setup(`${seed}/foldBatchNorm/2`, 1, 2, 3, true, 1e-2)];
  const base = inputs[0];
  const perturbations = [
    changed(base, "β changes", "β is never added", (_c, bn) => shift(bn.beta)),
    changed(base, "the conv bias changes", "the conv bias is never used", (conv) => conv.bias && shift(conv.bias.value)),
    changed(base, "γ changes", "it is never scaled by γ", (_c, bn) => shift(bn.gamma)),
    changed(base, "running_var changes", "it is never divided by √(running_var + ε)", (_c, bn) => shift(bn.runningVar)),
    changed(base, "running_mean changes", "running_mean is never subtracted", (_c, bn) => shift(bn.runningMean)),
  ];
  const rows = (input: Input) => {
    const { bn } = input.make();
    return { "√(running_var + ε)/γ": bn.runningVar.map((v, _r, c) => Math.sqrt(v + bn.eps) / bn.gamma.data[c]) };
  };
  return { cases: inputs.map((input) => ({ label: input.label, input })), probes: probesOn({ label: base.label, input: base }, perturbations, { rows }) };
}

export const foldBatchNormSpec: ExerciseSpec<Input, FoldBatchNormFn> = {
  exercise: "foldBatchNorm",
  title: "Fold BatchNorm2d into the convolution (eval mode)",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect(fn, input, calls) {
    const { conv, bn } = input.make();
    const before = [conv.weight.value.clone(), bn.runningMean.clone(), bn.runningVar.clone(), bn.gamma.clone()];
    let result: unknown;
    try {
      result = fn(conv, bn);
    } catch (e) {
      throw new LearnerThrew(e, calls.during);
    }
    const after = [conv.weight.value, bn.runningMean, bn.runningVar, bn.gamma];
    const names = ["conv.weight", "bn.runningMean", "bn.runningVar", "bn.gamma"];
    after.forEach((m, i) => {
      if (m.data.some((v, j) => !Object.is(v, before[i].data[j])) && !calls.mutated.includes(names[i])) calls.mutated.push(names[i]);
    });
    return { result };
  },
  read({ result }, input) {
    const { conv } = input.make();
    if (result === null || typeof result !== "object") throw new Malformed("wrong-type", `Return { weight, bias }, got ${String(result)}.`);
    const r = result as { weight?: unknown; bias?: unknown };
    const weight = expectMatrix(r.weight, "weight", `${conv.outChannels} × ${conv.weight.value.cols}, conv.weight.value's shape`);
    const bias = expectMatrix(r.bias, "bias", `1 × ${conv.outChannels}, one per output channel`);
    if (weight.rows !== conv.outChannels || weight.cols !== conv.weight.value.cols) throw new Malformed("wrong-shape", `weight should be ${conv.outChannels} × ${conv.weight.value.cols}, got ${weight.shapeString()}.`);
    if (bias.rows !== 1 || bias.cols !== conv.outChannels) throw new Malformed("wrong-shape", `bias should be 1 × ${conv.outChannels}, got ${bias.shapeString()}.`);
    return { weight, bias };
  },
  reference: (input) => fold(input, RIGHT),
  mistakes: [
    { ids: ["fold-mean-forgotten"], outputs: (i) => fold(i, { ...RIGHT, subtractMean: false }) },
    { ids: ["fold-bias-unscaled"], outputs: (i) => fold(i, { ...RIGHT, scaleBias: false }) },
    { ids: ["eps-forgotten"], outputs: (i) => fold(i, { ...RIGHT, eps: false }) },
    { ids: ["variance-std-confusion"], message: "Divide by the standard deviation √(running_var + ε), not by the variance.", outputs: (i) => fold(i, { ...RIGHT, sqrt: false }) },
    {
      ids: ["sign-error"],
      message: "Your folded bias adds the running mean: BN subtracts it, so b' = s·(b − running_mean) + β.",
      outputs: (i) => fold(i, { ...RIGHT, meanSign: -1 }),
    },
    { ids: ["fold-running-stats-ignored"], outputs: (i) => fold(i, { ...RIGHT, freshBuffers: true }) },
    {
      ids: ["gamma-beta-swapped"],
      message: "γ and β are swapped: γ goes into the scale s = γ/√(running_var + ε), β is added to the bias.",
      outputs: (i) => fold(i, { ...RIGHT, swapAffine: true }),
    },
  ],
  passMessage: "W' = s·W and b' = s·(b − running_mean) + β with s = γ/√(running_var + ε), per output channel; checked on 3 conv/BN pairs (with and without conv bias).",
  describeInput: (input) => {
    const { conv, bn } = input.make();
    return [
      input.label,
      hang("conv.bias = ", conv.bias ? formatMatrix(conv.bias.value) : "null"),
      hang("bn.gamma = ", formatMatrix(bn.gamma)),
      hang("bn.beta = ", formatMatrix(bn.beta)),
      hang("bn.runningMean = ", formatMatrix(bn.runningMean)),
      hang("bn.runningVar = ", formatMatrix(bn.runningVar)),
    ].join("\n");
  },
};
