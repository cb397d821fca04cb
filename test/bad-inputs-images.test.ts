/**
 * Bad and edge inputs, part 8: image tensors [N, C, H, W], the convolutional layers
 * and lesson 8's experiments (cnn.…). See test/bad-inputs/battery.ts.
 */
import {
  AvgPool2d, BatchNorm2d, Conv2d, Flatten, InstanceNorm2d, Matrix, MaxPool2d, Residual, Rng, Tensor, Unflatten,
  basicBlock, cnn, col2im, convOutputSize, im2col, sameShape, zerosLike,
} from "../src";
import { cases, moduleState, NOT_COUNTS, NOT_FINITE, stateCases } from "./bad-inputs/battery";

const images = (c = 2, side = 4) => new Tensor([2, c, side, side], Float64Array.from({ length: 2 * c * side * side }, (_, i) => Math.sin(i)));

cases("Tensor", [
  ["a negative dimension", () => new Tensor([2, -1, 3, 3]), /Tensor: every dimension must be a non-negative integer, got shape \[2, -1, 3, 3\]/],
  ["a fractional dimension", () => new Tensor([2.5]), /Tensor: every dimension must be a non-negative integer/],
  ["shape not an array", () => new Tensor(4 as never), /Tensor: shape must be an array of dimensions like \[N, C, H, W\], got 4/],
  ["data shorter than the shape", () => new Tensor([1, 1, 2, 2], new Float64Array(3)), /Tensor: expected shape data of length 4/],
  ["data as a plain array", () => new Tensor([2], [1, 2] as never), /Tensor: data must be a Float64Array/],
]);
cases("Tensor.from", [
  ["3 numbers for [2, 2]", () => Tensor.from([1, 2, 3], [2, 2]), /Tensor.from: expected shape \[2, 2\] \(4 numbers\), got 3 numbers/],
  ["data null", () => Tensor.from(null as never, [2]), /Tensor.from: data must be an array/],
]);
cases("Tensor.reshape", [["a shape of another size", () => images().reshape([3, 3]), /Tensor.reshape.*\[3, 3\].*64/]]);
cases("Tensor.add", [["tensors of different shapes", () => images().add(images(1)), /Tensor.add.*\[2, 2, 4, 4\].*\[2, 1, 4, 4\]/]]);

cases("zerosLike", [
  ["a number", () => zerosLike(5 as never), /zerosLike: v must be a Matrix or a Tensor, got 5/],
  ["an array", () => zerosLike([[1]] as never), /zerosLike: v must be a Matrix or a Tensor, got an array of length 1/],
]);
cases("sameShape", [
  ["numbers", () => sameShape(5 as never, 6 as never), /sameShape: a must be a Matrix or a Tensor, got 5/],
  ["b null", () => sameShape(images(), null as never), /sameShape: b must be a Matrix or a Tensor, got null/],
]);

cases("convOutputSize", [
  ["a kernel larger than the padded input", () => convOutputSize(2, 5, 1, 0), /convOutputSize: a kernel of 5 does not fit in an input of 2 with padding 0/],
  ["stride 0", () => convOutputSize(5, 3, 0, 0), /convOutputSize: stride must be an integer ≥ 1, got 0/],
  ["padding -1", () => convOutputSize(5, 3, 1, -1), /convOutputSize: padding must be an integer ≥ 0, got -1/],
  ["size 2.5", () => convOutputSize(2.5, 1, 1, 0), /convOutputSize: size must be an integer ≥ 1, got 2.5/],
  ["kernel size as a string", () => convOutputSize(5, "3" as never, 1, 0), /convOutputSize: (k|kernelSize) must be an integer ≥ 1, got the string "3"/],
]);
cases("im2col", [
  ["no arguments", () => (im2col as unknown as (...a: unknown[]) => unknown)(), /im2col: .* must be/],
  ["x too short", () => im2col(new Float64Array(3), new Float64Array(4), 1, 1, 2, 2, 1, 1, 1, 0), /im2col: an array is shorter than its sizes say: x holds 3 numbers, the sizes need 4/],
  ["a kernel larger than the image", () => im2col(new Float64Array(4), new Float64Array(9), 1, 1, 2, 2, 3, 3, 1, 0), /im2col: the 3-wide window does not fit in an input of 2 padded by 0/],
]);
cases("col2im", [
  ["no arguments", () => (col2im as unknown as (...a: unknown[]) => unknown)(), /col2im: .* must be/],
  ["cols too short", () => col2im(new Float64Array(1), new Float64Array(4), 1, 1, 2, 2, 1, 1, 1, 0), /col2im: an array is shorter than its sizes say: cols holds 1 numbers, the sizes need 4/],
]);

const sizes = (layer: string, make: (v: number) => unknown, what: string): Array<[string, () => unknown, RegExp]> =>
  NOT_COUNTS.map(([label, v]) => [`${what} ${label}`, () => make(v as number), new RegExp(`${layer}: ${what}.* must be an integer ≥ 1`)]);
