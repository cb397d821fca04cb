import { Matrix } from "../../tensor/matrix";
import { BatchNorm1d } from "../../nn/batchnorm";
import { DEFAULT_TOLERANCE, closeMatrices, formatNumber } from "../compare";
import { ExerciseSpec, Mistake, Outputs, describeFields, describeValues } from "../engine";
import { expectMatrix } from "../learner-code";
import { ownField } from "../codec";
import { runningUpdate } from "./running-stats";
import { statsVariant } from "../variants";
import { BnState, ForwardWithModeFn, Input, SINGLE, forwardWithModeCollect } from "../collect/forward-with-mode";

/** The reference, from the library's BatchNorm1d (tested against PyTorch). */
function reference(input: Input): Outputs {
  const { state } = input;
  const bn = new BatchNorm1d(state.gamma.cols, { eps: state.eps, momentum: state.momentum });
  bn.gamma.copyFrom(state.gamma);
  bn.beta.copyFrom(state.beta);
  bn.runningMean.copyFrom(state.runningMean);
  bn.runningVar.copyFrom(state.runningVar);
  // a step's output, then the running statistics it leaves
  const step = (key: string, x: Matrix) => ({ [`y${key}`]: bn.forward(x), [`meanAfter${key}`]: bn.runningMean.clone(), [`varAfter${key}`]: bn.runningVar.clone() });
  const train = step("Train", input.xTrain);
  bn.eval();
  return { ...train, ...step("Eval", input.xEval), ...step("One", input.xOne) };
}

/** The collector's steps, in order: each one's key, its output's name and shape, and "after …" as the read's errors and the labels say it. */
const STEPS = [
  { key: "Train", output: "output in training mode", shape: "N×D", after: "after training", afterStep: "after the training step" },
  { key: "Eval", output: "output in eval mode", shape: "N×D", after: "after evaluating", afterStep: "after evaluating" },
  { key: "One", output: "output for a single example in eval mode", shape: "1×D", after: "after evaluating a single example", afterStep: "after evaluating a single example" },
];

const close = (a: Matrix, b: Matrix) => closeMatrices(a, b, DEFAULT_TOLERANCE);

function update(input: Input, opts: Parameters<typeof runningUpdate>[1]): Outputs {
  const s = input.state;
  return runningUpdate({ running: { mean: s.runningMean, var: s.runningVar }, x: input.xTrain, momentum: s.momentum }, opts);
}

/** y from given statistics, with the chosen slips (variance used as a deviation, no ε, no γ/β, γ/β swapped). */
function fromStats(
  x: Matrix,
  mean: Matrix,
  variance: Matrix,
  s: BnState,
  o: { varAsStd?: boolean; eps?: number; affine?: "right" | "missing" | "swapped" } = {},
): Matrix {
  const eps = o.eps ?? s.eps;
  const scale = variance.map((v) => (o.varAsStd ? v + eps : Math.sqrt(v + eps)));
  const xhat = x.sub(mean).div(scale);
  if (o.affine === "missing") return xhat;
  if (o.affine === "swapped") return xhat.mul(s.beta).add(s.gamma);
  return xhat.mul(s.gamma).add(s.beta);
}

/** y normalized with the batch's own statistics (the biased variance, unless `unbiased`), with the chosen slips. */
function batchNormalized(x: Matrix, s: BnState, o: Parameters<typeof fromStats>[4] = {}, unbiased = false): Matrix {
  const b = statsVariant(x, { axis: "features", unbiased });
  return fromStats(x, b.mu, b.variance, s, o);
}

