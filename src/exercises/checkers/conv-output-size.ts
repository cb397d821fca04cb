import { Matrix } from "../../tensor/matrix";
import { ExerciseInputs, ExerciseSpec, callWithFields } from "../engine";
import { NOTEBOOK_SEED } from "../inputs";
import { Rng } from "../../random/rng";
import { expectNumber } from "../learner-code";
import { constantOutput } from "../generic-mistakes";
import { argumentProbes } from "../probes";

/** Exercise (lesson 8): the output size of a convolution (or pooling) along one axis. */
export type ConvOutputSizeFn = (size: number, kernelSize: number, stride: number, padding: number) => number;

interface Input {
  size: number;
  kernelSize: number;
  stride: number;
  padding: number;
}

/**
 * Five convolutions ("same" padding, stride 2 and 3 where the floor matters, no padding, a pooling);
 * `seed` draws each size among those with the same remainder modulo the stride, so each case keeps its kind.
 */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/convOutputSize`);
  const inputs: Input[] = [
    { size: 28, kernelSize: 5, stride: 1, padding: 2 },
    { size: 8, kernelSize: 3, stride: 2, padding: 1 },
    { size: 14, kernelSize: 5, stride: 1, padding: 0 },
    { size: 11, kernelSize: 3, stride: 3, padding: 1 },
    { size: 6, kernelSize: 2, stride: 2, padding: 0 },
  ].map((i) => ({ ...i, size: i.size + i.stride * rng.int(0, 8) }));
  const base = inputs[0];
  return {
    cases: inputs.map((input) => ({ label: describe(input), input })),
    probes: argumentProbes(describe(base), base, { padding: base.padding + 1, stride: base.stride + 1, kernelSize: base.kernelSize - 2, size: base.size + 4 }),
  };
}

const describe = (i: Input) => `size = ${i.size}, kernelSize = ${i.kernelSize}, stride = ${i.stride}, padding = ${i.padding}`;
const scalar = (v: number) => ({ size: Matrix.row([v]) });


export const convOutputSizeSpec: ExerciseSpec<Input, ConvOutputSizeFn> = {
  exercise: "convOutputSize",
  title: "Output size of a convolution",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect: callWithFields(["size", "kernelSize", "stride", "padding"]),
  read({ result }) {
    return scalar(expectNumber(result, "The output size"));
  },
  reference: (i) => scalar(Math.floor((i.size + 2 * i.padding - i.kernelSize) / i.stride) + 1),
  mistakes: [
    { ids: ["output-size-padding-once"], outputs: (i) => scalar(Math.floor((i.size + i.padding - i.kernelSize) / i.stride) + 1) },
    { ids: ["output-size-off-by-one"], outputs: (i) => scalar(Math.floor((i.size + 2 * i.padding - i.kernelSize) / i.stride)) },
    { ids: ["output-size-rounding"], outputs: (i) => scalar(Math.ceil((i.size + 2 * i.padding - i.kernelSize) / i.stride) + 1) },
    { ids: ["output-size-rounding"], outputs: (i) => scalar((i.size + 2 * i.padding - i.kernelSize) / i.stride + 1) },
    {
      ids: ["output-size-rounding"],
      message: "Math.round rounds half of the partial windows up: a window that would hang over the edge is not used, so round DOWN (Math.floor), then add 1.",
      outputs: (i) => scalar(Math.round((i.size + 2 * i.padding - i.kernelSize) / i.stride) + 1),
    },
    { ids: ["output-size-same-padding"], outputs: (i) => scalar(Math.ceil(i.size / i.stride)) },
    {
      ids: ["ignores-argument"],
      message: "Your size ignores the padding (the \"valid\" formula): padding adds 2·padding positions, ⌊(size + 2·padding − k)/stride⌋ + 1.",
      outputs: (i) => scalar(Math.floor((i.size - i.kernelSize) / i.stride) + 1),
    },
    {
      ids: ["ignores-argument"],
      message: "Your size ignores the stride: a window moving `stride` positions at a time fits ⌊(size + 2·padding − k)/stride⌋ + 1 times.",
      outputs: (i) => scalar(i.size + 2 * i.padding - i.kernelSize + 1),
    },
    constantOutput<Input>(["size"]),
  ],
  passMessage: "⌊(size + 2·padding − k)/stride⌋ + 1, checked on 5 layers (strides 1–3, padding 0–2).",
  describeInput: describe,
  labels: { size: "output size" },
};
