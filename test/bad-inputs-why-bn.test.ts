/**
 * Bad and edge inputs, part 7: lesson 7 ("Why does BN help?") — ghost batch norm, noisy BN,
 * the gradient probes of the loss landscape, the error-bar/range/slider charts, and the
 * whyBn experiments. See test/bad-inputs/battery.ts.
 */
import {
  GhostBatchNorm1d, Linear, Matrix, Rng, Sequential, ShiftNoise, errorBarChart, gradientIcs, lossAndGradient, probeAlongGradient, rangeBands,
  seriesSlider, whyBn,
} from "../src";
import { cases, moduleState, NOT_COUNTS, NOT_FINITE, stateCases } from "./bad-inputs/battery";

const x = () => new Matrix(4, 3, new Rng(1).normalArray(12));
const net = () => new Sequential(new Linear(3, 2, { rng: new Rng(2) }));
const batch = () => ({ x: x(), y: [0, 1, 0, 1] });

cases("GhostBatchNorm1d", [
  ...NOT_COUNTS.map(([label, v]): [string, () => unknown, RegExp] => [`numFeatures ${label}`, () => new GhostBatchNorm1d(v as number, { virtualBatchSize: 4 }), /GhostBatchNorm1d: numFeatures must be an integer ≥ 1/]),
  ["no options (virtualBatchSize is required)", () => new GhostBatchNorm1d(3, undefined as never), /GhostBatchNorm1d: virtualBatchSize must be an integer ≥ 2.*got undefined/],
  ["virtualBatchSize 1", () => new GhostBatchNorm1d(3, { virtualBatchSize: 1 }), /GhostBatchNorm1d: virtualBatchSize must be an integer ≥ 2/],
  ["virtualBatchSize 2.5", () => new GhostBatchNorm1d(3, { virtualBatchSize: 2.5 }), /GhostBatchNorm1d: virtualBatchSize must be an integer ≥ 2/],
  ["virtualBatchSize as a string", () => new GhostBatchNorm1d(3, { virtualBatchSize: "16" as never }), /GhostBatchNorm1d: virtualBatchSize must be an integer ≥ 2.*the string "16"/],
  ["options not an object", () => new GhostBatchNorm1d(3, 16 as never), /GhostBatchNorm1d: options must be an object/],
  ["eps -1", () => new GhostBatchNorm1d(3, { virtualBatchSize: 4, eps: -1 }), /GhostBatchNorm1d: eps must be ≥ 0/],
  ...NOT_FINITE.map(([label, v]): [string, () => unknown, RegExp] => [`eps ${label}`, () => new GhostBatchNorm1d(3, { virtualBatchSize: 4, eps: v as number }), /GhostBatchNorm1d: eps must be/]),
  ["momentum 2", () => new GhostBatchNorm1d(3, { virtualBatchSize: 4, momentum: 2 }), /GhostBatchNorm1d: momentum must be in \[0, 1\]/],
  ["momentum as a string", () => new GhostBatchNorm1d(3, { virtualBatchSize: 4, momentum: "0.1" as never }), /GhostBatchNorm1d: momentum must be in \[0, 1\].*the string "0.1"/],
  ["affine as a string", () => new GhostBatchNorm1d(3, { virtualBatchSize: 4, affine: "no" as never }), /GhostBatchNorm1d: affine must be true or false, got the string "no"/],
  ["trackRunningStats as 0", () => new GhostBatchNorm1d(3, { virtualBatchSize: 4, trackRunningStats: 0 as never }), /GhostBatchNorm1d: trackRunningStats must be true or false, got 0/],
]);
stateCases("GhostBatchNorm1d.forward", [
  ["5 features into a layer of 3", () => {
    const m = new GhostBatchNorm1d(3, { virtualBatchSize: 2 });
    return { call: () => m.forward(Matrix.zeros(4, 5)), state: () => moduleState(m) };
  }, /GhostBatchNorm1d\(3, .*\).forward: expected shape \[batch, 3\], got \[4, 5\]/],
  ["a ghost batch of one example in training", () => {
    const m = new GhostBatchNorm1d(3, { virtualBatchSize: 2 });
    return { call: () => m.forward(Matrix.zeros(1, 3)), state: () => moduleState(m) };
  }, /GhostBatchNorm1d.*(more than 1|at least 2)/],
], "GhostBatchNorm1d");
cases("GhostBatchNorm1d.backward", [["backward before forward", () => new GhostBatchNorm1d(3, { virtualBatchSize: 2 }).backward(Matrix.zeros(4, 3)), /GhostBatchNorm1d.*forward/]], "GhostBatchNorm1d");