function mistakes(): Mistake<Input>[] {
  const updated = (opts: Parameters<typeof update>[1]) => (got: Outputs, input: Input) => {
    const u = update(input, opts);
    return close(got.meanAfterTrain, u.mean) && close(got.varAfterTrain, u.var);
  };
  /** yTrain normalized with the batch's statistics, with a slip. */
  const trainWith = (o: Parameters<typeof fromStats>[4], unbiased = false) => (got: Outputs, input: Input) =>
    close(got.yTrain, batchNormalized(input.xTrain, input.state, o, unbiased));
  /** yEval normalized with the learner's own running statistics after training, with a slip. */
  const evalWith = (o: Parameters<typeof fromStats>[4]) => (got: Outputs, input: Input) =>
    close(got.yEval, fromStats(input.xEval, got.meanAfterTrain, got.varAfterTrain, input.state, o));
  const trainAndEval = (o: Parameters<typeof fromStats>[4]) => (got: Outputs, input: Input) => trainWith(o)(got, input) && evalWith(o)(got, input);
  return [
    {
      ids: ["running-stats-in-training"],
      matches: (got, input) =>
        close(got.yTrain, fromStats(input.xTrain, input.state.runningMean, input.state.runningVar, input.state)) ||
        close(got.yTrain, fromStats(input.xTrain, got.meanAfterTrain, got.varAfterTrain, input.state)),
    },
    { ids: ["momentum-reversed", "biased-running-variance"], matches: updated({ reversed: true, biased: true }) },
    { ids: ["momentum-reversed"], matches: updated({ reversed: true }) },
    { ids: ["biased-running-variance"], matches: updated({ biased: true }) },
    {
      ids: ["running-not-updated"],
      matches: (got, input) => close(got.meanAfterTrain, input.state.runningMean) && close(got.varAfterTrain, input.state.runningVar),
    },
    { ids: ["running-replaced-by-batch"], matches: (got, input) => updated({ momentum: 1 })(got, input) || updated({ momentum: 1, biased: true })(got, input) },
    {
      ids: ["ignores-argument"],
      message: "Your running statistics move by a fixed momentum written in your code: use state.momentum (the checker passes 0.1, 0.3 and 0.25).",
      matchesAll: (got, inputs) =>
        [0.1, 0.9, 0.01, 0.99].some(
          (m) => inputs.some((input) => input.state.momentum !== m) && inputs.every((input, i) => updated({ momentum: m })(got[i], input)),
        ),
    },
    {
      ids: ["variance-std-confusion"],
      message: "You blend the batch's standard deviation into the running VARIANCE: use the (unbiased) batch variance.",
      matches: updated({ std: true }),
    },
    {
      ids: ["unbiased-variance"],
      message: "In training you normalize with the unbiased variance (divide by N − 1): normalize with the biased one (divide by N); only the running variance stores the unbiased one.",
      matches: trainWith({}, true),
    },
    {
      ids: ["eps-forgotten"],
      matches: (got, input) => trainWith({ eps: 0 })(got, input) || evalWith({ eps: 0 })(got, input),
    },
    {
      ids: ["ignores-argument"],
      message: "You use an ε written in your code instead of state.eps: the checker passes other values.",
      matchesAll: (got, inputs) =>
        [1e-5, 1e-3, 1e-8].some((e) => inputs.some((input) => input.state.eps !== e) && inputs.every((input, i) => trainWith({ eps: e })(got[i], input))),
    },
    {
      ids: ["variance-std-confusion"],
      message: "In evaluation you divide by runningVar + ε, a variance: divide by its square root, √(runningVar + ε).",
      matches: (got, input) => evalWith({ varAsStd: true })(got, input) || trainWith({ varAsStd: true })(got, input),
    },
    { ids: ["affine-missing"], matches: (got, input) => trainWith({ affine: "missing" })(got, input) || evalWith({ affine: "missing" })(got, input) },
    { ids: ["gamma-beta-swapped"], matches: trainAndEval({ affine: "swapped" }) },
    {
      ids: ["running-updated-in-eval"],
      matches: (got) =>
        !close(got.meanAfterEval, got.meanAfterTrain) ||
        !close(got.varAfterEval, got.varAfterTrain) ||
        !close(got.meanAfterOne, got.meanAfterEval) ||
        !close(got.varAfterOne, got.varAfterEval),
    },
    {
      ids: ["batch-stats-in-eval"],
      matches: (got, input) =>
        close(got.yEval, batchNormalized(input.xEval, input.state)) ||
        close(got.yOne, input.state.beta) ||
        (got.yOne.data.every((v) => Number.isNaN(v)) && close(got.meanAfterOne, got.meanAfterEval) && close(got.varAfterOne, got.varAfterEval)),
    },
  ];
}

export const forwardWithModeSpec: ExerciseSpec<Input, ForwardWithModeFn> = {
  ...forwardWithModeCollect,
  title: "Batch norm in training and evaluation mode",
  read: (v) =>
    Object.fromEntries(
      STEPS.flatMap(({ key, output, shape, after }) => {
        const stat = (field: string) => expectMatrix(ownField(v[`stateAfter${key}`], field), `state.${field} ${after}`, "1×D");
        return [[`y${key}`, expectMatrix(v[`y${key}`], `The ${output}`, shape)], [`meanAfter${key}`, stat("runningMean")], [`varAfter${key}`, stat("runningVar")]];
      }),
    ),
  reference,
  mistakes: mistakes(),
  onThrow: (error) =>
    error.during === SINGLE
      ? {
          misconceptions: ["batch-stats-in-eval"],
          message:
            "Your function fails on a single example in evaluation mode. Evaluation normalizes with the running statistics, " +
            "so one example is fine (that is how a deployed model makes one prediction).",
        }
      : null,
  passMessage:
    "Training normalizes with the batch statistics and updates the running ones (momentum = weight of the new batch, unbiased variance); " +
    "evaluation uses the running statistics, leaves them alone, and works on a single example.",
  describeInput: (input) =>
    [
      describeFields<BnState>(["gamma", "beta", "runningMean", "runningVar"])(input.state),
      `momentum = ${input.state.momentum}, eps = ${formatNumber(input.state.eps)}`,
      describeValues({ "training batch x": input.xTrain, "eval batch x": input.xEval, "single example x": input.xOne }),
    ].join("\n"),
  labels: Object.fromEntries(STEPS.flatMap((s) => [[`y${s.key}`, s.output], [`meanAfter${s.key}`, `running mean ${s.afterStep}`], [`varAfter${s.key}`, `running variance ${s.afterStep}`]])),
};
