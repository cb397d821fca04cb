import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { Rng } from "../../random/rng";
import { argumentCases } from "../probes";

/** Exercise (lesson 8): the output size of a convolution (or pooling) along one axis. */
export type ConvOutputSizeFn = (size: number, kernelSize: number, stride: number, padding: number) => number;

export interface Input {
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
  return argumentCases(inputs, { padding: base.padding + 1, stride: base.stride + 1, kernelSize: base.kernelSize - 2, size: base.size + 4 });
}

export const convOutputSizeCollect: ExerciseCollect<Input, ConvOutputSizeFn> = {
  exercise: "convOutputSize",
  draw,
  collect: callWithFields(["size", "kernelSize", "stride", "padding"]),
};
