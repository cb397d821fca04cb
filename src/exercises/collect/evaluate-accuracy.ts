import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { AnyModule, Module } from "../../nn/module";
import { Sequential } from "../../nn/sequential";
import { Linear } from "../../nn/linear";
import { BatchNorm1d } from "../../nn/batchnorm";
import { ReLU } from "../../nn/activations";
import { ExerciseCollect, ExerciseInputs } from "../engine";
import { featureBatch } from "../inputs";
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

export interface Input {
  /** A fresh copy of the same model for every call. */
  model: () => Sequential;
  data: LabelledData;
}

/** Linear → BatchNorm1d → ReLU → Linear, whose running statistics (0 and 1) are far from the data's. */
function makeModel(seed: string, classes: number): Sequential {
  const rng = new Rng(`${seed}/model`);
  return new Sequential(new Linear(4, 6, { rng }), new BatchNorm1d(6), new ReLU(), new Linear(6, classes, { rng }));
}

/**
 * A model and a test set on which its eval-mode predictions are BALANCED (perClass examples
 * predicted as each class, interleaved), labelled so that every `wrongEvery`-th prediction is
 * wrong (fewer than half), and on which training mode scores otherwise, right or wrong: a constant
 * prediction or a forgotten eval() cannot score the right accuracy, nor can the argmin (it differs
 * from the argmax everywhere, so it can match only the wrong labels). The first such draw from
 * `seed/0`, `seed/1`, …
 */
function makeInput(seed: string, classes: number, perClass: number, wrongEvery: number): Input {
  for (let attempt = 0; attempt < 200; attempt++) {
    const input = drawInput(`${seed}/${attempt}`, classes, perClass, wrongEvery);
    const { x, y } = input.data;
    const right = y.length - Math.floor(y.length / wrongEvery);
    const trainRight = input.model().forward(x).argmaxRows().filter((p, i) => p === y[i]).length;
    if (y.length === classes * perClass && trainRight !== right && trainRight !== y.length - right) return input;
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
  return { model, data: { x, y: predicted.map((p, i) => (i % wrongEvery === wrongEvery - 1 ? (p + 1) % classes : p)) } };
}

/** `base` with label i moved to the next class (a right prediction becomes wrong, or the reverse). */
function relabel(base: Input, i: number): Input {
  const classes = base.model().eval().forward(base.data.x).cols;
  return { model: base.model, data: { x: base.data.x, y: base.data.y.map((c, k) => (k === i ? (c + 1) % classes : c)) } };
}

function buffersOf(model: Module): number[] {
  return model.namedBuffers().flatMap(([, m]) => Array.from(m.data));
}

function allTraining(model: AnyModule): boolean {
  return model.training && model.children().every(allTraining);
}

/** The cases and probes drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
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
  return { cases, probes };
}

export const evaluateAccuracyCollect: ExerciseCollect<Input, EvaluateAccuracyFn> = {
  exercise: "evaluateAccuracy",
  draw,
  collect(fn, input, calls) {
    const model = input.model();
    const before = buffersOf(model);
    // the model is passed as is (not copied): the checker inspects what the function did to it
    const { result } = calls.call((data: LabelledData) => fn(model, data), [input.data], ["data"]);
    const after = buffersOf(model);
    const buffersChanged = after.length !== before.length || after.some((v, i) => !Object.is(v, before[i]));
    return { result, buffersChanged, trainingAfter: allTraining(model) };
  },
};