cases("ShiftNoise", [
  ["options not an object (a feature count)", () => new ShiftNoise(3 as never), /ShiftNoise: options must be an object/],
  ["shift -1", () => new ShiftNoise({ shift: -1 }), /ShiftNoise: shift must be ≥ 0/],
  ["shift NaN", () => new ShiftNoise({ shift: NaN }), /ShiftNoise: shift must be a (finite )?number/],
  ["shift as a string", () => new ShiftNoise({ shift: "1" as never }), /ShiftNoise: shift must be .*the string "1"/],
  ["minScale 0", () => new ShiftNoise({ minScale: 0 }), /ShiftNoise: minScale must be > 0/],
  ["maxScale below minScale", () => new ShiftNoise({ minScale: 2, maxScale: 1 }), /ShiftNoise: maxScale must be ≥ 2 \(at least minScale\), got 1/],
  ["maxScale Infinity", () => new ShiftNoise({ maxScale: Infinity }), /ShiftNoise: maxScale must be a finite number/],
  ["rng not an Rng", () => new ShiftNoise({ rng: 7 as never }), /ShiftNoise: rng must be an Rng/],
]);
stateCases("ShiftNoise.forward", [
  ["not a Matrix", () => {
    const m = new ShiftNoise();
    return { call: () => m.forward([[1, 2]] as never), state: () => moduleState(m) };
  }, /ShiftNoise.*Matrix/],
  ["holdNoise with a draw of another width", () => {
    const m = new ShiftNoise();
    m.forward(Matrix.zeros(2, 3));
    m.holdNoise = true;
    return { call: () => m.forward(Matrix.zeros(2, 5)), state: () => [moduleState(m), Array.from(m.scale!.data)] };
  }, /ShiftNoise.*holdNoise is on but the held draw has 3 features and x has 5/],
], "ShiftNoise");

stateCases("lossAndGradient", [
  ["model null", () => ({ call: () => lossAndGradient(null as never, batch()), state: () => 0 }), /lossAndGradient: model must be a model \(a Module\), got null/],
  ["batch without y", () => {
    const m = net();
    return { call: () => lossAndGradient(m, { x: x() } as never), state: () => moduleState(m) };
  }, /lossAndGradient: batch.y must be an array/],
  ["batch.x not a Matrix", () => {
    const m = net();
    return { call: () => lossAndGradient(m, { x: [[1, 2, 3]], y: [0] } as never), state: () => moduleState(m) };
  }, /lossAndGradient: batch.x must be a Matrix/],
  ["one label for four rows", () => {
    const m = net();
    return { call: () => lossAndGradient(m, { x: x(), y: [0] }), state: () => moduleState(m) };
  }, /lossAndGradient: batch.y must hold one label per row of batch.x \(4\), got 1/],
  ["a loss that is not a loss", () => {
    const m = net();
    return { call: () => lossAndGradient(m, batch(), {} as never), state: () => moduleState(m) };
  }, /lossAndGradient: loss must be a loss such as new CrossEntropyLoss\(\)/],
]);
stateCases("probeAlongGradient", [
  ["stepSizes as a string", () => {
    const m = net();
    return { call: () => probeAlongGradient(m, batch(), "1" as never), state: () => moduleState(m) };
  }, /probeAlongGradient: stepSizes must be a non-empty list of numbers > 0, got the string "1"/],
  ["stepSizes [NaN]", () => {
    const m = net();
    return { call: () => probeAlongGradient(m, batch(), [NaN]), state: () => moduleState(m) };
  }, /probeAlongGradient: stepSizes must be a non-empty list of numbers > 0, got \[NaN\]/],
  ["stepSizes []", () => {
    const m = net();
    return { call: () => probeAlongGradient(m, batch(), []), state: () => moduleState(m) };
  }, /probeAlongGradient: stepSizes must be a non-empty list/],
  ["model null", () => ({ call: () => probeAlongGradient(null as never, batch(), [1]), state: () => 0 }), /probeAlongGradient: model must be a model/],
]);
stateCases("gradientIcs", [
  ["lr NaN", () => {
    const m = net();
    return { call: () => gradientIcs(m, batch(), NaN), state: () => moduleState(m) };
  }, /gradientIcs: lr .*must be .*> 0, got NaN/],
  ["lr as a string", () => {
    const m = net();
    return { call: () => gradientIcs(m, batch(), "0.1" as never), state: () => moduleState(m) };
  }, /gradientIcs: lr .*must be .*> 0, got the string "0.1"/],
  ["an unknown layer", () => {
    const m = net();
    return { call: () => gradientIcs(m, batch(), 0.1, ["nope"]), state: () => moduleState(m) };
  }, /gradientIcs: no parameter "nope" in the model; its parameters are 0.weight, 0.bias/],
  ["layers not a list", () => {
    const m = net();
    return { call: () => gradientIcs(m, batch(), 0.1, "0.weight" as never), state: () => moduleState(m) };
  }, /gradientIcs: layers must be an array/],
]);

