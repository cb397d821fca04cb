import { Matrix } from "../../tensor/matrix";
import { ExerciseSpec, describeValues } from "../engine";
import { Malformed, expectMatrix } from "../learner-code";
import { FoldBatchNormFn, Input, foldBatchNormCollect } from "../collect/fold-batchnorm";

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

export const foldBatchNormSpec: ExerciseSpec<Input, FoldBatchNormFn> = {
  ...foldBatchNormCollect,
  title: "Fold BatchNorm2d into the convolution (eval mode)",
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
  probeTerms: {
    rows(input) {
      const { bn } = input.make();
      return { "√(running_var + ε)/γ": bn.runningVar.map((v, _r, c) => Math.sqrt(v + bn.eps) / bn.gamma.data[c]) };
    },
  },
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
    const parts = { "conv.bias": conv.bias?.value ?? null, "bn.gamma": bn.gamma, "bn.beta": bn.beta, "bn.runningMean": bn.runningMean, "bn.runningVar": bn.runningVar };
    return `${input.label}\n${describeValues(parts)}`;
  },
};
