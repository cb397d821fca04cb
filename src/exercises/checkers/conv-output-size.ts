import { Matrix } from "../../tensor/matrix";
import { describeArguments } from "../probes";
import { ExerciseSpec, readNumber } from "../engine";
import { ConvOutputSizeFn, Input, convOutputSizeCollect } from "../collect/conv-output-size";
import { constantOutput } from "../generic-mistakes";

const scalar = (v: number) => ({ size: Matrix.row([v]) });

export const convOutputSizeSpec: ExerciseSpec<Input, ConvOutputSizeFn> = {
  ...convOutputSizeCollect,
  title: "Output size of a convolution",
  read: readNumber("size", "The output size"),
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
  describeInput: describeArguments,
  labels: { size: "output size" },
};
