/**
 * Bad and edge inputs, part 2: layers, losses, optimizers, gradient checks and
 * state files. See test/bad-inputs/battery.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import {
  Adam, BatchNorm1d, BatchRenorm1d, CrossEntropyLoss, Dropout, GroupNorm, LayerNorm, Linear, Matrix, MSELoss, Module, Parameter, ReLU, Rng,
  SGD, Sequential, Sigmoid, Tanh, formatGradcheck, gradcheck, gradcheckModule, loadState, loadStateFile, logSoftmax, mlp, numericalGradient,
  relativeError, renormSchedule, saveState, saveStateFile, sigmoid, softmax,
} from "../src";
import { cases, copy, moduleState, NOT_COUNTS, NOT_FINITE, optimizerState, stateCases } from "./bad-inputs/battery";

const x4 = () => new Matrix(3, 4, new Rng(1).normalArray(12));
const wrong = () => Matrix.zeros(3, 5);

// ---- constructors ----

const sizeCases = (name: string, make: (v: number) => unknown, what: string): Array<[string, () => unknown, RegExp]> =>
  NOT_COUNTS.map(([label, v]) => [`${what} ${label}`, () => make(v as number), new RegExp(`${name}: ${what}.* must be an integer ≥ 1`)]);
const epsCases = (name: string, make: (eps: number) => unknown): Array<[string, () => unknown, RegExp]> => [
  ["eps -1e-5", () => make(-1e-5), new RegExp(`${name}: eps must be ≥ 0 \\(typically 1e-5\\), got -0.00001`)],
  ...NOT_FINITE.map(([label, v]): [string, () => unknown, RegExp] => [`eps ${label}`, () => make(v as number), new RegExp(`${name}: eps must be a (finite )?number`)]),
];

cases("Linear", [
  ...sizeCases("Linear", (v) => new Linear(v, 2), "inFeatures"),
  ...sizeCases("Linear", (v) => new Linear(2, v), "outFeatures"),
  ["huge: Linear(1e6, 1e6)", () => new Linear(1e6, 1e6), /Linear\(1000000→1000000\): too large: it would need 16 TB for its weight \[1000000, 1000000\], bias \[1, 1000000\] and their gradients/],
  ["huge: Linear(2**20, 2**13)", () => new Linear(2 ** 20, 2 ** 13), /Linear\(1048576→8192\): too large: it would need 137 GB/],
  ["bias as a string", () => new Linear(2, 2, { bias: "no" as unknown as boolean }), /Linear: bias must be true or false, got the string "no"/],
  ["an unknown init", () => new Linear(2, 2, { init: "xavier" as never }), /Linear: init must be one of normalInit\(std\), xavierInit\(\)/],
  ["rng not an Rng", () => new Linear(2, 2, { rng: 7 as unknown as Rng }), /Linear: rng must be an Rng/],
  ["options not an object", () => new Linear(2, 2, 5 as never), /Linear: options must be an object of options/],
]);
cases("BatchNorm1d", [
  ...sizeCases("BatchNorm1d", (v) => new BatchNorm1d(v), "numFeatures"),
  ...epsCases("BatchNorm1d", (eps) => new BatchNorm1d(4, { eps })),
  ["huge: 2**40 features", () => new BatchNorm1d(2 ** 40), /BatchNorm1d\(1099511627776\): too large: it would need 52.8 TB for its weight \[1, 1099511627776\], bias .*running_mean .*running_var/],
  ["momentum 1.5", () => new BatchNorm1d(4, { momentum: 1.5 }), /BatchNorm1d: momentum must be in \[0, 1\] \(the weight of the new batch, PyTorch's convention: 0.1\) or null, got 1.5/],
  ["momentum 0.9 as a string", () => new BatchNorm1d(4, { momentum: "0.9" as unknown as number }), /momentum must be in \[0, 1\].*got the string "0.9"/],
  ["momentum NaN", () => new BatchNorm1d(4, { momentum: NaN }), /momentum must be in \[0, 1\].*got NaN/],
  ["affine as 1", () => new BatchNorm1d(4, { affine: 1 as unknown as boolean }), /BatchNorm1d: affine must be true or false, got 1/],
  ["trackRunningStats as a string", () => new BatchNorm1d(4, { trackRunningStats: "false" as unknown as boolean }), /BatchNorm1d: trackRunningStats must be true or false, got the string "false"/],
]);
cases("LayerNorm", [
  ...sizeCases("LayerNorm", (v) => new LayerNorm(v), "normalizedShape"),
  ...epsCases("LayerNorm", (eps) => new LayerNorm(4, { eps })),
  ["huge", () => new LayerNorm(2 ** 40), /LayerNorm\(1099511627776\): too large/],
  ["elementwiseAffine as a string", () => new LayerNorm(4, { elementwiseAffine: "yes" as unknown as boolean }), /LayerNorm: elementwiseAffine must be true or false/],
]);
cases("GroupNorm", [
  ...sizeCases("GroupNorm", (v) => new GroupNorm(v, 4), "numGroups"),
  ...sizeCases("GroupNorm", (v) => new GroupNorm(1, v), "numChannels"),
  ...epsCases("GroupNorm", (eps) => new GroupNorm(2, 4, { eps })),
  ["channels not divisible", () => new GroupNorm(3, 4), /GroupNorm: numChannels \(4\) must be divisible by numGroups \(3\); choose numGroups among the divisors of 4: 1, 2, 4/],
  ["huge (and prime-ish): the divisors are listed quickly", () => new GroupNorm(7, 2 ** 40), /GroupNorm: numChannels \(1099511627776\) must be divisible by numGroups \(7\)/],
  ["huge", () => new GroupNorm(1, 2 ** 40), /GroupNorm\(1, 1099511627776\): too large/],
]);
cases("BatchRenorm1d", [
  ...sizeCases("BatchRenorm1d", (v) => new BatchRenorm1d(v), "numFeatures"),
  ...epsCases("BatchRenorm1d", (eps) => new BatchRenorm1d(4, { eps })),
  ["rmax 0.5", () => new BatchRenorm1d(4, { rmax: 0.5 }), /BatchRenorm1d: rmax must be ≥ 1 \(1 = no r correction; the paper relaxes it to 3\), got 0.5/],
  ["dmax -1", () => new BatchRenorm1d(4, { dmax: -1 }), /BatchRenorm1d: dmax must be ≥ 0/],
  ["rmax a string", () => new BatchRenorm1d(4, { rmax: "3" as unknown as number }), /BatchRenorm1d: rmax \(a number ≥ 1 or a schedule step => number\) must be a function, got the string "3"/],
  ["momentum 2", () => new BatchRenorm1d(4, { momentum: 2 }), /BatchRenorm1d: momentum must be in \[0, 1\]/],
  ["huge", () => new BatchRenorm1d(2 ** 40), /BatchRenorm1d\(1099511627776\): too large/],
  ["a schedule that returns rmax < 1 is caught when used", () => new BatchRenorm1d(2, { rmax: () => 0 }).train().forward(x4().sliceCols(0, 2)), /BatchRenorm1d: rmax \(the schedule at step 0\) must be ≥ 1/],
]);
cases("renormSchedule", [
  ["warmupSteps -1", () => renormSchedule({ warmupSteps: -1 }), /renormSchedule: warmupSteps must be ≥ 0, got -1/],
  ["rampSteps NaN", () => renormSchedule({ rampSteps: NaN }), /renormSchedule: rampSteps must be a finite number/],
  ["rmaxFinal 0.5", () => renormSchedule({ rmaxFinal: 0.5 }), /renormSchedule: rmaxFinal must be ≥ 1, got 0.5/],
  ["dmaxFinal Infinity", () => renormSchedule({ dmaxFinal: Infinity }), /renormSchedule: dmaxFinal must be a finite number/],
], "renormSchedule");
cases("Dropout", [
  ["p 1", () => new Dropout(1), /Dropout: p \(the probability of zeroing an entry\) must be in \[0, 1\), got 1/],
  ["p -0.1", () => new Dropout(-0.1), /must be in \[0, 1\), got -0.1/],
  ["p NaN", () => new Dropout(NaN), /must be in \[0, 1\), got NaN/],
  ["p a string", () => new Dropout("0.5" as unknown as number), /must be in \[0, 1\), got the string "0.5"/],
  ["rng not an Rng", () => new Dropout(0.5, { rng: {} as Rng }), /Dropout: rng must be an Rng/],
]);
cases("Sequential", [
  ["an array of layers", () => new Sequential([new ReLU()] as unknown as Module), /Sequential: layer 0 must be a layer \(a Module\) \(spread an array of layers: new Sequential\(...layers\)\), got an array/],
  ["a class instead of an instance", () => new Sequential(ReLU as unknown as Module), /Sequential: layer 0 must be a layer .*got a function/],
  ["undefined among the layers", () => new Sequential(new ReLU(), undefined as unknown as Module), /Sequential: layer 1 must be a layer/],
  ["at(NaN)", () => new Sequential(new ReLU()).at(NaN), /Sequential: no layer NaN \(it has 1\); at\(i\) takes an index in \[0, 1\)/],
  ["at(-1)", () => new Sequential(new ReLU()).at(-1), /Sequential: no layer -1/],
]);

// ---- forward and backward: shapes, types, empty and single batches ----

const layers = (): Array<[string, Module]> => [
  ["Linear", new Linear(4, 2)],
  ["BatchNorm1d", new BatchNorm1d(4)],
  ["LayerNorm", new LayerNorm(4)],
  ["GroupNorm", new GroupNorm(2, 4)],
  ["BatchRenorm1d", new BatchRenorm1d(4)],
];
for (const [name] of layers()) {
  const make = () => layers().find(([n]) => n === name)![1];
  cases(`${name}.forward`, [
    ["5 features for 4", () => make().forward(wrong()), /\.forward: expected shape \[batch, 4\], got \[3, 5\]. Rows are examples and columns are features/],
    ["a nested array", () => make().forward([[1, 2, 3, 4]] as unknown as Matrix), /\.forward: x must be a Matrix, got an array of length 1: wrap nested arrays with Matrix.fromArray/],
    ["a Float64Array", () => make().forward(new Float64Array(4) as unknown as Matrix), /\.forward: x must be a Matrix, got a Float64Array/],
    ["undefined", () => make().forward(undefined as unknown as Matrix), /\.forward: x must be a Matrix, got undefined/],
  ], name);
  cases(`${name}.backward`, [
    ["before forward", () => make().backward(Matrix.zeros(3, 4)), /\.backward: call forward\(\) before backward\(\)/],
    ["dy of the wrong shape", () => { const l = make(); l.forward(x4()); return l.backward(Matrix.zeros(2, 2)); }, /\.backward: expected shape dy of shape \[3, \d\] \(the output's shape\), got \[2, 2\]/],
    ["dy not a Matrix", () => { const l = make(); l.forward(x4()); return l.backward([[0]] as unknown as Matrix); }, /\.backward: dy must be a Matrix/],
  ], name);
}
const activationCases = (name: string, make: () => Module): Array<[string, () => unknown, RegExp]> => [
  ["forward of a nested array", () => make().forward([[1]] as unknown as Matrix), new RegExp(`${name}.*\\.forward: x must be a Matrix`)],
  ["forward of null", () => make().forward(null as unknown as Matrix), /\.forward: x must be a Matrix, got null/],
  ["backward before forward", () => make().backward(Matrix.zeros(1, 1)), /\.backward: call forward\(\) before backward\(\)/],
  ["backward of the wrong shape", () => { const l = make(); l.forward(x4()); return l.backward(Matrix.zeros(1, 1)); }, /\.backward: expected shape dy of shape \[3, 4\]/],
];
cases("ReLU.forward/backward", activationCases("ReLU", () => new ReLU()), "ReLU");
cases("Sigmoid.forward/backward", activationCases("Sigmoid", () => new Sigmoid()), "Sigmoid");
cases("Tanh.forward/backward", activationCases("Tanh", () => new Tanh()), "Tanh");
cases("Dropout.forward/backward", activationCases("Dropout", () => new Dropout(0.5)), "Dropout");
cases("Module.train", [
  ["a string mode", () => new Linear(2, 2).train("eval" as unknown as boolean), /Linear\(2→2\)\.train: mode must be true \(training\) or false \(evaluation, same as eval\(\)\), got the string "eval"/],
  ["0 as the mode", () => new Sequential(new ReLU()).train(0 as unknown as boolean), /\.train: mode must be true/],
], "train");
cases("BatchNorm1d.forward (batches)", [
  ["an empty batch", () => new BatchNorm1d(4).forward(Matrix.zeros(0, 4)), /BatchNorm1d\(4, eps=1e-5, momentum=0.1\): expected a batch of at least 2 examples \(rows\), got an empty batch \[0, 4\].*Check the data/],
  ["a batch of one when training", () => new BatchNorm1d(4).forward(Matrix.zeros(1, 4)), /expected more than 1 value per feature when training, got a batch of 1.*Use a batch of at least 2, or call eval\(\)/],
  ["a batch of one without running statistics, in eval", () => new BatchNorm1d(4, { trackRunningStats: false }).eval().forward(Matrix.zeros(1, 4)), /in eval mode without running statistics/],
  ["an empty batch without running statistics, in eval", () => new BatchNorm1d(4, { trackRunningStats: false }).eval().forward(Matrix.zeros(0, 4)), /empty batch/],
  ["numBatchesTracked = -1", () => { new BatchNorm1d(4).numBatchesTracked = -1; }, /numBatchesTracked must be an integer ≥ 0, got -1/],
  ["momentum set to 5 later", () => { new BatchNorm1d(4).momentum = 5; }, /BatchNorm1d: momentum must be in \[0, 1\]/],
], "BatchNorm1d");
cases("BatchRenorm1d.forward (batches)", [
  ["a batch of one when training", () => new BatchRenorm1d(4).forward(Matrix.zeros(1, 4)), /BatchRenorm1d\(4.*expected more than 1 value per feature when training, got a batch of 1/],
  ["freezeCorrection before any forward", () => new BatchRenorm1d(4).freezeCorrection(), /freezeCorrection: run a forward in training mode first, or pass r and d/],
  ["freezeCorrection with r of the wrong shape", () => new BatchRenorm1d(4).freezeCorrection(Matrix.ones(1, 3), Matrix.zeros(1, 4)), /freezeCorrection: expected r of shape \[1, 4\], got \[1, 3\]/],
  ["freezeCorrection with arrays", () => new BatchRenorm1d(4).freezeCorrection([1] as unknown as Matrix, [0] as unknown as Matrix), /freezeCorrection: r must be a Matrix/],
], "BatchRenorm1d");

describe("layers: nothing changes when forward or backward throws", () => {
  const trained = () => {
    const m = new Sequential(new Linear(4, 4), new BatchNorm1d(4), new Sigmoid(), new Linear(4, 2));
    m.forward(x4());
    m.backward(Matrix.ones(3, 2));
    return m;
  };
  for (const [label, f] of [
    ["a batch of the wrong width", (m: Sequential) => m.forward(wrong())],
    ["a batch of one (BatchNorm1d refuses)", (m: Sequential) => m.forward(Matrix.zeros(1, 4))],
    ["an empty batch", (m: Sequential) => m.forward(Matrix.zeros(0, 4))],
    ["dy of the wrong shape", (m: Sequential) => m.backward(Matrix.zeros(3, 3))],
  ] as Array<[string, (m: Sequential) => unknown]>) {
    it(label, () => {
      const m = trained();
      const before = copy(moduleState(m));
      expect(() => f(m)).toThrow(/Sequential layer \d/);
      expect(copy(moduleState(m))).toEqual(before);
    });
  }
});

// ---- numerics at the edges, against PyTorch float64 ----

describe("numerics at the edges (PyTorch float64 as the reference)", () => {
  it("BatchNorm1d(eps = 0) on a constant feature gives 0 there, as PyTorch (both paths), and no gradient", () => {
    const x = Matrix.fromArray([[3, 1], [3, 2], [3, 4]]);
    for (const fastPath of [true, false]) {
      const bn = new BatchNorm1d(2, { eps: 0 });
      bn.fastPath = fastPath;
      const y = bn.forward(x);
      expect(y.columnArray(0)).toEqual([0, 0, 0]);
      // torch: [-1.0690449676496976, -0.2672612419124245, 1.3363062095621219]
      y.columnArray(1).forEach((v, i) => expect(v).toBeCloseTo([-1.0690449676496976, -0.2672612419124245, 1.3363062095621219][i], 12));
      const dx = bn.backward(Matrix.ones(3, 2));
      expect(dx.columnArray(0)).toEqual([0, 0, 0]);
    }
  });
  it("LayerNorm on rows near 1e300: PyTorch returns NaN; we do better and return the normalized row", () => {
    const x = Matrix.fromArray([[1e300, 2e300, 3e300], [1e300, 1e300, 1e300], [1e308, 1e308, 1e308], [1, 2, 3]]);
    const y = new LayerNorm(3).forward(x);
    const z = [-1.2247448713915889, 0, 1.2247448713915889];
    y.rowArray(0).forEach((v, j) => expect(v).toBeCloseTo(z[j], 12));
    expect(y.rowArray(1)).toEqual([0, 0, 0]);
    expect(y.rowArray(2)).toEqual([0, 0, 0]);
    y.rowArray(3).forEach((v, j) => expect(v).toBeCloseTo([-1.2247356859083902, 0, 1.2247356859083902][j], 12)); // torch, eps = 1e-5
    const g = new GroupNorm(1, 3).forward(x);
    expect(g.toArray()).toEqual(y.toArray());
  });
  it("LayerNorm keeps NaN and ±∞ in a row NaN, as PyTorch; eps = 0 on a constant row is NaN, as PyTorch", () => {
    const y = new LayerNorm(3).forward(Matrix.fromArray([[1, NaN, 2], [1, Infinity, 2]]));
    expect(y.data.every(Number.isNaN)).toBe(true);
    expect(new LayerNorm(3, { eps: 0 }).forward(Matrix.fromArray([[2, 2, 2]])).data.every(Number.isNaN)).toBe(true);
  });
  it("BatchNorm1d propagates ∞ as NaN over the feature, as PyTorch", () => {
    const y = new BatchNorm1d(1).forward(Matrix.fromArray([[Infinity], [1]]));
    expect(y.data.every(Number.isNaN)).toBe(true);
  });
  it("sigmoid(NaN) = NaN, sigmoid(±∞) = 1 and 0, as torch.sigmoid", () => {
    expect(sigmoid(NaN)).toBeNaN();
    expect([sigmoid(Infinity), sigmoid(-Infinity)]).toEqual([1, 0]);
    expect(Array.from(new Sigmoid().forward(Matrix.row([NaN, Infinity, -Infinity])).data)).toEqual([NaN, 1, 0]);
  });
});

// ---- losses ----

const logits = () => Matrix.fromArray([[1, 2, 3], [0, 0, 0]]);
cases("CrossEntropyLoss.forward", [
  ["string labels", () => new CrossEntropyLoss().forward(logits(), ["0", "1"] as unknown as number[]), /CrossEntropyLoss.forward: target 0 is the string "0", but a class index must be a number: an integer in \[0, 3\) for logits with 3 columns. Convert string labels with labels.map\(Number\)/],
  ["a label out of range", () => new CrossEntropyLoss().forward(logits(), [0, 3]), /target 1 is 3, but a class index must be an integer in \[0, 3\)/],
  ["a fractional label", () => new CrossEntropyLoss().forward(logits(), [0.5, 1]), /target 0 is 0.5/],
  ["a NaN label", () => new CrossEntropyLoss().forward(logits(), [NaN, 1]), /target 0 is NaN/],
  ["a null label", () => new CrossEntropyLoss().forward(logits(), [null, 1] as unknown as number[]), /target 0 is null, but a class index must be a number/],
  ["too few labels", () => new CrossEntropyLoss().forward(logits(), [0]), /expected 2 targets \(one class index per row of logits \[2, 3\]\), got 1/],
  ["labels not an array", () => new CrossEntropyLoss().forward(logits(), 1 as unknown as number[]), /CrossEntropyLoss.forward: targets \(one class index per row of logits\) must be an array, got 1/],
  ["an empty batch", () => new CrossEntropyLoss().forward(Matrix.zeros(0, 3), []), /CrossEntropyLoss.forward: expected shape logits \[batch ≥ 1, classes ≥ 1\], got \[0, 3\]. The batch is empty/],
  ["logits as arrays", () => new CrossEntropyLoss().forward([[1, 2]] as unknown as Matrix, [0]), /CrossEntropyLoss.forward: logits must be a Matrix/],
  ["backward before forward", () => new CrossEntropyLoss().backward(), /CrossEntropyLoss.backward: call forward\(logits, targets\) before backward\(\)/],
], "CrossEntropyLoss");
cases("MSELoss.forward", [
  ["shapes differ", () => new MSELoss().forward(Matrix.zeros(2, 2), Matrix.zeros(2, 3)), /MSELoss.forward: expected shape target of the prediction's shape \[2, 2\], got \[2, 3\]/],
  ["an empty prediction", () => new MSELoss().forward(Matrix.zeros(0, 2), Matrix.zeros(0, 2)), /MSELoss.forward: the mean of zero elements is undefined; expected at least one element, got pred of shape \[0, 2\]/],
  ["target as arrays", () => new MSELoss().forward(Matrix.zeros(1, 1), [[0]] as unknown as Matrix), /MSELoss.forward: target must be a Matrix/],
  ["backward before forward", () => new MSELoss().backward(), /MSELoss.backward: call forward/],
], "MSELoss");
cases("softmax", [["not a Matrix", () => softmax([[1, 2]] as unknown as Matrix), /softmax: logits must be a Matrix, got an array/]]);
cases("logSoftmax", [["null", () => logSoftmax(null as unknown as Matrix), /logSoftmax: logits must be a Matrix, got null/]]);
describe("softmax and logSoftmax at the edges (as torch.softmax)", () => {
  it("a row with +∞ gives NaN, a row of −∞ gives NaN, logits of 1000 are fine", () => {
    expect(Array.from(softmax(Matrix.row([1000, 1000])).data)).toEqual([0.5, 0.5]);
    expect(softmax(Matrix.row([Infinity, 1])).data.some(Number.isNaN)).toBe(true);
    expect(softmax(Matrix.row([-Infinity, -Infinity])).data.every(Number.isNaN)).toBe(true);
  });
});
cases("sigmoid", [
  ["a string", () => sigmoid("1" as unknown as number), /sigmoid: v must be a number, got "1"/],
  ["a Matrix", () => sigmoid(Matrix.zeros(1, 1) as unknown as number), /sigmoid: v must be a number.*for a Matrix use new Sigmoid\(\).forward\(x\)/],
]);

// ---- optimizers ----

const params = () => new Linear(2, 2).parameters();
cases("SGD", [
  ["no options", () => new SGD(params(), undefined as never), /SGD: expected options with a learning rate, e.g. new SGD\(model.parameters\(\), \{ lr: 0.1 \}\), got undefined/],
  ["no lr", () => new SGD(params(), {} as never), /SGD: options.lr \(the learning rate\) is required/],
  ["lr -0.1", () => new SGD(params(), { lr: -0.1 }), /SGD: learning rate lr must be a finite number ≥ 0, got -0.1/],
  ["lr NaN", () => new SGD(params(), { lr: NaN }), /lr must be a finite number ≥ 0, got NaN/],
  ["lr Infinity", () => new SGD(params(), { lr: Infinity }), /got Infinity/],
  ["lr a string", () => new SGD(params(), { lr: "0.1" as unknown as number }), /got the string "0.1"/],
  ["momentum -1", () => new SGD(params(), { lr: 0.1, momentum: -1 }), /SGD: momentum must be in \[0, ∞\), got -1/],
  ["momentum NaN", () => new SGD(params(), { lr: 0.1, momentum: NaN }), /SGD: momentum must be in \[0, ∞\), got NaN/],
  ["dampening 2", () => new SGD(params(), { lr: 0.1, dampening: 2 }), /SGD: dampening must be in \[0, 1\], got 2/],
  ["weightDecay Infinity", () => new SGD(params(), { lr: 0.1, weightDecay: Infinity }), /SGD: weightDecay must be in \[0, ∞\), got Infinity/],
  ["nesterov without momentum", () => new SGD(params(), { lr: 0.1, nesterov: true }), /SGD: nesterov momentum needs momentum > 0 and dampening = 0/],
  ["nesterov a string", () => new SGD(params(), { lr: 0.1, momentum: 0.9, nesterov: "yes" as unknown as boolean }), /SGD: nesterov must be true or false/],
  ["no parameters", () => new SGD([], { lr: 0.1 }), /SGD: got an empty parameter list; pass model.parameters\(\) of a model that has parameters/],
  ["a model instead of its parameters", () => new SGD(new Linear(2, 2) as unknown as Parameter[], { lr: 0.1 }), /SGD: params must be an array of parameters, e.g. model.parameters\(\), got a Linear/],
  ["matrices instead of parameters", () => new SGD([Matrix.zeros(1, 1)] as unknown as Parameter[], { lr: 0.1 }), /SGD: params\[0\] must be a Parameter \(pass model.parameters\(\)\), got a Matrix/],
]);
cases("Adam", [
  ["lr -1", () => new Adam(params(), { lr: -1 }), /Adam: learning rate lr must be a finite number ≥ 0, got -1/],
  ["betas [1, 0.999]", () => new Adam(params(), { betas: [1, 0.999] }), /Adam: betas\[0\] must be in \[0, 1\), got 1/],
  ["betas [0.9, NaN]", () => new Adam(params(), { betas: [0.9, NaN] }), /Adam: betas\[1\] must be in \[0, 1\), got NaN/],
  ["betas a number", () => new Adam(params(), { betas: 0.9 as unknown as [number, number] }), /Adam: betas must be a pair \[β₁, β₂\] such as \[0.9, 0.999\], got 0.9/],
  ["eps -1", () => new Adam(params(), { eps: -1 }), /Adam: eps must be in \[0, ∞\), got -1/],
  ["weightDecay NaN", () => new Adam(params(), { weightDecay: NaN }), /Adam: weightDecay must be in \[0, ∞\), got NaN/],
  ["options a number", () => new Adam(params(), 0.01 as never), /Adam: options must be an object of options/],
  ["no parameters", () => new Adam([]), /Adam: got an empty parameter list/],
]);
stateCases("Optimizer.lr", [
  ["SGD.lr = -1 keeps the old rate", () => { const o = new SGD(params(), { lr: 0.1 }); return { call: () => { o.lr = -1; }, state: () => optimizerState(o) }; }, /SGD: learning rate lr must be a finite number ≥ 0, got -1/],
  ["Adam.lr = NaN keeps the old rate", () => { const o = new Adam(params()); return { call: () => { o.lr = NaN; }, state: () => optimizerState(o) }; }, /Adam: learning rate lr must be a finite number ≥ 0, got NaN/],
], "learning rate");
cases("Parameter", [
  ["a null value", () => new Parameter("w", null as unknown as Matrix), /Parameter: value must be a Matrix, got null/],
  ["an array value", () => new Parameter("w", [[1]] as unknown as Matrix), /Parameter: value must be a Matrix, got an array.*Matrix.fromArray/],
  ["no name", () => new Parameter(undefined as unknown as string, Matrix.zeros(1, 1)), /Parameter: name must be a non-empty string such as "weight", got undefined/],
]);

// ---- gradient checks ----

describe("gradcheck fails on any non-finite gradient and says where", () => {
  const value = () => Matrix.fromArray([[1, 2], [3, 4]]);
  const f = (m: Matrix) => () => m.data.reduce((s, v) => s + v * v, 0);
  const analytic = (m: Matrix) => m.scale(2);
  it("an analytic gradient holding +Infinity is not ok, and its entry is named", () => {
    const m = value();
    const grad = analytic(m);
    grad.data[1] = Infinity;
    const other = Matrix.fromArray([[1]]);
    const r = gradcheck(() => f(m)() + other.data[0] ** 2, [{ name: "w", value: m, grad }, { name: "b", value: other, grad: Matrix.fromArray([[2]]) }]);
    expect(r.ok).toBe(false);
    expect(r.entries[0].nonFinite).toBe("analytic[0, 1] is Infinity");
    expect(r.entries[1].zero).toBe(false); // one Infinity no longer makes every other entry "zero"
    expect(formatGradcheck(r)).toMatch(/^FAILED .* w NOT FINITE \(analytic\[0, 1\] is Infinity\)/);
  });
  it("a NaN analytic gradient is not ok", () => {
    const m = value();
    const grad = analytic(m);
    grad.data[3] = NaN;
    const r = gradcheck(f(m), [{ name: "w", value: m, grad }]);
    expect(r.ok).toBe(false);
    expect(r.entries[0].nonFinite).toBe("analytic[1, 1] is NaN");
  });
  it("a loss that is not finite (a numerical gradient of NaN) is not ok", () => {
    const m = value();
    const r = gradcheck(() => (m.data[0] > 1 ? NaN : 0), [{ name: "w", value: m, grad: analytic(m) }]);
    expect(r.ok).toBe(false);
    expect(r.entries[0].nonFinite).toMatch(/^numerical\[0, 0\] is NaN/);
  });
  it("a correct gradient still passes", () => {
    const m = value();
    expect(gradcheck(f(m), [{ name: "w", value: m, grad: analytic(m) }]).ok).toBe(true);
  });
  it("gradcheckModule on a layer whose output is NaN is not ok", () => {
    const r = gradcheckModule(new LayerNorm(3, { eps: 0 }), Matrix.fromArray([[2, 2, 2], [1, 2, 3]]));
    expect(r.ok).toBe(false);
  });
});
cases("gradcheck", [
  ["f not a function", () => gradcheck(5 as unknown as () => number, []), /gradcheck: f must be a function, got 5/],
  ["inputs not an array", () => gradcheck(() => 0, {} as never), /gradcheck: inputs must be an array, got an object/],
  ["a gradient of another shape", () => gradcheck(() => 0, [{ name: "w", value: Matrix.zeros(2, 2), grad: Matrix.zeros(1, 2) }]), /gradcheck\("w"\): expected shape a gradient of the value's shape \[2, 2\], got \[1, 2\]/],
  ["a value that is not a Matrix", () => gradcheck(() => 0, [{ name: "w", value: [[1]] as unknown as Matrix, grad: Matrix.zeros(1, 1) }]), /gradcheck: inputs\[0\].value must be a Matrix/],
  ["eps 0", () => gradcheck(() => 0, [], { eps: 0 }), /gradcheck: eps must be > 0 \(typically 1e-6 in float64\), got 0/],
  ["tolerance -1", () => gradcheck(() => 0, [], { tolerance: -1 }), /gradcheck: tolerance must be > 0/],
  ["f returns a string", () => gradcheck(() => "1" as unknown as number, [{ name: "w", value: Matrix.zeros(1, 1), grad: Matrix.zeros(1, 1) }]), /gradcheck: f must return the loss as a number, got the string "1"/],
], "gradcheck");
cases("numericalGradient", [
  ["eps 0", () => numericalGradient(() => 0, Matrix.zeros(1, 1), 0), /numericalGradient: eps must be > 0 \(typically 1e-6 in float64\), got 0/],
  ["eps NaN", () => numericalGradient(() => 0, Matrix.zeros(1, 1), NaN), /numericalGradient: eps must be a finite number > 0/],
  ["m not a Matrix", () => numericalGradient(() => 0, [1] as unknown as Matrix), /numericalGradient: m must be a Matrix/],
]);
stateCases("numericalGradient", [
  ["f throws on the second probe: the value is put back", () => {
    const m = Matrix.fromArray([[1, 2]]);
    let calls = 0;
    return { call: () => numericalGradient(() => { if (++calls === 2) throw new Error("numericalGradient test: f failed"); return m.sum(); }, m), state: () => Array.from(m.data) };
  }, "f failed"],
], "numericalGradient");
cases("relativeError", [
  ["shapes differ", () => relativeError(Matrix.zeros(1, 2), Matrix.zeros(2, 1)), /relativeError: expected shape two gradients of the same shape \(the first is \[1, 2\]\), got \[2, 1\]/],
  ["not a Matrix", () => relativeError(Matrix.zeros(1, 1), 0 as unknown as Matrix), /relativeError: b must be a Matrix, got 0/],
]);
cases("gradcheckModule", [
  ["not a module", () => gradcheckModule({} as Module, Matrix.zeros(2, 2)), /gradcheckModule: module must be a layer or model \(a Module\), got an object/],
  ["x not a Matrix", () => gradcheckModule(new ReLU(), [[1]] as unknown as Matrix), /gradcheckModule: x must be a Matrix/],
  ["x of the wrong width", () => gradcheckModule(new Linear(3, 2), Matrix.zeros(2, 2)), /gradcheckModule: Linear\(3→2\).forward: expected shape \[batch, 3\], got \[2, 2\]/],
  ["eps -1", () => gradcheckModule(new ReLU(), Matrix.zeros(1, 1), { eps: -1 }), /gradcheckModule: eps must be > 0/],
  ["beforeForward not a function", () => gradcheckModule(new ReLU(), Matrix.zeros(1, 1), { beforeForward: 1 as never }), /gradcheckModule: beforeForward must be a function/],
  ["Dropout in training mode", () => gradcheckModule(new Dropout(0.5), Matrix.ones(4, 4)), /gradcheckModule: Dropout\(p=0.5\) gave different outputs for the same input/],
], "gradcheckModule");
stateCases("gradcheckModule", [
  ["a failing forward leaves buffers and gradients as they were", () => {
    const bn = new BatchNorm1d(3);
    bn.forward(new Matrix(4, 3, new Rng(2).normalArray(12)));
    bn.backward(Matrix.ones(4, 3));
    return { call: () => gradcheckModule(bn, Matrix.zeros(1, 3)), state: () => moduleState(bn) };
  }, /expected more than 1 value per feature when training/],
], "BatchNorm1d");
cases("formatGradcheck", [["not a result", () => formatGradcheck({} as never), /formatGradcheck/]]);

// ---- state files ----

const model = () => mlp({ sizes: [2, 3, 2], batchNorm: true, seed: 3 });
const saved = () => JSON.parse(saveState(model()));

describe("saveState / loadState round-trip every float64", () => {
  it("NaN, ±Infinity, -0, the extremes and subnormals survive", () => {
    const m = model();
    const special = [NaN, Infinity, -Infinity, -0, 0, Number.MAX_VALUE, -Number.MIN_VALUE, 5e-324, 0.1, 1 / 3];
    const w = m.namedParameters()[0][1].value.data;
    w.set(special.slice(0, w.length));
    const buf = m.namedBuffers()[0][1].data;
    buf.set([NaN, Infinity, -0]);
    const json = saveState(m);
    expect(json).toContain('"NaN"');
    expect(json).toContain('"-Infinity"');
    const copyModel = model();
    loadState(copyModel, json);
    const same = (a: Float64Array, b: Float64Array) => Array.from(a).every((v, i) => Object.is(v, b[i]));
    expect(same(copyModel.namedParameters()[0][1].value.data, w)).toBe(true);
    expect(same(copyModel.namedBuffers()[0][1].data, buf)).toBe(true);
  });
});
const corrupt = (edit: (s: Record<string, unknown>) => void) => {
  const s = saved();
  edit(s);
  return JSON.stringify(s);
};
const stateErrors: Array<[string, () => string, RegExp]> = [
  ["a string where a number belongs", () => corrupt((s) => ((s.state as Record<string, unknown[]>)["0.weight"][2] = "abc")), /loadState: state\["0.weight"\]\[2\] must be a number \(or "NaN", "Infinity", "-Infinity", "-0"\), got the string "abc"; nothing was loaded/],
  ["null where a number belongs", () => corrupt((s) => ((s.state as Record<string, unknown[]>)["0.bias"][0] = null)), /state\["0.bias"\]\[0\] must be a number .*got null/],
  ["true where a number belongs", () => corrupt((s) => ((s.state as Record<string, unknown[]>)["1.running_var"][1] = true)), /state\["1.running_var"\]\[1\] must be a number .*got true/],
  ["a nested array", () => corrupt((s) => ((s.state as Record<string, unknown[]>)["0.bias"][0] = [1])), /state\["0.bias"\]\[0\] must be a number .*got an array/],
  ["a missing key (the last one)", () => corrupt((s) => delete (s.state as Record<string, unknown>)["3.bias"]), /loadStateDict: missing key "3.bias" for Sequential.*; a state of this model has 0.weight/],
  ["a tensor of the wrong size (the last one)", () => corrupt((s) => ((s.state as Record<string, unknown[]>)["3.bias"] = [1])), /loadStateDict\("3.bias"\): expected shape 2 values \(\[1, 2\]\), got 1 values/],
  ["an unexpected key", () => corrupt((s) => ((s.state as Record<string, unknown>)["9.weight"] = [1])), /loadStateDict: unexpected keys 9.weight for Sequential.*; expected exactly 0.weight/],
  ["state is a string", () => corrupt((s) => (s.state = "abc")), /loadState: "state" must be an object mapping names \("0.weight", …\) to arrays of numbers, got the string "abc"; pass the string that saveState returned, unchanged/],
  ["state is an array", () => corrupt((s) => (s.state = [])), /loadState: "state" must be an object .*got an array of length 0/],
  ["state is missing", () => corrupt((s) => delete s.state), /loadState: "state" must be an object .*got undefined/],
  ["a tensor is a number", () => corrupt((s) => ((s.state as Record<string, unknown>)["0.bias"] = 5)), /loadState: state\["0.bias"\] must be an array of numbers, got 5; nothing was loaded/],
  ["format missing", () => corrupt((s) => delete s.format), /loadState: expected a saved bnlab state \(format "bnlab-state"\), got format undefined/],
  ["version 2", () => corrupt((s) => (s.version = 2)), /loadState: this bnlab reads state version 1, got version 2/],
  ["another architecture", () => corrupt((s) => (s.architecture = "Sequential(Linear(2→3))")), /loadState: the saved state belongs to a different architecture/],
  ["truncated JSON", () => saveState(model()).slice(0, 50), /loadState: not valid JSON \(.*\); pass the string that saveState returned/],
  ["JSON null", () => "null", /loadState: expected a saved bnlab state \(format "bnlab-state"\), got null/],
  ["a JSON array", () => "[1, 2]", /expected a saved bnlab state .*got an array of length 2/],
  ["an empty string", () => "", /loadState: not valid JSON/],
];
stateCases("loadState", stateErrors.map(([label, json, re]): [string, () => { call: () => unknown; state: () => unknown }, RegExp] => [
  label,
  () => {
    const m = model();
    m.forward(new Matrix(4, 2, new Rng(5).normalArray(8))); // running statistics that are not the initial ones
    const text = json();
    return { call: () => loadState(m, text), state: () => moduleState(m) };
  },
  re,
]), "load");
cases("loadState", [
  ["a model that is not a Module", () => loadState({} as Module, saveState(model())), /loadState: expected a model \(a Module such as Sequential or Linear\), got an object/],
  ["an object instead of the string", () => loadState(model(), saved() as unknown as string), /loadState: expected the JSON string that saveState returned, got an object/],
  ["undefined", () => loadState(model(), undefined as unknown as string), /loadState: expected the JSON string that saveState returned, got undefined/],
]);
cases("saveState", [["not a model", () => saveState(null as unknown as Module), /saveState: expected a model \(a Module such as Sequential or Linear\), got null/]]);
cases("Module.loadStateDict", [
  ["a string", () => model().loadStateDict("abc" as never), /loadStateDict\(Sequential.*\): expected an object mapping names .* to arrays of numbers, as stateDict\(\) returns, got the string "abc"/],
  ["non-numbers", () => { const s = model().stateDict() as Record<string, unknown[]>; s["0.bias"][1] = "x"; return model().loadStateDict(s as never); }, /loadStateDict\("0.bias"\): entry 1 must be a number, got the string "x"; nothing was loaded/],
], "loadStateDict");
cases("saveStateFile", [
  ["a number for the path", () => saveStateFile(model(), 5 as unknown as string), /saveStateFile: expected a file path \(a non-empty string\), got 5/],
  ["a directory that does not exist", () => saveStateFile(model(), path.join(os.tmpdir(), "no-such-dir-bnlab", "x", "m.json")), /ENOENT/],
], "");
cases("loadStateFile", [
  ["a file that does not exist", () => loadStateFile(model(), path.join(os.tmpdir(), "no-such-bnlab-state.json")), /loadStateFile: cannot read .*no-such-bnlab-state.json \(ENOENT.*\); pass the path saveStateFile wrote/],
  ["an empty path", () => loadStateFile(model(), ""), /loadStateFile: expected a file path \(a non-empty string\), got the string ""/],
  ["a file that is not a state", () => { const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-")), "x.json"); fs.writeFileSync(f, "{}"); return loadStateFile(model(), f); }, /loadState: expected a saved bnlab state/],
], "load");
