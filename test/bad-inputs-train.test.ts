/**
 * Bad and edge inputs, part 3: datasets, the DataLoader, metrics, evaluate,
 * fit and mlp — with fit's promise that nothing changes before it throws.
 * See test/bad-inputs/battery.ts.
 */
import { describe, expect, it } from "vitest";
import {
  Adam, BatchNorm1d, CrossEntropyLoss, DataLoader, Dataset, Linear, Matrix, Module, ReLU, Rng, SGD, Sequential, Sigmoid, accuracy,
  evaluate, fit, loadMnist, mlp, nonIidBatches, percentile, percentiles, recordInputs, subset, twoSpirals,
} from "../src";
import { cases, copy, moduleState, NOT_COUNTS, optimizerState, stateCases } from "./bad-inputs/battery";
import { gaussianBlobs } from "./helpers/datasets";

const blobs = () => gaussianBlobs({ n: 60, centers: [[-3, 0], [3, 0], [0, 3]], seed: 0 });
const data = (x: Matrix, y: unknown[], numClasses = 3): Dataset => ({ x, y: y as number[], numClasses, name: "toy" });

cases("subset", [
  ["a row out of range", () => subset(blobs(), [0, 60]), /Matrix.selectRows: row 60 is out of range for \[60, 2\]/],
  ["indices not an array", () => subset(blobs(), 3 as unknown as number[]), /subset: indices must be an array, got 3/],
  ["not a dataset", () => subset([1, 2] as unknown as Dataset, [0]), /subset: dataset.x must be a Matrix \(rows are examples\), got undefined/],
  ["x and y disagree", () => subset(data(Matrix.zeros(3, 2), [0, 1]), [0]), /subset: dataset has 3 rows in x but 2 labels in y; expected one label per row/],
  ["a label out of range", () => subset(data(Matrix.zeros(2, 1), [0, 5]), [0]), /subset: dataset.y\[1\] must be an integer class index in \[0, 3\), got 5. There are 3 classes, numbered 0 … 2/],
  ["a negative label", () => subset(data(Matrix.zeros(2, 1), [0, -1]), [0]), /dataset.y\[1\] must be an integer class index in \[0, 3\), got -1/],
  ["a string label", () => subset(data(Matrix.zeros(1, 1), ["1"]), [0]), /dataset.y\[0\] must be an integer class index .*got the string "1". Labels must be numbers, not strings: convert them, e.g. labels.map\(Number\)/],
  ["a fractional label", () => subset(data(Matrix.zeros(1, 1), [0.5]), [0]), /dataset.y\[0\] .*got 0.5/],
  ["numClasses 0", () => subset(data(Matrix.zeros(0, 1), [], 0), []), /subset: dataset.numClasses must be an integer ≥ 1, got 0/],
  ["null", () => subset(null as unknown as Dataset, [0]), /subset: dataset must be a Dataset \{ x, y, numClasses, name \}/],
], "");
cases("DataLoader", [
  ["12 rows of x and 10 labels (PyTorch refuses)", () => new DataLoader(data(Matrix.zeros(12, 2), Array(10).fill(0)), { batchSize: 4 }), /DataLoader: dataset has 12 rows in x but 10 labels in y; expected one label per row \(PyTorch refuses this too\)/],
  ["10 rows of x and 12 labels", () => new DataLoader(data(Matrix.zeros(10, 2), Array(12).fill(0)), { batchSize: 4 }), /DataLoader: dataset has 10 rows in x but 12 labels in y/],
  ...NOT_COUNTS.map(([label, v]): [string, () => unknown, RegExp] => [`batchSize ${label}`, () => new DataLoader(blobs(), { batchSize: v as number }), /DataLoader: batchSize must be an integer ≥ 1/]),
  ["no options", () => new DataLoader(blobs(), undefined as never), /DataLoader: expected options with a batch size, e.g. new DataLoader\(data, \{ batchSize: 60 \}\), got undefined/],
  ["an empty dataset", () => new DataLoader(data(Matrix.zeros(0, 2), []), { batchSize: 2 }), /DataLoader: the dataset "toy" is empty; expected at least one example/],
  ["dropLast with a batch larger than the data", () => new DataLoader(blobs(), { batchSize: 61, dropLast: true }), /DataLoader: with dropLast, batchSize \(61\) must be at most the number of examples/],
  ["a label out of range", () => new DataLoader(data(Matrix.zeros(2, 1), [0, 3]), { batchSize: 1 }), /DataLoader: dataset.y\[1\] must be an integer class index in \[0, 3\), got 3/],
  ["one class per batch with a label out of range (was a bare TypeError)", () => new DataLoader(data(Matrix.zeros(2, 1), [0, 7]), { batchSize: 1, oneClassPerBatch: true }), /DataLoader: dataset.y\[1\] must be an integer class index in \[0, 3\), got 7/],
  ["string labels", () => new DataLoader(data(Matrix.zeros(2, 1), ["a", "b"]), { batchSize: 1 }), /DataLoader: dataset.y\[0\] .*got the string "a". Labels must be numbers/],
  ["shuffle as a string", () => new DataLoader(blobs(), { batchSize: 2, shuffle: "no" as unknown as boolean }), /DataLoader: shuffle must be true or false, got the string "no"/],
  ["seed NaN", () => new DataLoader(blobs(), { batchSize: 2, seed: NaN }), /DataLoader: seed must be a finite number, got NaN/],
  ["x not a Matrix", () => new DataLoader({ x: [[1]], y: [0], numClasses: 1, name: "raw" } as unknown as Dataset, { batchSize: 1 }), /DataLoader: dataset.x must be a Matrix \(rows are examples\), got an array/],
]);
cases("DataLoader.batch", [
  ["an index out of range", () => new DataLoader(blobs(), { batchSize: 2 }).batch([99]), /Matrix.selectRows: row 99 is out of range/],
  ["not an array", () => new DataLoader(blobs(), { batchSize: 2 }).batch(5 as unknown as number[]), /DataLoader.batch: indices must be an array of row indices, got 5/],
  ["epoch -1", () => new DataLoader(blobs(), { batchSize: 2 }).batchIndices(-1), /DataLoader.batchIndices: k \(the epoch\) must be an integer ≥ 0, got -1/],
], "");
cases("nonIidBatches", [
  ["batchSize 0", () => nonIidBatches(blobs(), { batchSize: 0 }), /DataLoader: batchSize must be an integer ≥ 1, got 0/],
  ["a label out of range", () => nonIidBatches(data(Matrix.zeros(2, 1), [0, 9]), { batchSize: 1 }), /dataset.y\[1\] must be an integer class index in \[0, 3\), got 9/],
  ["epoch NaN", () => nonIidBatches(blobs(), { batchSize: 2, epoch: NaN }), /nonIidBatches: epoch must be an integer ≥ 0, got NaN/],
  ["no options", () => nonIidBatches(blobs(), undefined as never), /batchSize must be an integer ≥ 1, got undefined/],
], "");
cases("loadMnist", [
  ["testFraction 1", () => loadMnist({ testFraction: 1 }), /loadMnist: testFraction must be in \(0, 1\), got 1/],
  ["testFraction and testSize", () => loadMnist({ testFraction: 0.2, testSize: 100 }), /loadMnist: give testFraction or testSize, not both/],
  ["trainSize 0", () => loadMnist({ trainSize: 0 }), /loadMnist: trainSize must be an integer in \[1, 9999\], got 0/],
  ["testSize 1.5", () => loadMnist({ testSize: 1.5 }), /loadMnist: testSize must be an integer in \[1, 9999\], got 1.5/],
  ["too many together", () => loadMnist({ trainSize: 9000, testSize: 2000 }), /loadMnist: trainSize \+ testSize must be at most 10000/],
  ["trainSize a string", () => loadMnist({ trainSize: "100" as unknown as number }), /loadMnist: trainSize must be a number, got the string "100"/],
  ["seed NaN", () => loadMnist({ seed: NaN }), /loadMnist: seed must be a finite number, got NaN/],
  ["normalize as a string", () => loadMnist({ normalize: "yes" as unknown as boolean }), /loadMnist: normalize must be true or false/],
  ["options a number", () => loadMnist(5 as never), /loadMnist: options must be an object of options/],
]);
cases("twoSpirals", [
  ...NOT_COUNTS.map(([label, v]): [string, () => unknown, RegExp] => [`n ${label}`, () => twoSpirals({ n: v as number }), /twoSpirals: n must be an integer ≥ 2/]),
  ["n 1", () => twoSpirals({ n: 1 }), /twoSpirals: n must be an integer ≥ 2, got 1/],
  ["n 1e12 (would never finish)", () => twoSpirals({ n: 1e12 }), /twoSpirals: n must be at most 10,000,000/],
  ["noise -1", () => twoSpirals({ noise: -1 }), /twoSpirals: noise must be a finite number ≥ 0, got -1/],
  ["turns Infinity", () => twoSpirals({ turns: Infinity }), /twoSpirals: turns must be a finite number ≥ 0, got Infinity/],
  ["seed an object", () => twoSpirals({ seed: {} as unknown as number }), /twoSpirals: seed must be a finite number/],
]);
cases("accuracy", [
  ["labels of another length", () => accuracy(Matrix.zeros(2, 3), [0]), /accuracy: expected 2 labels \(one per row of logits \[2, 3\]\), got 1/],
  ["logits as arrays", () => accuracy([[1, 0]] as unknown as Matrix, [0]), /accuracy: logits must be a Matrix/],
  ["labels not an array", () => accuracy(Matrix.zeros(1, 2), 0 as unknown as number[]), /accuracy: labels must be an array, got 0/],
]);
cases("percentile", [
  ["no values", () => percentile([], 50), /percentile: expected at least one value, got none/],
  ["p 101", () => percentile([1, 2], 101), /percentile: p must be in \[0, 100\], got 101/],
  ["p NaN", () => percentile([1, 2], NaN), /p must be in \[0, 100\], got NaN/],
  ["p a string", () => percentile([1, 2], "50" as unknown as number), /p must be in \[0, 100\], got the string "50"/],
  ["string values", () => percentile(["1", "2"] as unknown as number[], 50), /percentile: values\[0\] must be a number, got the string "1"/],
  ["values not an array", () => percentile(5 as unknown as number[], 50), /percentile: values must be an array, got 5/],
]);
cases("percentiles", [
  ["one bad p among several", () => percentiles([1, 2], [10, 200]), /percentiles: p must be in \[0, 100\], got 200 \(ps\[1\]\)/],
  ["ps not an array", () => percentiles([1, 2], 50 as unknown as number[]), /percentiles: ps must be an array, got 50/],
]);
describe("argmax and accuracy with NaN logits follow torch.argmax (a NaN is the largest)", () => {
  it("argmaxRows picks the first NaN; a row of −∞ gives 0", () => {
    expect(Matrix.fromArray([[1, NaN, 3], [-Infinity, -Infinity, -Infinity]]).argmaxRows()).toEqual([1, 0]);
    expect(accuracy(Matrix.fromArray([[NaN, 1]]), [1])).toBe(0);
  });
});
describe("percentile with NaN is NaN, like numpy.percentile", () => {
  it("any NaN among the values gives NaN for every p", () => {
    expect(percentile([1, NaN, 3], 50)).toBeNaN();
    expect(percentiles(Float64Array.of(NaN, 1), [0, 100]).every(Number.isNaN)).toBe(true);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([-Infinity, 0, Infinity], 50)).toBeNaN(); // numpy: nan too (0 + 0·∞)
  });
});
cases("recordInputs", [
  ["not a layer", () => recordInputs({} as Module), /recordInputs: layer must be a layer \(a Module\), e.g. model.at\(2\), got an object/],
  ["onInput not a function", () => recordInputs(new ReLU(), 5 as never), /recordInputs: onInput must be a function, got 5/],
]);
cases("evaluate", [
  ["not a model", () => evaluate({} as Module, blobs()), /evaluate: model must be a model \(a Module\), got an object/],
  ["batchSize 0", () => evaluate(mlp({ sizes: [2, 3] }), blobs(), { batchSize: 0 }), /evaluate: batchSize must be an integer ≥ 1, got 0/],
  ["an empty dataset", () => evaluate(mlp({ sizes: [2, 3] }), data(Matrix.zeros(0, 2), [])), /evaluate: the dataset "toy" is empty/],
  ["x and y disagree", () => evaluate(mlp({ sizes: [2, 3] }), data(Matrix.zeros(4, 2), [0])), /evaluate: dataset has 4 rows in x but 1 labels in y/],
  ["a loss without backward", () => evaluate(mlp({ sizes: [2, 3] }), blobs(), { loss: { forward: () => 0 } as never }), /evaluate: loss must be a loss such as new CrossEntropyLoss\(\)/],
  ["data of the wrong width", () => evaluate(mlp({ sizes: [3, 3] }), blobs()), /Linear\(3→3\).forward: expected shape \[batch, 3\], got \[60, 2\]/],
], "");
stateCases("evaluate", [
  ["a failing evaluation restores the training mode and the buffers", () => {
    const m = mlp({ sizes: [3, 4, 3], batchNorm: true });
    return { call: () => evaluate(m, blobs()), state: () => moduleState(m) };
  }, /expected shape \[batch, 3\], got \[60, 2\]/],
], "Linear");

