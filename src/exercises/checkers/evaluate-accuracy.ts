import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { AnyModule, Module } from "../../nn/module";
import { Sequential } from "../../nn/sequential";
import { Linear } from "../../nn/linear";
import { BatchNorm1d } from "../../nn/batchnorm";
import { ReLU } from "../../nn/activations";
import { ExerciseInputs, ExerciseSpec, Outputs } from "../engine";
import { Malformed, expectNumber } from "../learner-code";
import { NOTEBOOK_SEED, featureBatch } from "../inputs";
import { constantOutput } from "../generic-mistakes";
import { probesOn } from "../probes";

/** Labelled examples: one per row of x, its class in y (a Dataset fits). */
export interface LabelledData {
  x: Matrix;
  y: readonly number[];
}

/**
 * Exercise: the fraction (0 … 1) of examples whose predicted class (argmax of the model's output)
 * is the label. The model arrives in training mode and must be in training mode again afterwards.
 */
export type EvaluateAccuracyFn = (model: Module, data: LabelledData) => number;

interface Input {
  /** A fresh copy of the same model for every call. */
  model: () => Sequential;
  data: LabelledData;
  /** The right answer: the eval-mode accuracy. */
  evalAccuracy: number;
  /** What the same model scores if it is (wrongly) run in training mode on the whole set. */
  trainModeAccuracy: number;
  /** What the argmin (instead of the argmax) scores in eval mode. */
  argminAccuracy: number;
}

/** Linear → BatchNorm1d → ReLU → Linear, whose running statistics (0 and 1) are far from the data's. */
function makeModel(seed: string, classes: number): Sequential {
  const rng = new Rng(`${seed}/model`);
  return new Sequential(new Linear(4, 6, { rng }), new BatchNorm1d(6), new ReLU(), new Linear(6, classes, { rng }));
}

function argminRows(m: Matrix): number[] {
  return Array.from({ length: m.rows }, (_, i) => {
    const r = m.rowArray(i);
    return r.indexOf(Math.min(...r));
  });
}

/**
 * A model and a test set on which its eval-mode predictions are BALANCED (perClass examples
 * predicted as each class, interleaved), labelled so that every `wrongEvery`-th prediction is
 * wrong, and on which training mode and the argmin score otherwise: a constant prediction, a
 * broken argmax or a forgotten eval() cannot score the right accuracy. The first such draw from
 * `seed/0`, `seed/1`, …
 */
function makeInput(seed: string, classes: number, perClass: number, wrongEvery: number): Input {
  for (let attempt = 0; attempt < 200; attempt++) {
    const input = drawInput(`${seed}/${attempt}`, classes, perClass, wrongEvery);
    const wrong = [input.trainModeAccuracy, input.argminAccuracy, 1 - input.trainModeAccuracy];
    if (input.data.y.length === classes * perClass && wrong.every((a) => !near(a, input.evalAccuracy))) return input;
  }
  throw new Error(`evaluateAccuracy: no model drawn from ${seed} predicts ${perClass} examples of each of ${classes} classes (a bug in the checker)`);
}

function drawInput(seed: string, classes: number, perClass: number, wrongEvery: number): Input {
  const model = () => makeModel(seed, classes);
  const rng = new Rng(`${seed}/data`);
  const pool = featureBatch(rng, 600, [1.5, -1, 2, 0.5], [1, 2, 0.5, 1.5]);
  const poolPredicted = model().eval().forward(pool).argmaxRows();
  const byClass = Array.from({ length: classes }, (_, c) => poolPredicted.flatMap((p, i) => (p === c ? [i] : [])).slice(0, perClass));
  const rows: number[] = [];
  for (let k = 0; k < perClass; k++) for (let c = 0; c < classes; c++) if (byClass[c][k] !== undefined) rows.push(byClass[c][k]);
  const x = pool.selectRows(rows);
  const predicted = model().eval().forward(x).argmaxRows();
  return labelled(model, x, predicted.map((p, i) => (i % wrongEvery === wrongEvery - 1 ? (p + 1) % classes : p)));
}

/** The input for a model, its test set and labels, with what the right answer and two mistakes score. */
function labelled(model: () => Sequential, x: Matrix, y: number[]): Input {
  const score = (pred: number[]) => pred.filter((p, i) => p === y[i]).length / y.length;
  return {
    model,
    data: { x, y },
    evalAccuracy: score(model().eval().forward(x).argmaxRows()),
    trainModeAccuracy: score(model().forward(x).argmaxRows()),
    argminAccuracy: score(argminRows(model().eval().forward(x))),
  };
}

