import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { AnyModule, Module } from "../../nn/module";
import { Sequential } from "../../nn/sequential";
import { Linear } from "../../nn/linear";
import { BatchNorm1d } from "../../nn/batchnorm";
import { ReLU } from "../../nn/activations";
import { CheckResult } from "../check-result";
import { CheckSpec, Outputs, runCheck } from "../engine";
import { callLearner, expectNumber } from "../learner-code";
import { featureBatch } from "../inputs";

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
  /** What the same model scores if it is (wrongly) run in training mode on the whole set. */
  trainModeAccuracy: number;
}

const EVAL_ACCURACY = 0.75;

/** Linear → BatchNorm1d → ReLU → Linear, whose running statistics (0 and 1) are far from the data's. */
function makeModel(): Sequential {
  const rng = new Rng("bnlab/exercises/evaluateAccuracy/model");
  return new Sequential(new Linear(4, 6, { rng }), new BatchNorm1d(6), new ReLU(), new Linear(6, 3, { rng }));
}

function makeInput(): Input {
  const rng = new Rng("bnlab/exercises/evaluateAccuracy/data");
  const x = featureBatch(rng, 40, [1.5, -1, 2, 0.5], [1, 2, 0.5, 1.5]);
  const predicted = makeModel().eval().forward(x).argmaxRows();
  // the model's eval-mode prediction is the label for 3 examples in 4, so the right answer is 0.75
  const y = predicted.map((p, i) => (i % 4 === 0 ? (p + 1) % 3 : p));
  const trained = makeModel().forward(x).argmaxRows();
  const trainModeAccuracy = trained.filter((p, i) => p === y[i]).length / y.length;
  return { model: makeModel, data: { x, y }, trainModeAccuracy };
}

function buffersOf(model: Module): number[] {
  return model.namedBuffers().flatMap(([, m]) => Array.from(m.data));
}

function allTraining(model: AnyModule): boolean {
  return model.training && model.children().every(allTraining);
}

const one = (v: number) => Matrix.row([v]);

export const evaluateAccuracySpec: CheckSpec<Input, EvaluateAccuracyFn> = {
  exercise: "evaluateAccuracy",
  title: "Test accuracy of a model with batch norm",
  cases: [{ label: "a Linear–BatchNorm1d–ReLU–Linear model (in training mode) and 40 test examples", input: makeInput() }],
  run(fn, input) {
    const model = input.model();
    const before = buffersOf(model);
    // the model is passed as is (not copied): the checker inspects what the function did to it
    const { result } = callLearner((data: LabelledData) => fn(model, data), [input.data], ["data"]);
    const accuracy = expectNumber(result, "The accuracy");
    const after = buffersOf(model);
    const changed = after.some((v, i) => !Object.is(v, before[i]));
    return { accuracy: one(accuracy), buffersChanged: one(changed ? 1 : 0), trainingAfter: one(allTraining(model) ? 1 : 0) };
  },
  reference: (): Outputs => ({ accuracy: one(EVAL_ACCURACY), buffersChanged: one(0), trainingAfter: one(1) }),
  mistakes: [
    {
      ids: ["forgot-eval"],
      matches: (got, input) => got.buffersChanged.data[0] === 1 || Math.abs(got.accuracy.data[0] - input.trainModeAccuracy) < 1e-12,
    },
    { ids: ["mode-not-restored"], matches: (got) => got.trainingAfter.data[0] === 0 },
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
    `model = ${input.model().toString()} in training mode\ndata = ${input.data.x.rows} examples of ${input.data.x.cols} features, 3 classes`,
  labels: {
    accuracy: "accuracy",
    buffersChanged: "running statistics changed (1 = yes)",
    trainingAfter: "model.training afterwards (1 = yes)",
  },
};

export function checkEvaluateAccuracy(fn: EvaluateAccuracyFn): CheckResult {
  return runCheck(evaluateAccuracySpec, fn);
}