const ebar = { name: "a", x: [1, 2], mean: [0.5, 0.6], error: [0.1, 0.1] };
cases("errorBarChart", [
  ["series not a list", () => errorBarChart(5 as never), /errorBarChart: series must be an array, got 5/],
  ["a series of different lengths", () => errorBarChart([{ ...ebar, mean: [1] }]), /errorBarChart: series "a" needs x, mean and error of the same length, got 2, 1, 2/],
  ["a series that is null", () => errorBarChart([null] as never), /errorBarChart: series\[0\] must be an object/],
  ["mean with a string", () => errorBarChart([{ ...ebar, mean: [1, "2"] as never }]), /errorBarChart: series\[0\].mean\[1\] must be a number/],
  ["a negative error bar", () => errorBarChart([{ ...ebar, error: [0.1, -0.1] }]), /errorBarChart: series\[0\].error\[1\] must be ≥ 0 \(the half-length of the bar\), got -0.1/],
  ["height -1", () => errorBarChart([ebar], { height: -1 }), /errorBarChart: height must be > 0/],
  ["yRange backwards", () => errorBarChart([ebar], { yRange: [1, 0] }), /errorBarChart: yRange must be \[low, high\] with low < high/],
]);
const band = { name: "a", x: [1, 2], low: [0, 1], high: [1, 2] };
cases("rangeBands", [
  ["bands null", () => rangeBands(null as never), /rangeBands: bands must be an array, got null/],
  ["low missing", () => rangeBands([{ name: "a", x: [1, 2], high: [1, 2] }] as never), /rangeBands: bands\[0\].low must be an array, got undefined/],
  ["lengths differ", () => rangeBands([{ ...band, high: [1] }]), /rangeBands: band "a" needs x, low, high \(and middle\) of the same length, got 2, 2, 1/],
  ["high below low", () => rangeBands([{ ...band, high: [1, 0] }]), /rangeBands: band "a" has high\[1\] = 0 below low\[1\] = 1/],
  ["height 0", () => rangeBands([band], { height: 0 }), /rangeBands: height must be > 0/],
]);
const frame = (label: string) => ({ label, series: [{ name: "s", x: [1, 2], y: [3, 4] }] });
cases("seriesSlider", [
  ["frames not a list", () => seriesSlider(5 as never), /seriesSlider: frames must be an array, got 5/],
  ["no frames", () => seriesSlider([]), /seriesSlider: no frames; pass at least one \{ label, series \}/],
  ["two frames with one label", () => seriesSlider([frame("a"), frame("a")]), /seriesSlider: frame labels must be unique, "a" comes twice/],
  ["a frame with another number of series", () => seriesSlider([frame("a"), { label: "b", series: [] }]), /seriesSlider: every frame must hold the same number of series: 1 \(as frame "a"\), frame "b" holds 0/],
  ["active out of range", () => seriesSlider([frame("a")], { active: 3 }), /seriesSlider: active must be an integer in \[0, 0\], got 3/],
  ["x and y of different lengths", () => seriesSlider([{ label: "a", series: [{ name: "s", x: [1], y: [3, 4] }] }]), /seriesSlider: .*has 1 x values and 2 y values/],
]);

