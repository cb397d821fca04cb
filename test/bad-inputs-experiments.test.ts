/**
 * Bad and edge inputs, part 5: the experiments behind the lessons (one
 * namespace per lesson). Each refuses a bad argument, naming itself as
 * "lesson.function", before it loads data or trains.
 */
import { Dataset, Linear, Matrix, Sequential, capstone, evalMode, gammaBeta, normalizing, runningAverages, smallBatches } from "../src";
import { cases } from "./bad-inputs/battery";

const z = () => Matrix.fromArray([[1, 2, 3], [2, 3, 5], [0, 1, 1]]);
const toy: Dataset = { x: Matrix.zeros(4, 784), y: [0, 1, 2, 3], numClasses: 10, name: "toy" };
const net = () => new Sequential(new Linear(3, 2));

cases("normalizing.mnistBatch", [
  ["n -1", () => normalizing.mnistBatch(-1), /normalizing.mnistBatch: n must be an integer in \[1, 4000\], got -1/],
  ["n 5000", () => normalizing.mnistBatch(5000), /got 5000. the lesson's training split holds 4000 digits/],
  ["n NaN", () => normalizing.mnistBatch(NaN), /got NaN/],
]);
cases("normalizing.hiddenPreactivations", [["n 0", () => normalizing.hiddenPreactivations(0), /normalizing.hiddenPreactivations: n must be an integer in \[2, 4000\], got 0/]]);
cases("normalizing.columnStats", [
  ["no rows", () => normalizing.columnStats(Matrix.zeros(0, 3)), /normalizing.columnStats: x must have at least one row, got \[0, 3\]/],
  ["not a Matrix", () => normalizing.columnStats(null as never), /normalizing.columnStats: x must be a Matrix, got null/],
]);
cases("normalizing.normalizeRows", [
  ["eps -1", () => normalizing.normalizeRows(z(), -1), /normalizing.normalizeRows: eps must be ≥ 0, got -1/],
  ["eps missing", () => normalizing.normalizeRows(z(), undefined as never), /normalizing.normalizeRows: eps must be a finite number ≥ 0, got undefined/],
]);
cases("normalizing.spreadUnits", [
  ["count -1 (once an empty answer)", () => normalizing.spreadUnits(z(), -1), /normalizing.spreadUnits: count must be an integer in \[2, 3\], got -1/],
  ["count 1 (once a division by zero)", () => normalizing.spreadUnits(z(), 1), /count must be an integer in \[2, 3\], got 1/],
  ["more units than z has", () => normalizing.spreadUnits(z(), 10), /got 10. between 2 and the 3 units of z/],
]);
cases("normalizing.stagesFigure", [
  ["a unit out of range", () => normalizing.stagesFigure(z(), [0, 7]), /normalizing.stagesFigure: units\[1\] must be an integer in \[0, 2\], got 7/],
  ["a batch of one", () => normalizing.stagesFigure(Matrix.zeros(1, 3), [0]), /normalizing.stagesFigure: z must have at least 2 rows/],
  ["eps NaN", () => normalizing.stagesFigure(z(), [0], NaN), /normalizing.stagesFigure: eps must be a finite number/],
]);
cases("normalizing.withGammaBeta", [["not a function", () => normalizing.withGammaBeta(null as never), /normalizing.withGammaBeta: normalizeBackward must be a function, got null/]]);

cases("runningAverages.batchNormLayers", [["not a model", () => runningAverages.batchNormLayers({} as never), /runningAverages.batchNormLayers: model must be a model \(a Module\), got an object/]]);
cases("runningAverages.stepsToForget", [
  ["momentum 0 (once -Infinity)", () => runningAverages.stepsToForget(0), /runningAverages.stepsToForget: momentum must be in \(0, 1\].*got 0/],
  ["momentum -1 (once -6)", () => runningAverages.stepsToForget(-1), /momentum must be in \(0, 1\].*got -1/],
  ["fraction 2", () => runningAverages.stepsToForget(0.1, 2), /runningAverages.stepsToForget: fraction must be in \(0, 1\), got 2/],
]);
cases("runningAverages.mnistFeatures", [["width 0", () => runningAverages.mnistFeatures({ width: 0 }), /runningAverages.mnistFeatures: width must be an integer ≥ 1, got 0/]]);
cases("runningAverages.convergenceRun", [
  ["steps 0", () => runningAverages.convergenceRun({ momentum: 0.1, steps: 0 }), /runningAverages.convergenceRun: steps must be an integer ≥ 1, got 0/],
  ["momentum 2", () => runningAverages.convergenceRun({ momentum: 2 }), /runningAverages.convergenceRun: momentum must be in \[0, 1\]/],
  ["no options", () => runningAverages.convergenceRun(undefined as never), /runningAverages.convergenceRun: expected options/],
]);
cases("runningAverages.predictedError", [
  ["batchSize 0", () => runningAverages.predictedError(0.1, 1, 1, 0), /runningAverages.predictedError: batchSize must be an integer ≥ 1, got 0/],
  ["t -1", () => runningAverages.predictedError(0.1, -1, 1, 8), /runningAverages.predictedError: t must be an integer ≥ 0, got -1/],
  ["momentum NaN", () => runningAverages.predictedError(NaN, 1, 1, 8), /runningAverages.predictedError: momentum must be a finite number/],
]);
cases("runningAverages.noiseFloor", [
  ["momentum 3 (once NaN)", () => runningAverages.noiseFloor(3, 8), /runningAverages.noiseFloor: momentum must be in \[0, 1\]/],
  ["batchSize 0", () => runningAverages.noiseFloor(0.1, 0), /runningAverages.noiseFloor: batchSize must be an integer ≥ 1, got 0/],
]);
cases("runningAverages.meanOver", [
  ["from beyond the values (once NaN)", () => runningAverages.meanOver([1, 2], 5, 6), /runningAverages.meanOver: from must be an integer in \[0, 1\], got 5/],
  ["to before from", () => runningAverages.meanOver([1, 2, 3], 2, 1), /runningAverages.meanOver: to must be an integer in \[2, 2\], got 1. to is inclusive and at least from/],
  ["strings", () => runningAverages.meanOver(["1"] as never, 0, 0), /runningAverages.meanOver: values\[0\] must be a number/],
]);
cases("runningAverages.trainBnMlp", [["steps -5", () => runningAverages.trainBnMlp({ steps: -5 }), /trainBnMlp: steps must be an integer ≥ 1, got -5/]], "trainBnMlp");
cases("runningAverages.calibrateBatchNorm", [
  ["not a dataset", () => runningAverages.calibrateBatchNorm(net(), [] as never), /runningAverages.calibrateBatchNorm: data.x must be a Matrix/],
  ["batchSize 0", () => runningAverages.calibrateBatchNorm(net(), toy, { batchSize: 0 }), /runningAverages.calibrateBatchNorm: batchSize must be an integer ≥ 1, got 0/],
]);

cases("evalMode.withStateRestored", [
  ["no model (once a bare TypeError)", () => evalMode.withStateRestored(null as never, () => 1), /evalMode.withStateRestored: model must be a model \(a Module\), got null/],
  ["fn not a function", () => evalMode.withStateRestored(net(), 5 as never), /evalMode.withStateRestored: fn must be a function, got 5/],
]);
cases("evalMode.findUnsureExample", [
  ["high below low", () => evalMode.findUnsureExample(net(), toy, 0.9, 0.5), /evalMode.findUnsureExample: high must be in \[0.9, 1\].*got 0.5/],
  ["not a dataset", () => evalMode.findUnsureExample(net(), {} as never), /evalMode.findUnsureExample: test.x must be a Matrix/],
]);
cases("evalMode.batchDependence", [
  ["index out of range", () => evalMode.batchDependence(net(), toy, { index: 10 }), /evalMode.batchDependence: index must be an integer in \[0, 3\], got 10/],
  ["no options", () => evalMode.batchDependence(net(), toy, undefined as never), /evalMode.batchDependence: expected options \{ index, … \}, got undefined/],
  ["trials 0", () => evalMode.batchDependence(net(), toy, { index: 0, trials: 0 }), /evalMode.batchDependence: trials must be an integer ≥ 1, got 0/],
]);
cases("evalMode.accuracyByBatchSize", [["a batch size of 1 in training mode", () => evalMode.accuracyByBatchSize(net(), toy, [1]), /evalMode.accuracyByBatchSize: batchSizes\[0\] must be an integer ≥ 2, got 1/]]);
cases("evalMode.trainModeAccuracy", [["batchSize 0", () => evalMode.trainModeAccuracy(net(), toy, 0), /evalMode.trainModeAccuracy: batchSize must be an integer ≥ 2, got 0. batch norm needs at least 2 examples/]]);
cases("evalMode.trainBnMlp", [["momentum 5", () => evalMode.trainBnMlp({ momentum: 5 }), /trainBnMlp: momentum must be in \[0, 1\]/]], "trainBnMlp");

cases("smallBatches.poolDigits", [["not digits", () => smallBatches.poolDigits({ ...toy, x: Matrix.zeros(4, 3) }), /smallBatches.poolDigits: expected MNIST digits \(784 columns\), got x of shape \[4, 3\]/]]);
cases("smallBatches.firstLayerFeatures", [["seed NaN", () => smallBatches.firstLayerFeatures(NaN), /smallBatches.firstLayerFeatures: seed must be a finite number, got NaN/]]);
cases("smallBatches.batchStatNoise", [
  ["a batch size larger than the features", () => smallBatches.batchStatNoise(z(), { batchSizes: [2, 10] }), /smallBatches.batchStatNoise: batchSizes\[1\] must be an integer in \[1, 3\], got 10/],
  ["batches 0", () => smallBatches.batchStatNoise(z(), { batches: 0 }), /smallBatches.batchStatNoise: batches must be an integer ≥ 1, got 0/],
]);
cases("smallBatches.makeModel", [["an unknown norm", () => smallBatches.makeModel("instance" as never), /smallBatches.makeModel: norm must be one of "batch", "renorm", "group", "layer", "none", got the string "instance"/]]);
cases("smallBatches.learningRate", [
  ["batchSize 0 (once a learning rate of 0)", () => smallBatches.learningRate(0), /smallBatches.learningRate: batchSize must be an integer ≥ 1, got 0/],
  ["batchSize -4 (once NaN)", () => smallBatches.learningRate(-4), /got -4/],
]);
cases("smallBatches.batchSizeSweep", [
  ["a batch size of 0", () => smallBatches.batchSizeSweep({ batchSizes: [0] }), /smallBatches.batchSizeSweep: batchSizes\[0\] must be an integer ≥ 1, got 0/],
  ["an unknown method", () => smallBatches.batchSizeSweep({ methods: ["x" as never] }), /smallBatches.batchSizeSweep: methods\[0\] must be one of/],
]);
cases("smallBatches.trainModeAccuracy", [["batchSize NaN", () => smallBatches.trainModeAccuracy(net(), toy, NaN), /smallBatches.trainModeAccuracy: batchSize must be an integer ≥ 1, got NaN/]]);
cases("smallBatches.nonIidComparison", [
  ["batchSize 0", () => smallBatches.nonIidComparison({ batchSize: 0 }), /smallBatches.nonIidComparison: batchSize must be an integer ≥ 1, got 0/],
  ["lr -1", () => smallBatches.nonIidComparison({ lr: -1 }), /smallBatches.nonIidComparison: lr must be ≥ 0, got -1/],
]);

cases("gammaBeta.sigmoidRegions", [
  ["null (once a bare TypeError)", () => gammaBeta.sigmoidRegions(null as never), /gammaBeta.sigmoidRegions: u must be an array, got null/],
  ["no values (once NaN fractions)", () => gammaBeta.sigmoidRegions([]), /gammaBeta.sigmoidRegions: u must hold at least one value/],
]);
cases("gammaBeta.sigmoidFigure", [["no settings", () => gammaBeta.sigmoidFigure([0, 1], []), /gammaBeta.sigmoidFigure: settings must list at least one \{ gamma, beta \}/]]);
cases("gammaBeta.trainBnSigmoid", [["steps 0", () => gammaBeta.trainBnSigmoid({ steps: 0 }), /gammaBeta.trainBnSigmoid: steps must be an integer ≥ 1, got 0/]]);
cases("gammaBeta.bnLayers", [["not a Sequential", () => gammaBeta.bnLayers(new Linear(2, 2) as never), /gammaBeta.bnLayers: model must be a Sequential, got a Linear/]]);
cases("gammaBeta.sigmoidInputs", [["n larger than the data", () => gammaBeta.sigmoidInputs(net(), z(), 600), /gammaBeta.sigmoidInputs: n must be an integer in \[2, 3\], got 600/]]);
cases("gammaBeta.biasBeforeBn", [
  ["out 0", () => gammaBeta.biasBeforeBn(z(), 0, [1]), /gammaBeta.biasBeforeBn: out must be an integer ≥ 1, got 0/],
  ["a NaN scale", () => gammaBeta.biasBeforeBn(z(), 2, [NaN]), /gammaBeta.biasBeforeBn: scales\[0\] must be a finite number, got NaN/],
]);

cases("capstone.figure1Net", [
  ["batchNorm as a string", () => capstone.figure1Net("yes" as never), /capstone.figure1Net: batchNorm must be true or false, got the string "yes"/],
  ["a negative width (once a bare 'got undefined')", () => capstone.figure1Net(true, { sizes: [-1] }), /capstone.figure1Net: sizes must list at least 2 widths, integers ≥ 1, got an array of length 1/],
  ["initStd -1", () => capstone.figure1Net(true, { initStd: -1 }), /normalInit: std must be ≥ 0, got -1/],
], "");
cases("capstone.figure1Run", [
  ["no options", () => capstone.figure1Run(undefined as never), /capstone.figure1Run: expected options \{ batchNorm: true or false, steps\?, … \}, got undefined/],
  ["steps 0", () => capstone.figure1Run({ batchNorm: true, steps: 0 }), /capstone.figure1Run: steps must be an integer ≥ 1, got 0/],
]);
cases("capstone.stepsToTarget", [
  ["null history (once a bare TypeError)", () => capstone.stepsToTarget(null as never, 0.9), /capstone.stepsToTarget: history must be what fit returned/],
  ["target 90 (percent instead of a fraction)", () => capstone.stepsToTarget({ eval: { step: [], testAccuracy: [] } } as never, 90), /capstone.stepsToTarget: target must be in \[0, 1\] \(a test accuracy, e.g. 0.9\), got 90/],
]);
cases("capstone.percentileDrift", [
  ["a history without percentiles", () => capstone.percentileDrift({} as never), /capstone.percentileDrift: the history has no recorded percentiles/],
  ["null", () => capstone.percentileDrift(null as never), /capstone.percentileDrift: history must be what fit returned, got null/],
]);
cases("capstone.initScaleSweep", [["a NaN scale", () => capstone.initScaleSweep({ scales: [NaN] }), /capstone.initScaleSweep: scales\[0\] must be a finite number, got NaN/]]);
cases("capstone.learningRateSweep", [["steps 0", () => capstone.learningRateSweep({ steps: 0 }), /capstone.learningRateSweep: steps must be an integer ≥ 1, got 0/]]);
cases("capstone.bestPerRate", [
  ["null (once a bare TypeError)", () => capstone.bestPerRate(null as never), /capstone.bestPerRate: grid must be an array, got null/],
  ["an empty grid", () => capstone.bestPerRate([]), /capstone.bestPerRate: grid must have at least one row/],
  ["ragged rows", () => capstone.bestPerRate([[1, 2], [1]]), /capstone.bestPerRate: grid\[1\] has 1 values, grid\[0\] has 2/],
]);
cases("capstone.checkStepsToTarget", [["(a checker: it reports a wrong answer instead of throwing; a non-function is reported the same way)", () => { const r = capstone.checkStepsToTarget(5 as never); if (!r.ok) throw new Error(`capstone.checkStepsToTarget reported: ${r.message}`); }, /capstone.checkStepsToTarget reported: Pass your function itself to the checker, e.g. check.stepsToTarget\(stepsToTarget\); got (5|number)/]]);
cases("capstone.checkBnNet", [["(a checker: a non-function is reported, not thrown)", () => { const r = capstone.checkBnNet(5 as never); if (!r.ok) throw new Error(`capstone.checkBnNet reported: ${r.message}`); }, /capstone.checkBnNet reported: Pass your function itself to the checker, e.g. check.bnNet\(bnNet\); got (5|number)/]]);
