import { performance } from "perf_hooks";
import { AnyModule, Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { CrossEntropyLoss } from "../loss/cross-entropy";
import { Optimizer } from "../optim/optimizer";
import { SGD } from "../optim/sgd";
import { checkDataset, Dataset, subset } from "../data/dataset";
import { DataLoader } from "../data/dataloader";
import { Rng } from "../random/rng";
import { accuracy } from "./accuracy";
import { ClassificationLoss, checkLoss, evaluate } from "./evaluate";
import { percentiles } from "./percentile";
import { InputRecorder, recordInputs } from "./record-inputs";
import { Matrix } from "../tensor/matrix";
import { checkArrayLike, checkBoolean, checkFunction, checkInteger, checkNumber, checkOptions, describe } from "../validate/checks";

/**
 * Percentiles of one layer's input, measured on the training batch of every
 * `every`-th step (in training mode, as the layer saw it).
 */
export interface RecordOptions {
  /** The layer whose INPUT is recorded (e.g. a Sigmoid: its pre-activations), or its index in a Sequential. */
  layer: AnyModule | number;
  /** Which percentiles (default [15, 50, 85], as in Ioffe & Szegedy's Figure 1). */
  percentiles?: number[];
  /** Record every this many steps (default 10), and at step 1. */
  every?: number;
  /** One feature (column) of the input, like "a typical sigmoid"; default: all features pooled. */
  unit?: number;
}

export interface FitOptions {
  /** Number of optimizer steps (give steps or epochs). */
  steps?: number;
  /** Number of passes over the training set (give steps or epochs). */
  epochs?: number;
  /** Examples per step (default 60, Ioffe & Szegedy's MNIST batch). */
  batchSize?: number;
  /** The optimizer, e.g. new SGD(model.parameters(), { lr: 0.5 }) (give optimizer or lr). */
  optimizer?: Optimizer;
  /** Shorthand for plain SGD with this learning rate. */
  lr?: number;
  /** Default: new CrossEntropyLoss(). */
  loss?: ClassificationLoss;
  /** Seed of the batch order and of the evaluation subset (default 0). */
  seed?: number;
  /** Evaluate on the test set every this many steps (default: about 20 times per run), at step 0 and at the end. */
  evalEvery?: number;
  /** Evaluate on a fixed random subset of this many test examples (default: the whole test set). */
  evalSize?: number;
  /** Drop the last, smaller batch of every epoch (default true: every step sees a full batch). */
  dropLast?: boolean;
  /** Non-i.i.d. batches: every batch holds one class only (default false). */
  oneClassPerBatch?: boolean;
  /** Called after every step; return "stop" to end training early. */
  onStep?: (info: StepInfo) => void | "stop";
  /** Record percentiles of one layer's input during training. */
  record?: RecordOptions;
}

/** What onStep receives after each step. */
export interface StepInfo {
  /** 1 after the first update. */
  step: number;
  totalSteps: number;
  /** The epoch this step belongs to (0-based). */
  epoch: number;
  /** The training loss of this step's batch (before the update). */
  loss: number;
  /** The accuracy on this step's batch (before the update). */
  batchAccuracy: number;
  lr: number;
  /** Milliseconds since fit started. */
  elapsedMs: number;
  /** Present on the steps where the test set was evaluated. */
  testAccuracy?: number;
  testLoss?: number;
  /** Everything recorded so far (for live charts). */
  history: History;
}

export interface History {
  /** Step numbers 1, 2, … */
  steps: number[];
  /** Training loss per step (of that step's batch). */
  loss: number[];
  /** Accuracy per step on that step's batch. */
  trainAccuracy: number[];
  /** Test-set evaluations (in eval mode). */
  eval: { step: number[]; testAccuracy: number[]; testLoss: number[] };
  /** Percentiles of the recorded layer's input, keyed by percentile: percentiles["50"][k] at step[k]. */
  activations?: { layer: string; step: number[]; percentiles: Record<string, number[]> };
  /** True when onStep returned "stop". */
  stoppedEarly: boolean;
  wallTimeMs: number;
}

/**
 * Train a classifier with minibatch gradient descent and record how it goes.
 *
 *   const history = fit(model, { train, test }, { steps: 2000, batchSize: 60, lr: 0.5 });
 *
 * Every argument is checked first, and the model is run once in evaluation mode
 * on the first two examples of each set (no buffer changes), so a mismatch
 * between data and model is reported before any step changes the model.
 *
 * Each step is the classic loop: forward, loss, zeroGrad, backward, step (see the loop below). The test set is
 * evaluated in eval mode (model.eval(), then model.train() again). With the same
 * seed, model and data, the history is identical on every run (except the times).
 */
export function fit(model: Module, data: { train: Dataset; test?: Dataset }, options: FitOptions): History {
  // Every argument is checked before the model, its buffers or the optimizer change.
  if (!(model instanceof Module)) throw new TypeError(`fit: model must be a model (a Module such as mlp({ … })), got ${describe(model)}`);
  if (data === null || typeof data !== "object") {
    throw new TypeError(`fit: data must be { train, test? } with Datasets (e.g. loadMnist()), got ${describe(data)}`);
  }
  checkDataset("fit", data.train, "data.train");
  if (data.test !== undefined) checkDataset("fit", data.test, "data.test");
  if (options === undefined) throw new Error("fit: say how long to train and how, e.g. fit(model, data, { steps: 1000, lr: 0.1 })");
  checkOptions("fit", options);
  const batchSize = checkInteger("fit", "batchSize", options.batchSize ?? 60, { min: 1 });
  const seed = checkNumber("fit", "seed", options.seed ?? 0);
  const dropLast = checkBoolean("fit", "dropLast", options.dropLast, true);
  const oneClassPerBatch = checkBoolean("fit", "oneClassPerBatch", options.oneClassPerBatch, false);
  let loader: DataLoader;
  try {
    loader = new DataLoader(data.train, { batchSize, seed, dropLast, oneClassPerBatch });
  } catch (e) {
    if (e instanceof Error) e.message = `fit: ${e.message}`;
    throw e;
  }
  const totalSteps = resolveSteps(options, loader.length);
  const optimizer = resolveOptimizer(model, options);
  if (options.loss !== undefined) checkLoss("fit", options.loss);
  const lossFn = options.loss ?? new CrossEntropyLoss();
  const evalEvery = options.evalEvery ?? Math.max(1, Math.round(totalSteps / 20));
  checkPositiveInteger("evalEvery", evalEvery);
  if (options.evalSize !== undefined) checkPositiveInteger("evalSize", options.evalSize);
  if (options.onStep !== undefined) checkFunction("fit", "onStep", options.onStep);
  if (options.record !== undefined) checkRecordOptions(model, options.record);
  probe(model, data, lossFn, options.record);
  const testSet = data.test ? evalSubset(data.test, options.evalSize, seed) : undefined;

  const history: History = {
    steps: [],
    loss: [],
    trainAccuracy: [],
    eval: { step: [], testAccuracy: [], testLoss: [] },
    stoppedEarly: false,
    wallTimeMs: 0,
  };
  const recorder = options.record ? startRecording(model, options.record, history) : null;
  const start = performance.now();

  const evaluateAt = (step: number): { testAccuracy: number; testLoss: number } | undefined => {
    if (!testSet) return undefined;
    const result = evaluate(model, testSet); //   eval mode inside, the previous mode restored after
    model.train();
    history.eval.step.push(step);
    history.eval.testAccuracy.push(result.accuracy);
    history.eval.testLoss.push(result.loss);
    return { testAccuracy: result.accuracy, testLoss: result.loss };
  };

  try {
    model.train();
    evaluateAt(0);
    let step = 0;
    while (step < totalSteps && !history.stoppedEarly) {
      const epoch = loader.epoch;
      for (const batch of loader) {
        const logits = model.forward(batch.x); //            forward pass (training mode)
        const loss = lossFn.forward(logits, batch.y); //     mean loss over the batch
        optimizer.zeroGrad(); //                             clear last step's gradients
        model.backward(lossFn.backward(), { inputGrad: false }); // backpropagate ∂loss/∂logits (the data needs no gradient)
        optimizer.step(); //                                 update the parameters
        step += 1;

        history.steps.push(step);
        history.loss.push(loss);
        history.trainAccuracy.push(accuracy(logits, batch.y));
        if (recorder) recorder.capture(step);
        const evaluated = step % evalEvery === 0 || step === totalSteps ? evaluateAt(step) : undefined;
        history.wallTimeMs = performance.now() - start;

        const info: StepInfo = {
          step,
          totalSteps,
          epoch,
          loss,
          batchAccuracy: history.trainAccuracy[history.trainAccuracy.length - 1],
          lr: optimizer.lr,
          elapsedMs: history.wallTimeMs,
          ...evaluated,
          history,
        };
        if (options.onStep && options.onStep(info) === "stop") history.stoppedEarly = true;
        if (history.stoppedEarly || step >= totalSteps) break;
      }
    }
    if (history.stoppedEarly && testSet && history.eval.step[history.eval.step.length - 1] !== step) evaluateAt(step);
  } finally {
    if (recorder) recorder.stop();
    model.train();
    history.wallTimeMs = performance.now() - start;
  }
  return history;
}

/**
 * Run the model once, in evaluation mode, on the first examples of each set and
 * compute the loss, so that a shape or label mismatch (or a record.unit beyond
 * the layer's input) is reported before training changes anything. Evaluation
 * mode changes no buffer; the buffers are restored anyway, and the mode too.
 */
function probe(model: Module, data: { train: Dataset; test?: Dataset }, lossFn: ClassificationLoss, record: RecordOptions | undefined): void {
  const buffers = model.namedBuffers().map(([, b]): [Matrix, Matrix] => [b, b.clone()]);
  const wasTraining = model.training;
  const sets: Array<[string, Dataset]> = [["data.train", data.train]];
  if (data.test) sets.push(["data.test", data.test]);
  const recorder = record?.unit !== undefined ? recordInputs(resolveLayer(model, record.layer)) : null;
  try {
    model.eval();
    for (const [what, set] of sets) {
      const rows = Array.from({ length: Math.min(2, set.y.length) }, (_, i) => i);
      const labels = rows.map((i) => set.y[i]);
      try {
        const logits = model.forward(set.x.selectRows(rows));
        lossFn.forward(logits, labels);
      } catch (e) {
        if (e instanceof Error) e.message = `fit: ${what} does not fit the model (checked on its first examples, before training): ${e.message}`;
        throw e;
      }
      if (recorder && recorder.last) {
        const cols = recorder.last.cols;
        const unit = record!.unit!;
        if (unit >= cols) throw new RangeError(`fit: record.unit must be an integer in [0, ${cols}) for the input of ${recorder.layer}, got ${unit}`);
      }
    }
  } finally {
    recorder?.stop();
    buffers.forEach(([b, saved]) => b.copyFrom(saved));
    model.train(wasTraining);
  }
}

/** record: { layer, percentiles?, every?, unit? }, all checked against the model. */
function checkRecordOptions(model: Module, record: RecordOptions): void {
  if (record === null || typeof record !== "object") {
    throw new TypeError(`fit: record must be { layer, percentiles?, every?, unit? }, got ${describe(record)}`);
  }
  const layer = resolveLayer(model, record.layer);
  if (!contains(model, layer)) {
    throw new Error(`fit: record.layer ${layer} is not a layer of the model ${model}; pass one of its layers (e.g. model.at(2)) or its index`);
  }
  if (record.percentiles !== undefined) {
    checkArrayLike("fit", "record.percentiles", record.percentiles);
    if (record.percentiles.length === 0) throw new RangeError("fit: record.percentiles must list at least one percentile, e.g. [15, 50, 85]");
    record.percentiles.forEach((p, i) => checkNumber("fit", `record.percentiles[${i}]`, p, { min: 0, max: 100 }));
  }
  if (record.every !== undefined) checkPositiveInteger("record.every", record.every);
  if (record.unit !== undefined) checkInteger("fit", "record.unit", record.unit, { hint: "a column (feature) of the recorded layer's input" });
}

/** Whether layer is the model or one of its descendants. */
function contains(model: AnyModule, layer: AnyModule): boolean {
  return model === layer || model.children().some((child) => contains(child, layer));
}

function resolveSteps(options: FitOptions, batchesPerEpoch: number): number {
  if (options.steps !== undefined && options.epochs !== undefined) {
    throw new Error("fit: give steps or epochs, not both");
  }
  if (options.steps !== undefined) return checkPositiveInteger("steps", options.steps);
  if (options.epochs !== undefined) return checkPositiveInteger("epochs", options.epochs) * batchesPerEpoch;
  throw new Error("fit: say how long to train, e.g. { steps: 1000 } or { epochs: 5 }");
}

function resolveOptimizer(model: Module, options: FitOptions): Optimizer {
  if (options.optimizer && options.lr !== undefined) {
    throw new Error("fit: give optimizer or lr, not both (set the learning rate on the optimizer)");
  }
  if (options.optimizer) {
    if (!(options.optimizer instanceof Optimizer)) {
      throw new TypeError(`fit: optimizer must be an optimizer such as new SGD(model.parameters(), { lr: 0.1 }), got ${describe(options.optimizer)}`);
    }
    const own = new Set(model.parameters());
    if (options.optimizer.params.some((p) => !own.has(p))) {
      throw new Error(
        `fit: the optimizer ${options.optimizer} updates parameters that are not this model's, so training would not change the model; ` +
          "create it from this model: new SGD(model.parameters(), { … })",
      );
    }
    return options.optimizer;
  }
  if (options.lr !== undefined) {
    checkNumber("fit", "lr", options.lr, { min: 0, hint: "the learning rate of plain SGD, e.g. 0.1" });
    return new SGD(model.parameters(), { lr: options.lr });
  }
  throw new Error("fit: give an optimizer, e.g. { optimizer: new SGD(model.parameters(), { lr: 0.1 }) }, or { lr: 0.1 } for plain SGD");
}

/** A fixed random subset of the test set (the same for every evaluation). */
function evalSubset(test: Dataset, evalSize: number | undefined, seed: number): Dataset {
  if (evalSize === undefined || evalSize >= test.y.length) return test;
  return subset(test, new Rng(`fit-eval/${seed}`).sample(test.y.length, evalSize));
}

interface Recording {
  capture(step: number): void;
  stop(): void;
}

function startRecording(model: Module, options: RecordOptions, history: History): Recording {
  const layer = resolveLayer(model, options.layer);
  const ps = options.percentiles ?? [15, 50, 85];
  const every = options.every ?? 10;
  const activations = { layer: layer.toString(), step: [] as number[], percentiles: {} as Record<string, number[]> };
  for (const p of ps) activations.percentiles[String(p)] = [];
  history.activations = activations;
  const rec: InputRecorder = recordInputs(layer);
  return {
    capture(step: number) {
      if (!(step === 1 || step % every === 0) || rec.last === null) return;
      const x = rec.last;
      const values = options.unit === undefined ? x.data : x.columnArray(options.unit);
      activations.step.push(step);
      percentiles(values, ps).forEach((v, i) => activations.percentiles[String(ps[i])].push(v));
    },
    stop: () => rec.stop(),
  };
}

function resolveLayer(model: Module, layer: AnyModule | number): AnyModule {
  if (layer instanceof Module) return layer;
  if (typeof layer !== "number") {
    throw new TypeError(`fit: record.layer must be a layer of the model (a Module) or its index in a Sequential, got ${describe(layer)}`);
  }
  if (!(model instanceof Sequential)) {
    throw new Error(`fit: record.layer is the index ${layer}, but the model is not a Sequential; pass the layer module itself`);
  }
  if (!Number.isInteger(layer) || layer < 0 || layer >= model.length) {
    throw new RangeError(`fit: record.layer must be an index in [0, ${model.length}) of ${model}, got ${layer}`);
  }
  return model.at(layer);
}

function checkPositiveInteger(name: string, v: number): number {
  return checkInteger("fit", name, v, { min: 1 });
}