// ---- whyBn: lesson 7's experiments name themselves "whyBn.…" and refuse a bad argument before they train ----
const run = { activation: "relu" as const, norm: "bn" as const, seed: 0, lr: 0.1, steps: 10 };
cases("whyBn.whyBnNet", [
  ["not an options object", () => whyBn.whyBnNet(5 as never), /whyBn.whyBnNet: options must be an object/],
  ["an unknown activation", () => whyBn.whyBnNet({ ...run, activation: "tanh" as never }), /whyBn.whyBnNet: activation must be one of "sigmoid", "relu", got the string "tanh"/],
  ["an unknown norm", () => whyBn.whyBnNet({ ...run, norm: "batch" as never }), /whyBn.whyBnNet: norm must be one of "none", "bn", "noisy", "ghost", got the string "batch"/],
  ["seed as a string", () => whyBn.whyBnNet({ ...run, seed: "0" as never }), /whyBn.whyBnNet: seed must be an integer/],
  ["sizes too short", () => whyBn.whyBnNet({ ...run, sizes: [196] }), /whyBn.whyBnNet: sizes must list at least 2 layer sizes/],
  ["a size 0", () => whyBn.whyBnNet({ ...run, sizes: [196, 0, 10] }), /whyBn.whyBnNet: sizes\[1\] must be an integer ≥ 1, got 0/],
  ["dropout 1", () => whyBn.whyBnNet({ ...run, dropout: 1 }), /whyBn.whyBnNet: dropout must be in \[0, 1\).*got 1/],
  ["ghost with virtualBatchSize 1", () => whyBn.whyBnNet({ ...run, norm: "ghost", virtualBatchSize: 1 }), /whyBn.whyBnNet: virtualBatchSize must be an integer ≥ 2, got 1/],
]);
cases("whyBn.activations", [["not a Sequential", () => whyBn.activations(null as never), /whyBn.activations: model must be a Sequential, got null/]]);
const seedsCases = (name: string, f: (seeds: never) => unknown): Array<[string, () => unknown, RegExp]> => [
  ["no seeds", () => f([] as never), new RegExp(`whyBn.${name}: seeds must be a non-empty list of integers`)],
  ["a seed 0.5", () => f([0.5] as never), new RegExp(`whyBn.${name}: seeds\\[0\\] must be an integer.*got 0.5`)],
  ["seeds as a number", () => f(3 as never), new RegExp(`whyBn.${name}: seeds must be an array, got 3`)],
];
cases("whyBn.noisyBnStudy", seedsCases("noisyBnStudy", (s) => whyBn.noisyBnStudy(s)));
cases("whyBn.learningRateStudy", seedsCases("learningRateStudy", (s) => whyBn.learningRateStudy(s)));
cases("whyBn.regularizationStudy", seedsCases("regularizationStudy", (s) => whyBn.regularizationStudy(s)));
cases("whyBn.scaleStudy", seedsCases("scaleStudy", (s) => whyBn.scaleStudy(s)));
cases("whyBn.landscapeStudy", [["an unknown activation", () => whyBn.landscapeStudy("tanh" as never), /whyBn.landscapeStudy: activation must be one of "sigmoid", "relu"/], ...seedsCases("landscapeStudy", (s) => whyBn.landscapeStudy("relu", s))]);
cases("whyBn.meanAndError", [
  ["no values", () => whyBn.meanAndError([]), /whyBn.meanAndError: values must be a non-empty list of numbers, got an array of length 0/],
  ["not a list", () => whyBn.meanAndError(5 as never), /whyBn.meanAndError: values must be an array, got 5/],
  ["a string among the values", () => whyBn.meanAndError([1, "2"] as never), /whyBn.meanAndError: values\[1\] must be a number, got the string "2"/],
]);
cases("whyBn.scaleInvariance", [
  ["no scales", () => whyBn.scaleInvariance([]), /whyBn.scaleInvariance: scales must be a non-empty list of numbers > 0/],
  ["a scale 0", () => whyBn.scaleInvariance([1, 0]), /whyBn.scaleInvariance: scales\[1\] must be > 0, got 0/],
  ["a scale NaN", () => whyBn.scaleInvariance([NaN]), /whyBn.scaleInvariance: scales\[0\] must be a finite number/],
]);
