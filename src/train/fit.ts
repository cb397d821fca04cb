import { performance } from "perf_hooks";
import { AnyModule, Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { CrossEntropyLoss } from "../loss/cross-entropy";
import { Optimizer } from "../optim/optimizer";
import { SGD } from "../optim/sgd";
import { Dataset, subset } from "../data/dataset";
import { DataLoader } from "../data/dataloader";
import { Rng } from "../random/rng";
import { accuracy } from "./accuracy";
import { ClassificationLoss, evaluate } from "./evaluate";
import { percentiles } from "./percentile";
import { InputRecorder, recordInputs } from "./record-inputs";

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
 * Each step is the classic loop (see the body of `trainStep`). The test set is
 * evaluated in eval mode (model.eval(), then model.train() again). With the same
 * seed, model and data, the history is identical on every run (except the times).
 */
export function fit(model: Module, data: { train: Dataset; test?: Dataset }, options: FitOptions): History {
  const batchSize = options.batchSize ?? 60;
  const seed = options.seed ?? 0;
  const loader = new DataLoader(data.train, {
    batchSize,
    seed,
    dropLast: options.dropLast ?? true,
    oneClassPerBatch: options.oneClassPerBatch ?? false,
  });
  const totalSteps = resolveSteps(options, loader.length);
  const optimizer = resolveOptimizer(model, options);
  const lossFn = options.loss ?? new CrossEntropyLoss();
  const evalEvery = options.evalEvery ?? Math.max(1, Math.round(totalSteps / 20));
  checkPositiveInteger("evalEvery", evalEvery);
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
  if (options.optimizer) return options.optimizer;
  if (options.lr !== undefined) return new SGD(model.parameters(), { lr: options.lr });
  throw new Error("fit: give an optimizer, e.g. { optimizer: new SGD(model.parameters(), { lr: 0.1 }) }, or { lr: 0.1 } for plain SGD");
}

/** A fixed random subset of the test set (the same for every evaluation). */
function evalSubset(test: Dataset, evalSize: number | undefined, seed: number): Dataset {
  if (evalSize === undefined || evalSize >= test.y.length) return test;
  checkPositiveInteger("evalSize", evalSize);
  return subset(test, new Rng(`fit-eval/${seed}`).sample(test.y.length, evalSize));
}

interface Recording {
  capture(step: number): void;
  stop(): void;
}

function startRecording(model: Module, options: RecordOptions, history: History): Recording {
  const layer = resolveLayer(model, options.layer);
  const ps = options.percentiles ?? [15, 50, 85];
  const every = checkPositiveInteger("record.every", options.every ?? 10);
  const activations = { layer: layer.toString(), step: [] as number[], percentiles: {} as Record<string, number[]> };
  for (const p of ps) activations.percentiles[String(p)] = [];
  history.activations = activations;
  const rec: InputRecorder = recordInputs(layer);
  return {
    capture(step: number) {
      if (!(step === 1 || step % every === 0) || rec.last === null) return;
      const x = rec.last;
      if (options.unit !== undefined && !(Number.isInteger(options.unit) && options.unit >= 0 && options.unit < x.cols)) {
        throw new RangeError(`fit: record.unit must be an integer in [0, ${x.cols}) for the input of ${layer}, got ${options.unit}`);
      }
      const values = options.unit === undefined ? x.data : x.columnArray(options.unit);
      activations.step.push(step);
      percentiles(values, ps).forEach((v, i) => activations.percentiles[String(ps[i])].push(v));
    },
    stop: () => rec.stop(),
  };
}

function resolveLayer(model: Module, layer: AnyModule | number): AnyModule {
  if (typeof layer !== "number") return layer;
  if (!(model instanceof Sequential)) {
    throw new Error(`fit: record.layer is the index ${layer}, but the model is not a Sequential; pass the layer module itself`);
  }
  if (!Number.isInteger(layer) || layer < 0 || layer >= model.length) {
    throw new RangeError(`fit: record.layer must be an index in [0, ${model.length}) of ${model}, got ${layer}`);
  }
  return model.at(layer);
}

function checkPositiveInteger(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`fit: ${name} must be an integer ≥ 1, got ${v}`);
  return v;
}
