import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { Conv2d } from "../../nn/conv2d";
import { BatchNorm2d } from "../../nn/batchnorm2d";
import { ExerciseCollect, ExerciseInputs } from "../engine";
import { Perturbation, bump, probesOn } from "../probes";

/**
 * Exercise (lesson 8): fold an eval-mode BatchNorm2d into the convolution before it.
 * With s[o] = γ[o]/√(running_var[o] + ε):  W'[o] = s[o]·W[o],  b'[o] = s[o]·(b[o] − running_mean[o]) + β[o]
 * (b = 0 for a convolution without bias). Returns the new weight (out × in·k·k) and bias (1 × out).
 */
export type FoldBatchNormFn = (conv: Conv2d, bn: BatchNorm2d) => { weight: Matrix; bias: Matrix };

export interface Input {
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
const shift = (m: Matrix) => m.copyFrom(bump(m));

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
  return { cases: inputs.map((input) => ({ label: input.label, input })), probes: probesOn({ label: base.label, input: base }, perturbations) };
}

export const foldBatchNormCollect: ExerciseCollect<Input, FoldBatchNormFn> = {
  exercise: "foldBatchNorm",
  draw,
  collect(fn, input, calls) {
    const { conv, bn } = input.make();
    const before = [conv.weight.value.clone(), bn.runningMean.clone(), bn.runningVar.clone(), bn.gamma.clone()];
    // conv and bn are passed as they are (not copied): their parameters are compared afterwards
    const { result } = calls.call(() => fn(conv, bn), [], []);
    const after = [conv.weight.value, bn.runningMean, bn.runningVar, bn.gamma];
    ["conv.weight", "bn.runningMean", "bn.runningVar", "bn.gamma"].forEach((name, i) => calls.compare(name, before[i], after[i]));
    return { result };
  },
};