// ---- fit: every argument checked before any state changes ----

const fitModel = () => mlp({ sizes: [2, 6, 3], batchNorm: true, seed: 1 });
const fitCase = (label: string, make: (model: Module) => () => unknown, message: RegExp, optimizer?: (m: Module) => SGD | Adam): [string, () => { call: () => unknown; state: () => unknown }, RegExp] => [
  label,
  () => {
    const model = fitModel();
    const opt = optimizer?.(model);
    const train = blobs();
    return {
      call: make(model),
      state: () => ({ model: moduleState(model), optimizer: opt ? optimizerState(opt) : null, x: Array.from(train.x.data) }),
    };
  },
  message,
];
stateCases("fit", [
  fitCase("record.unit out of range (once checked only after the first step)", (m) => () => fit(m, { train: blobs() }, { steps: 3, lr: 0.1, record: { layer: 2, unit: 99 } }), /fit: record.unit must be an integer in \[0, 6\) for the input of Sigmoid, got 99/),
  fitCase("record.unit -1", (m) => () => fit(m, { train: blobs() }, { steps: 3, lr: 0.1, record: { layer: 2, unit: -1 } }), /fit: record.unit must be an integer ≥ 0/),
  fitCase("record.percentiles with 150", (m) => () => fit(m, { train: blobs() }, { steps: 3, lr: 0.1, record: { layer: 2, percentiles: [50, 150] } }), /fit: record.percentiles\[1\] must be in \[0, 100\], got 150/),
  fitCase("record.every 0", (m) => () => fit(m, { train: blobs() }, { steps: 3, lr: 0.1, record: { layer: 2, every: 0 } }), /fit: record.every must be an integer ≥ 1, got 0/),
  fitCase("record.layer 9", (m) => () => fit(m, { train: blobs() }, { steps: 3, lr: 0.1, record: { layer: 9 } }), /fit: record.layer must be an index in \[0, 4\) of Sequential/),
  fitCase("record.layer not in the model", (m) => () => fit(m, { train: blobs() }, { steps: 3, lr: 0.1, record: { layer: new Sigmoid() } }), /fit: record.layer Sigmoid is not a layer of the model/),
  fitCase("record.layer a string", (m) => () => fit(m, { train: blobs() }, { steps: 3, lr: 0.1, record: { layer: "2" as unknown as number } }), /fit: record.layer must be a layer of the model \(a Module\) or its index in a Sequential, got the string "2"/),
  fitCase("labels out of range for the model's 3 outputs", (m) => () => fit(m, { train: { ...blobs(), numClasses: 5, y: blobs().y.map((v) => v + 2) } }, { steps: 3, lr: 0.1 }), /fit: data.train does not fit the model \(checked on its first examples, before training\): CrossEntropyLoss.forward: target \d is [34]/),
  fitCase("data of the wrong width", (m) => () => fit(m, { train: { ...blobs(), x: Matrix.zeros(60, 5) } }, { steps: 3, lr: 0.1 }), /fit: data.train does not fit the model .*Sequential layer 0: Linear\(2→6\).forward: expected shape \[batch, 2\], got \[2, 5\]/),
  fitCase("a test set of the wrong width", (m) => () => fit(m, { train: blobs(), test: { ...blobs(), x: Matrix.zeros(60, 3) } }, { steps: 3, lr: 0.1 }), /fit: data.test does not fit the model/),
  fitCase("x with 12 rows and 10 labels", (m) => () => fit(m, { train: data(Matrix.zeros(12, 2), Array(10).fill(0)) }, { steps: 3, lr: 0.1 }), /fit: data.train has 12 rows in x but 10 labels in y/),
  fitCase("string labels", (m) => () => fit(m, { train: data(Matrix.zeros(4, 2), ["0", "1", "2", "0"]) }, { steps: 3, lr: 0.1 }), /fit: data.train.y\[0\] must be an integer class index in \[0, 3\), got the string "0". Labels must be numbers/),
  fitCase("steps 0", (m) => () => fit(m, { train: blobs() }, { steps: 0, lr: 0.1 }), /fit: steps must be an integer ≥ 1, got 0/),
  fitCase("steps NaN", (m) => () => fit(m, { train: blobs() }, { steps: NaN, lr: 0.1 }), /fit: steps must be an integer ≥ 1, got NaN/),
  fitCase("epochs -1", (m) => () => fit(m, { train: blobs() }, { epochs: -1, lr: 0.1 }), /fit: epochs must be an integer ≥ 1, got -1/),
  fitCase("steps and epochs", (m) => () => fit(m, { train: blobs() }, { steps: 1, epochs: 1, lr: 0.1 }), /fit: give steps or epochs, not both/),
  fitCase("neither steps nor epochs", (m) => () => fit(m, { train: blobs() }, { lr: 0.1 }), /fit: say how long to train, e.g. \{ steps: 1000 \} or \{ epochs: 5 \}/),
  fitCase("lr -1", (m) => () => fit(m, { train: blobs() }, { steps: 1, lr: -1 }), /fit: lr must be ≥ 0 \(the learning rate of plain SGD, e.g. 0.1\), got -1/),
  fitCase("no optimizer and no lr", (m) => () => fit(m, { train: blobs() }, { steps: 1 }), /fit: give an optimizer/),
  fitCase("an optimizer of another model", (m) => () => fit(m, { train: blobs() }, { steps: 1, optimizer: new SGD(fitModel().parameters(), { lr: 0.1 }) }), /fit: the optimizer SGD\(lr=0.1\) updates parameters that are not this model's/),
  fitCase("an optimizer that is not one", (m) => () => fit(m, { train: blobs() }, { steps: 1, optimizer: { step() {}, zeroGrad() {} } as never }), /fit: optimizer must be an optimizer such as new SGD/),
  fitCase("batchSize 0", (m) => () => fit(m, { train: blobs() }, { steps: 1, lr: 0.1, batchSize: 0 }), /fit: batchSize must be an integer ≥ 1, got 0/),
  fitCase("batchSize larger than the data (dropLast)", (m) => () => fit(m, { train: blobs() }, { steps: 1, lr: 0.1, batchSize: 100 }), /fit: DataLoader: with dropLast, batchSize \(100\) must be at most the number of examples/),
  fitCase("evalEvery 0", (m) => () => fit(m, { train: blobs() }, { steps: 1, lr: 0.1, evalEvery: 0 }), /fit: evalEvery must be an integer ≥ 1, got 0/),
  fitCase("evalSize -5", (m) => () => fit(m, { train: blobs(), test: blobs() }, { steps: 1, lr: 0.1, evalSize: -5 }), /fit: evalSize must be an integer ≥ 1, got -5/),
  fitCase("onStep not a function", (m) => () => fit(m, { train: blobs() }, { steps: 1, lr: 0.1, onStep: "log" as never }), /fit: onStep must be a function, got the string "log"/),
  fitCase("loss without backward", (m) => () => fit(m, { train: blobs() }, { steps: 1, lr: 0.1, loss: {} as never }), /fit: loss must be a loss such as new CrossEntropyLoss\(\)/),
  fitCase("dropLast as a string", (m) => () => fit(m, { train: blobs() }, { steps: 1, lr: 0.1, dropLast: "true" as never }), /fit: dropLast must be true or false/),
  fitCase("seed NaN", (m) => () => fit(m, { train: blobs() }, { steps: 1, lr: 0.1, seed: NaN }), /fit: seed must be a finite number, got NaN/),
  fitCase("no options", (m) => () => fit(m, { train: blobs() }, undefined as never), /fit: say how long to train and how/),
  fitCase("data without train", (m) => () => fit(m, {} as never, { steps: 1, lr: 0.1 }), /fit: data.train must be a Dataset/),
  fitCase("the optimizer's state is untouched too (Adam)", (m) => () => fit(m, { train: blobs() }, { steps: 3, optimizer: new Adam(m.parameters()), record: { layer: 2, unit: 50 } }), /fit: record.unit must be an integer in \[0, 6\)/),
], "fit");
describe("fit: an optimizer whose state must stay put", () => {
  it("a refused fit leaves a used optimizer's moments and step count as they were", () => {
    const m = fitModel();
    const opt = new Adam(m.parameters(), { lr: 0.01 });
    fit(m, { train: blobs() }, { steps: 2, optimizer: opt });
    const before = copy({ o: optimizerState(opt), m: moduleState(m) });
    expect(() => fit(m, { train: blobs() }, { steps: 2, optimizer: opt, record: { layer: 2, unit: 99 } })).toThrow(/record.unit/);
    expect(copy({ o: optimizerState(opt), m: moduleState(m) })).toEqual(before);
  });
  it("the check run does not change what training computes (the same history as before the check existed: deterministic)", () => {
    const a = fit(fitModel(), { train: blobs() }, { steps: 5, lr: 0.1 });
    const b = fit(fitModel(), { train: blobs() }, { steps: 5, lr: 0.1 });
    expect(a.loss).toEqual(b.loss);
  });
  it("fit: not a model", () => {
    expect(() => fit({} as Module, { train: blobs() }, { steps: 1, lr: 0.1 })).toThrow(/fit: model must be a model \(a Module such as mlp\(\{ … \}\)\), got an object/);
  });
});
cases("mlp", [
  ["one size", () => mlp({ sizes: [4] }), /mlp: sizes must list at least 2 widths \(input … output\), integers ≥ 1, got \[4\]/],
  ["a zero width", () => mlp({ sizes: [4, 0, 2] }), /got \[4, 0, 2\]/],
  ["a string width", () => mlp({ sizes: [4, "8", 2] as unknown as number[] }), /got \[4, the string "8", 2\]/],
  ["no sizes", () => mlp({} as never), /mlp: sizes must list at least 2 widths .*got undefined/],
  ["no options", () => mlp(undefined as never), /mlp: expected options with the layer widths, e.g. mlp\(\{ sizes: \[784, 100, 10\] \}\), got undefined/],
  ["an unknown activation", () => mlp({ sizes: [2, 3, 2], activation: "gelu" as never }), /mlp: activation must be one of "sigmoid", "relu", "tanh", got the string "gelu"/],
  ["an unknown activation without hidden layers", () => mlp({ sizes: [2, 2], activation: "swish" as never }), /mlp: activation must be/],
  ["an unknown norm", () => mlp({ sizes: [2, 3, 2], norm: "instance" as never }), /mlp: norm must be one of "batch", "layer", "group", "renorm", "none", got the string "instance"/],
  ["batchNorm contradicting norm", () => mlp({ sizes: [2, 3, 2], batchNorm: true, norm: "layer" }), /mlp: batchNorm: true contradicts norm: "layer"/],
  ["groups 0", () => mlp({ sizes: [2, 4, 2], norm: "group", groups: 0 }), /mlp: groups must be an integer ≥ 1, got 0/],
  ["groups that do not divide", () => mlp({ sizes: [2, 4, 2], norm: "group", groups: 3 }), /GroupNorm: numChannels \(4\) must be divisible by numGroups \(3\)/],
  ["huge widths", () => mlp({ sizes: [1e6, 1e6] }), /Linear\(1000000→1000000\): too large: it would need 16 TB/],
  ["seed NaN", () => mlp({ sizes: [2, 2], seed: NaN }), /mlp: seed must be a finite number, got NaN/],
  ["bias as a string", () => mlp({ sizes: [2, 2], bias: "no" as never }), /mlp: bias must be true or false/],
], "");

describe("edge batches that are fine: single examples and empty batches where PyTorch allows them", () => {
  it("Linear, LayerNorm, ReLU and an eval-mode BatchNorm1d take a batch of one; Linear takes an empty batch", () => {
    const x1 = Matrix.row([1, 2, 3, 4]);
    expect(new Linear(4, 2).forward(x1).shape).toEqual([1, 2]);
    expect(new BatchNorm1d(4).eval().forward(x1).shape).toEqual([1, 4]);
    expect(new Linear(4, 2).forward(Matrix.zeros(0, 4)).shape).toEqual([0, 2]);
    const net = new Sequential(new Linear(4, 3), new ReLU());
    expect(net.forward(Matrix.zeros(0, 4)).shape).toEqual([0, 3]);
  });
  it("accuracy of an empty batch is 0 and CrossEntropyLoss refuses it (PyTorch: NaN)", () => {
    expect(accuracy(Matrix.zeros(0, 3), [])).toBe(0);
    expect(() => new CrossEntropyLoss().forward(Matrix.zeros(0, 3), [])).toThrow(/The batch is empty/);
  });
  it("a DataLoader over one example gives one batch of one", () => {
    const loader = new DataLoader(data(Matrix.zeros(1, 2), [1]), { batchSize: 4 });
    expect([...loader].map((b) => b.y)).toEqual([[1]]);
  });
  it("fit on a one-row batch with BatchNorm1d fails before any step, naming the layer", () => {
    const m = fitModel();
    const before = copy(moduleState(m));
    expect(() => fit(m, { train: blobs() }, { steps: 1, lr: 0.1, batchSize: 1 })).toThrow(/BatchNorm1d\(6.*expected more than 1 value per feature when training, got a batch of 1/);
    // the first training forward is where a batch of one is refused: BatchNorm1d throws before it updates anything
    expect(copy(moduleState(m))).toEqual(before);
  });
});
new Rng(0); // (Rng is covered in bad-inputs-tensor.test.ts)