cases("Conv2d", [
  ...sizes("Conv2d", (v) => new Conv2d(v, 2, 3), "inChannels"),
  ...sizes("Conv2d", (v) => new Conv2d(1, v, 3), "outChannels"),
  ...sizes("Conv2d", (v) => new Conv2d(1, 2, v), "kernelSize"),
  ["stride 0", () => new Conv2d(1, 2, 3, { stride: 0 }), /Conv2d: stride must be an integer ≥ 1, got 0/],
  ["padding -1", () => new Conv2d(1, 2, 3, { padding: -1 }), /Conv2d: padding must be an integer ≥ 0, got -1/],
  ["bias as a string", () => new Conv2d(1, 2, 3, { bias: "no" as never }), /Conv2d: bias must be true or false, got the string "no"/],
  ["rng not an Rng", () => new Conv2d(1, 2, 3, { rng: 1 as never }), /Conv2d: rng must be an Rng/],
  ["options not an object", () => new Conv2d(1, 2, 3, 5 as never), /Conv2d: options must be an object/],
]);
stateCases("Conv2d.forward", [
  ["a Matrix instead of images", () => {
    const m = new Conv2d(2, 3, 3, { rng: new Rng(0) });
    return { call: () => m.forward(Matrix.zeros(2, 32) as never), state: () => moduleState(m) };
  }, /Conv2d\(2→3, kernelSize=3\).forward: expected shape \[N, 2, H, W\] \(a Tensor of images\), got a Matrix \[2, 32\]/],
  ["1 channel into a layer of 2", () => {
    const m = new Conv2d(2, 3, 3, { rng: new Rng(0) });
    return { call: () => m.forward(images(1)), state: () => moduleState(m) };
  }, /Conv2d\(2→3, kernelSize=3\).forward: expected shape \[N, 2, H, W\], got \[2, 1, 4, 4\]/],
  ["a 3×3 kernel on 2×2 images", () => {
    const m = new Conv2d(2, 3, 3, { rng: new Rng(0) });
    return { call: () => m.forward(images(2, 2)), state: () => moduleState(m) };
  }, /Conv2d.*does not fit/],
], "Conv2d");
cases("Conv2d.backward", [["backward before forward", () => new Conv2d(1, 1, 1).backward(images(1)), /Conv2d.*forward/]], "Conv2d");

cases("Flatten", [["a Matrix", () => new Flatten().forward(Matrix.zeros(2, 2) as never), /Flatten.forward: expected shape a Tensor/]]);
cases("Unflatten", [
  ["imageShape not an array", () => new Unflatten(784 as never), /Unflatten: imageShape must be an array of positive integers like \[1, 28, 28\]/],
  ["a zero in imageShape", () => new Unflatten([1, 0, 28]), /Unflatten: imageShape must be positive integers like \[1, 28, 28\]/],
  ["a Matrix of the wrong width", () => new Unflatten([1, 2, 2]).forward(Matrix.zeros(3, 5)), /Unflatten\(\[1, 2, 2\]\).forward: expected shape a Matrix \[N, 4\]/],
]);

const normCases = (layer: string, make: (n: number, o?: object) => unknown): Array<[string, () => unknown, RegExp]> => [
  ...sizes(layer, (v) => make(v), "numFeatures"),
  ["eps -1", () => make(2, { eps: -1 }), new RegExp(`${layer}: eps must be ≥ 0`)],
  ...NOT_FINITE.map(([label, v]): [string, () => unknown, RegExp] => [`eps ${label}`, () => make(2, { eps: v }), new RegExp(`${layer}: eps must be`)]),
  ["momentum 1.5", () => make(2, { momentum: 1.5 }), new RegExp(`${layer}: momentum must be in \\[0, 1\\]`)],
  ["affine as a string", () => make(2, { affine: "no" }), new RegExp(`${layer}: affine must be true or false, got the string "no"`)],
  ["trackRunningStats as 1", () => make(2, { trackRunningStats: 1 }), new RegExp(`${layer}: trackRunningStats must be true or false, got 1`)],
  ["options not an object", () => make(2, 7 as never), new RegExp(`${layer}: options must be an object`)],
];
cases("BatchNorm2d", normCases("BatchNorm2d", (n, o) => new BatchNorm2d(n, o as never)));
cases("InstanceNorm2d", normCases("InstanceNorm2d", (n, o) => new InstanceNorm2d(n, o as never)));
for (const [name, make] of [["BatchNorm2d", () => new BatchNorm2d(2)], ["InstanceNorm2d", () => new InstanceNorm2d(2)]] as const) {
  stateCases(`${name}.forward`, [
    ["3 channels into a layer of 2", () => {
      const m = make();
      return { call: () => m.forward(images(3)), state: () => moduleState(m) };
    }, new RegExp(`${name}\\(2, .*\\).forward: expected shape \\[N, 2, H, W\\], got \\[2, 3, 4, 4\\]`)],
    ["a Matrix", () => {
      const m = make();
      return { call: () => m.forward(Matrix.zeros(2, 2) as never), state: () => moduleState(m) };
    }, new RegExp(`${name}.*Tensor`)],
  ], name);
}
stateCases("BatchNorm2d.forward (one value per channel)", [["a batch of 1×1 images of one example in training", () => {
  const m = new BatchNorm2d(2);
  return { call: () => m.forward(new Tensor([1, 2, 1, 1])), state: () => moduleState(m) };
}, /BatchNorm2d.*more than 1 value per channel/]], "BatchNorm2d");

