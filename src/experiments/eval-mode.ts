/**
 * Lesson 4 (eval mode): the experiments behind the lesson's charts and claims.
 * The notebook and test/lesson-04-claims.test.ts call these same functions with the same seeds.
 *
 *   batchDependence      one fixed digit, many random batch-mates: its prediction in train vs eval mode
 *   accuracyByBatchSize  test accuracy measured (wrongly) in training mode, against the batch size
 *   withStateRestored    run an experiment that touches the running statistics, then put them back
 */
import { checkArrayLike, checkCounts, checkDataset, checkFunction, checkInteger, checkModel, checkNumber, describe } from "./args";
import { Module } from "../nn/module";
import { Rng } from "../random/rng";
import { Dataset } from "../data/dataset";
import { softmax } from "../loss/softmax";
import { accuracy } from "../train/accuracy";
import { evaluate } from "../train/evaluate";

export { trainBnMlp } from "./running-averages";
export type { TrainedModel, TrainBnMlpOptions } from "./running-averages";

/** Run fn, then restore the model's parameters, running statistics and mode (whatever fn did). */
export function withStateRestored<T>(model: Module, fn: () => T): T {
  checkModel("evalMode.withStateRestored", model);
  checkFunction("evalMode.withStateRestored", "fn", fn);
  const state = model.stateDict();
  const wasTraining = model.training;
  try {
    return fn();
  } finally {
    model.loadStateDict(state);
    model.train(wasTraining);
  }
}

/** The first test example (in order) whose eval-mode probability of its true class lies in [low, high]: a digit the model is unsure about. */
export function findUnsureExample(model: Module, test: Dataset, low = 0.5, high = 0.9): number {
  checkModel("evalMode.findUnsureExample", model);
  checkDataset("evalMode.findUnsureExample", test, "test");
  checkNumber("evalMode.findUnsureExample", "low", low, { min: 0, max: 1 });
  checkNumber("evalMode.findUnsureExample", "high", high, { min: low, max: 1, hint: "high ≥ low" });
  return withStateRestored(model, () => {
    model.eval();
    const probs = softmax(model.forward(test.x));
    for (let i = 0; i < test.y.length; i++) {
      const p = probs.get(i, test.y[i]);
      if (p >= low && p <= high) return i;
    }
    throw new Error(`findUnsureExample: no test example with p(true class) in [${low}, ${high}]`);
  });
}

export interface BatchDependence {
  /** The example's index in the test set, and its label. */
  index: number;
  label: number;
  /** Per trial (a batch of the example plus batchSize − 1 random others): p(true class) in training mode. */
  trainProb: number[];
  /** … and the predicted class in training mode. */
  trainPred: number[];
  /** p(true class) in eval mode, in each of the same batches (identical every time). */
  evalProb: number[];
  evalPred: number;
}

/**
 * Put one fixed test example into `trials` batches with different random batch-mates and read its
 * prediction in training mode and in eval mode. The model's state is restored afterwards (training
 * mode would otherwise update the running statistics with every one of these batches).
 */
export function batchDependence(
  model: Module,
  test: Dataset,
  options: { index: number; trials?: number; batchSize?: number; seed?: number },
): BatchDependence {
  checkModel("evalMode.batchDependence", model);
  checkDataset("evalMode.batchDependence", test, "test");
  if (options === null || typeof options !== "object") throw new TypeError(`evalMode.batchDependence: expected options { index, … }, got ${describe(options)}`);
  checkInteger("evalMode.batchDependence", "index", options.index, { max: test.y.length - 1 });
  checkCounts("evalMode.batchDependence", options as unknown as Record<string, unknown>, ["trials", "batchSize"]);
  const { index } = options;
  const trials = options.trials ?? 30;
  const batchSize = options.batchSize ?? 16;
  const rng = new Rng(`lesson4/batch-dependence/${options.seed ?? 0}`);
  const label = test.y[index];
  const others = Array.from({ length: test.y.length }, (_, i) => i).filter((i) => i !== index);
  const out: BatchDependence = { index, label, trainProb: [], trainPred: [], evalProb: [], evalPred: -1 };
  withStateRestored(model, () => {
    for (let t = 0; t < trials; t++) {
      const mates = rng.sample(others.length, batchSize - 1).map((k) => others[k]);
      const x = test.x.selectRows([index, ...mates]); // our example is row 0
      // training mode: the batch's statistics (and an update of the running ones, undone at once)
      const pTrain = withStateRestored(model, () => softmax(model.train().forward(x)));
      out.trainProb.push(pTrain.get(0, label));
      out.trainPred.push(pTrain.argmaxRows()[0]);
      model.eval(); //  eval mode: the running statistics
      const pEval = softmax(model.forward(x));
      out.evalProb.push(pEval.get(0, label));
      out.evalPred = pEval.argmaxRows()[0];
    }
  });
  return out;
}

export interface ModeAccuracy {
  batchSizes: number[];
  /** Test accuracy with the model (wrongly) in training mode, evaluated in batches of each size. */
  trainMode: number[];
  /** The correct measurement: eval mode (the same for every batch size). */
  evalMode: number;
}

/** Test accuracy in training mode for several evaluation batch sizes, against eval mode. State restored. */
export function accuracyByBatchSize(model: Module, test: Dataset, batchSizes: number[] = [2, 4, 8, 16, 64, 256, 1000]): ModeAccuracy {
  checkModel("evalMode.accuracyByBatchSize", model);
  checkDataset("evalMode.accuracyByBatchSize", test, "test");
  checkArrayLike("evalMode.accuracyByBatchSize", "batchSizes", batchSizes);
  batchSizes.forEach((b, i) => checkInteger("evalMode.accuracyByBatchSize", `batchSizes[${i}]`, b, { min: 2 }));
  const evalMode = evaluate(model, test).accuracy;
  const trainMode = batchSizes.map((b) => withStateRestored(model, () => trainModeAccuracy(model, test, b)));
  return { batchSizes, trainMode, evalMode };
}

/** The bug itself: accuracy measured in training mode, in consecutive batches of `batchSize` (the last one may be smaller, at least 2). */
export function trainModeAccuracy(model: Module, data: Dataset, batchSize: number): number {
  checkModel("evalMode.trainModeAccuracy", model);
  checkDataset("evalMode.trainModeAccuracy", data, "data");
  checkInteger("evalMode.trainModeAccuracy", "batchSize", batchSize, { min: 2, hint: "batch norm needs at least 2 examples in training mode" });
  model.train();
  const n = data.y.length;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    let end = Math.min(n, start + batchSize);
    if (n - end === 1) end = n; // never leave a batch of one behind
    const rows = Array.from({ length: end - start }, (_, i) => start + i);
    const y = rows.map((i) => data.y[i]);
    correct += accuracy(model.forward(data.x.selectRows(rows)), y) * rows.length;
    if (end === n) break;
  }
  return correct / n;
}
