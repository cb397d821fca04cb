import { Matrix } from "../../tensor/matrix";
import { ExerciseSpec, Outputs } from "../engine";
import { Malformed, expectNumber } from "../learner-code";
import { constantOutput } from "../generic-mistakes";
import { EvaluateAccuracyFn, Input, evaluateAccuracyCollect } from "../collect/evaluate-accuracy";

/** What the model scores on its test set: in eval mode (the right answer), in training mode, and by the argmin in eval mode. */
interface Scores {
  evalAccuracy: number;
  trainModeAccuracy: number;
  argminAccuracy: number;
}

function scores({ model, data: { x, y } }: Input): Scores {
  const score = (pred: number[]) => pred.filter((p, i) => p === y[i]).length / y.length;
  return {
    evalAccuracy: score(model().eval().forward(x).argmaxRows()),
    trainModeAccuracy: score(model().forward(x).argmaxRows()),
    argminAccuracy: score(model().eval().forward(x).scale(-1).argmaxRows()),
  };
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

const one = (v: number) => Matrix.row([v]);

export const evaluateAccuracySpec: ExerciseSpec<Input, EvaluateAccuracyFn> = {
  ...evaluateAccuracyCollect,
  title: "Test accuracy of a model with batch norm",
  read(v) {
    const flag = (key: string) => {
      const f = v[key];
      if (typeof f !== "boolean") throw new Malformed("wrong-type", `The collected data has no ${key} flag.`);
      return one(f ? 1 : 0);
    };
    return { accuracy: one(expectNumber(v.result, "The accuracy")), buffersChanged: flag("buffersChanged"), trainingAfter: flag("trainingAfter") };
  },
  reference: (input): Outputs => ({ accuracy: one(scores(input).evalAccuracy), buffersChanged: one(0), trainingAfter: one(1) }),
  mistakes: [
    {
      ids: ["forgot-eval"],
      matches: (got, input) => got.buffersChanged.data[0] === 1 || near(got.accuracy.data[0], scores(input).trainModeAccuracy),
    },
    { ids: ["mode-not-restored"], matches: (got) => got.trainingAfter.data[0] === 0 },
    {
      ids: ["accuracy-not-fraction"],
      matches: (got, input) => {
        const n = input.data.y.length;
        const a = got.accuracy.data[0];
        const s = scores(input);
        return [s.evalAccuracy, s.trainModeAccuracy].some((r) => near(a, r * n) || near(a, r * 100) || near(a, (r * n) / (n - 1)));
      },
    },
    {
      ids: ["accuracy-not-fraction"],
      message: "You return the error rate (the fraction of WRONG predictions): the accuracy is the fraction of examples whose argmax is the label.",
      matches: (got, input) => [scores(input).evalAccuracy, scores(input).trainModeAccuracy].some((r) => near(got.accuracy.data[0], 1 - r)),
    },
    { ids: ["prediction-not-argmax"], matches: (got, input) => near(got.accuracy.data[0], scores(input).argminAccuracy) },
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