const poolCases = (name: string, make: (k: number, s?: number) => MaxPool2d | AvgPool2d): Array<[string, () => unknown, RegExp]> => [
  ...sizes(name, (v) => make(v), "kernelSize"),
  ["stride 0", () => make(2, 0), new RegExp(`${name}: stride must be an integer ≥ 1, got 0`)],
  ["a 5×5 window on 4×4 images", () => make(5).forward(images()), new RegExp(`${name}\\(.*\\).forward: a 5×5 window does not fit in a 4×4 image`)],
  ["backward before forward", () => make(2).backward(images()), new RegExp(`${name}.*forward`)],
];
cases("MaxPool2d", poolCases("MaxPool2d", (k, s) => new MaxPool2d(k, s)));
cases("AvgPool2d", poolCases("AvgPool2d", (k, s) => new AvgPool2d(k, s)));

cases("Residual", [
  ["a body that is not a layer", () => new Residual(5 as never), /Residual: body must be a layer \(a Module\), got 5/],
  ["a body that changes the shape", () => new Residual(new Conv2d(2, 2, 3, { rng: new Rng(0) })).forward(images()), /Residual: the body must keep the shape .* use padding = \(kernelSize − 1\)\/2 and stride 1/],
]);
cases("basicBlock", [
  ...sizes("basicBlock", (v) => basicBlock(v), "channels"),
  ["an unknown norm", () => basicBlock(4, { norm: "layer" as never }), /basicBlock: norm must be one of "batch", "group", "none", got the string "layer"/],
  ["groups that do not divide channels", () => basicBlock(4, { norm: "group", groups: 3 }), /basicBlock: groups \(3\) must divide channels \(4\) for GroupNorm/],
]);

// ---- cnn: lesson 8's experiments name themselves "cnn.…" and refuse a bad argument before they train ----
const norms = /must be one of "batch", "group", "none"/;
cases("cnn.lenet", [
  ["an unknown norm", () => cnn.lenet("bn" as never), new RegExp(`cnn.lenet: norm ${norms.source}, got the string "bn"`)],
  ["seed 0.5", () => cnn.lenet("batch", 0.5), /cnn.lenet: seed must be an integer.*got 0.5/],
]);
cases("cnn.stepsTo", [
  ["no history", () => cnn.stepsTo(null as never, 0.5), /cnn.stepsTo: history must be a History \(what fit returns\), got null/],
  ["a target of 90 (a percentage)", () => cnn.stepsTo({ step: [], loss: [], eval: { step: [], testAccuracy: [] } } as never, 90), /cnn.stepsTo: target must be in \[0, 1\] \(an accuracy, e.g. 0.9\), got 90/],
]);
cases("cnn.withAndWithoutBn", [
  ["steps -1", () => cnn.withAndWithoutBn({ steps: -1 }), /cnn.withAndWithoutBn: steps must be an integer ≥ 1, got -1/],
  ["an unknown norm", () => cnn.withAndWithoutBn({ norms: ["group" as never] }), /cnn.withAndWithoutBn: norms\[0\] must be one of "none", "batch", got the string "group"/],
]);
cases("cnn.lrSweep", [
  ["a learning rate 0", () => cnn.lrSweep({ lrs: [0.1, 0] }), /cnn.lrSweep: lrs\[1\] must be > 0, got 0/],
  ["no learning rates", () => cnn.lrSweep({ lrs: [] }), /cnn.lrSweep: lrs must be a non-empty list/],
]);
cases("cnn.deepComparison", [
  ["an unknown kind", () => cnn.deepComparison({ kinds: ["resnet" as never] }), /cnn.deepComparison: kinds\[0\] must be one of "plain", "batch", "residual", got the string "resnet"/],
  ["depth 0", () => cnn.deepComparison({ depth: 0 }), /cnn.deepComparison: depth must be an integer ≥ 1, got 0/],
]);
cases("cnn.batchSizeComparison", [
  ["a batch size 0", () => cnn.batchSizeComparison({ batchSizes: [0] }), /cnn.batchSizeComparison: batchSizes\[0\] must be an integer ≥ 1, got 0/],
  ["fewer examples than a batch", () => cnn.batchSizeComparison({ batchSizes: [64], examples: 10 }), /cnn.batchSizeComparison: examples \(10\) must be at least the largest batch size \(64\)/],
]);
cases("cnn.axesFigure", [
  ["N 0", () => cnn.axesFigure(0), /cnn.axesFigure: N must be an integer ≥ 1, got 0/],
  ["an odd C (two groups need an even C)", () => cnn.axesFigure(4, 3), /cnn.axesFigure: C must be an even integer ≥ 2 \(GroupNorm's 2 groups\), got 3/],
]);