/** `base` with label i moved to the next class (a right prediction becomes wrong, or the reverse). */
function relabel(base: Input, i: number): Input {
  const classes = base.model().eval().forward(base.data.x).cols;
  return labelled(base.model, base.data.x, base.data.y.map((c, k) => (k === i ? (c + 1) % classes : c)));
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

function buffersOf(model: Module): number[] {
  return model.namedBuffers().flatMap(([, m]) => Array.from(m.data));
}

function allTraining(model: AnyModule): boolean {
  return model.training && model.children().every(allTraining);
}

const one = (v: number) => Matrix.row([v]);

/** The cases and probes drawn from `seed`, made when first asked for (they run models); the last few seeds' kept. */
const made = new Map<string, ExerciseInputs<Input>>();
function drawnInputs(seed: string): ExerciseInputs<Input> {
  const known = made.get(seed);
  if (known) return known;
  const cases = [
    { label: "a 3-class Linear–BatchNorm1d–ReLU–Linear model (in training mode) and 36 test examples", input: makeInput(`${seed}/evaluateAccuracy/3`, 3, 12, 4) },
    { label: "a 4-class model (in training mode) and 12 test examples", input: makeInput(`${seed}/evaluateAccuracy/4`, 4, 3, 3) },
    { label: "a 2-class model (in training mode) and 8 test examples", input: makeInput(`${seed}/evaluateAccuracy/2`, 2, 4, 8) },
  ];
  const base = cases[0].input;
  const last = base.data.y.length - 1;
  const probes = probesOn(cases[0], [
    { what: "label 0 changes", input: relabel(base, 0), ignored: "example 0 is never counted" },
    { what: `label ${last} changes`, input: relabel(base, last), ignored: `example ${last} is never counted` },
  ]);
  if (made.size >= 8) made.delete(made.keys().next().value as string);
  made.set(seed, { cases, probes });
  return { cases, probes };
}

export const evaluateAccuracySpec: ExerciseSpec<Input, EvaluateAccuracyFn> = {
  exercise: "evaluateAccuracy",
  title: "Test accuracy of a model with batch norm",
  get cases() {
    return drawnInputs(NOTEBOOK_SEED).cases;
  },
  get probes() {
    return drawnInputs(NOTEBOOK_SEED).probes;
  },
  draw: drawnInputs,
  collect(fn, input, calls) {
    const model = input.model();
    const before = buffersOf(model);
    const trainingBefore = allTraining(model);
    // the model is passed as is (not copied): the checker inspects what the function did to it
    const { result } = calls.call((data: LabelledData) => fn(model, data), [input.data], ["data"]);
    const after = buffersOf(model);
    const buffersChanged = after.length !== before.length || after.some((v, i) => !Object.is(v, before[i]));
    return { result, buffersChanged, trainingBefore, trainingAfter: allTraining(model) };
  },
  read(v) {
    const flag = (key: string) => {
      const f = v[key];
      if (typeof f !== "boolean") throw new Malformed("wrong-type", `The collected data has no ${key} flag.`);
      return one(f ? 1 : 0);
    };
    return { accuracy: one(expectNumber(v.result, "The accuracy")), buffersChanged: flag("buffersChanged"), trainingAfter: flag("trainingAfter") };
  },
  reference: (input): Outputs => ({ accuracy: one(input.evalAccuracy), buffersChanged: one(0), trainingAfter: one(1) }),
  mistakes: [
    {
      ids: ["forgot-eval"],
      matches: (got, input) => got.buffersChanged.data[0] === 1 || near(got.accuracy.data[0], input.trainModeAccuracy),
    },
    { ids: ["mode-not-restored"], matches: (got) => got.trainingAfter.data[0] === 0 },
    {
      ids: ["accuracy-not-fraction"],
      matches: (got, input) => {
        const n = input.data.y.length;
        const a = got.accuracy.data[0];
        return [input.evalAccuracy, input.trainModeAccuracy].some((r) => near(a, r * n) || near(a, r * 100) || near(a, (r * n) / (n - 1)));
      },
    },
    {
      ids: ["accuracy-not-fraction"],
      message: "You return the error rate (the fraction of WRONG predictions): the accuracy is the fraction of examples whose argmax is the label.",
      matches: (got, input) => near(got.accuracy.data[0], 1 - input.evalAccuracy) || near(got.accuracy.data[0], 1 - input.trainModeAccuracy),
    },
    { ids: ["prediction-not-argmax"], matches: (got, input) => near(got.accuracy.data[0], input.argminAccuracy) },
    constantOutput<Input>(["accuracy"], "Your accuracy is the same number for every model and test set: compute it from the model's predictions and the labels."),
  ],
  onThrow: (error) =>
    /more than 1 value per (feature|channel) when training/i.test(error.message)
      ? {
          misconceptions: ["forgot-eval"],
          message:
            "BatchNorm refused a single example in training mode: the model was still in training mode while you evaluated. " +
            "Call model.eval() first (and model.train() when you are done).",
        }
      : null,
  passMessage:
    "The accuracy is measured in eval mode (running statistics, which stay untouched), and the model is back in training mode afterwards.",
  describeInput: (input) =>
    `model = ${input.model().toString()} in training mode\ndata = ${input.data.x.rows} examples of ${input.data.x.cols} features, labels [${input.data.y.join(", ")}]`,
  labels: {
    accuracy: "accuracy",
    buffersChanged: "running statistics changed (1 = yes)",
    trainingAfter: "model.training afterwards (1 = yes)",
  },
};
