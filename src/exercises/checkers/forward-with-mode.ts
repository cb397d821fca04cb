import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { BatchNorm1d } from "../../nn/batchnorm";
import { DEFAULT_TOLERANCE, closeMatrices, formatMatrix, formatNumber, hang } from "../compare";
import { ExerciseSpec, Mistake, Outputs } from "../engine";
import { cloneValue, expectMatrix } from "../learner-code";
import { ownField } from "../codec";
import { NOTEBOOK_SEED, featureBatch, randomRow } from "../inputs";
import { runningUpdate } from "./running-stats";
import { RIGHT, normalizeVariant, statsVariant } from "../variants";
import { probesOn } from "../probes";

/** The state of a batch-norm layer: parameters, running buffers and settings (PyTorch's meaning). */
export interface BnState {
  gamma: Matrix;
  beta: Matrix;
  runningMean: Matrix;
  runningVar: Matrix;
  /** Weight of the new batch (PyTorch's convention). */
  momentum: number;
  eps: number;
}

/**
 * Exercise: batch norm's forward pass in both modes. Training: normalize with the batch's
 * statistics and update state.runningMean / state.runningVar (in place, or by assigning new
 * matrices). Evaluation: normalize with the running statistics and leave the state alone.
 */
export type ForwardWithModeFn = (state: BnState, x: Matrix, training: boolean) => Matrix;

interface Input {
  state: BnState;
  /** A training batch, an evaluation batch, and a single example (evaluated alone). */
  xTrain: Matrix;
  xEval: Matrix;
  xOne: Matrix;
}

const SINGLE = "evaluating a single example (a batch of one) in eval mode";

/** The reference, from the library's BatchNorm1d (tested against PyTorch). */
function reference(input: Input): Outputs {
  const { state } = input;
  const bn = new BatchNorm1d(state.gamma.cols, { eps: state.eps, momentum: state.momentum });
  bn.gamma.copyFrom(state.gamma);
  bn.beta.copyFrom(state.beta);
  bn.runningMean.copyFrom(state.runningMean);
  bn.runningVar.copyFrom(state.runningVar);
  const yTrain = bn.forward(input.xTrain);
  const meanAfterTrain = bn.runningMean.clone();
  const varAfterTrain = bn.runningVar.clone();
  bn.eval();
  const yEval = bn.forward(input.xEval);
  const yOne = bn.forward(input.xOne);
  return {
    yTrain,
    meanAfterTrain,
    varAfterTrain,
    yEval,
    meanAfterEval: bn.runningMean.clone(),
    varAfterEval: bn.runningVar.clone(),
    yOne,
    meanAfterOne: bn.runningMean.clone(),
    varAfterOne: bn.runningVar.clone(),
  };
}

function withStats(x: Matrix, mean: Matrix, variance: Matrix, s: BnState): Matrix {
  return x.sub(mean).div(variance.map((v) => Math.sqrt(v + s.eps))).mul(s.gamma).add(s.beta);
}

function batchNormalized(x: Matrix, s: BnState): Matrix {
  return normalizeVariant(x, s.eps, RIGHT).mul(s.gamma).add(s.beta);
}

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

function batchStatsOf(x: Matrix, unbiased = false): { mu: Matrix; variance: Matrix } {
  return statsVariant(x, { axis: "features", unbiased });
}

function mistakes(): Mistake<Input>[] {
  const updated = (opts: Parameters<typeof update>[1]) => (got: Outputs, input: Input) => {
    const u = update(input, opts);
    return close(got.meanAfterTrain, u.mean) && close(got.varAfterTrain, u.var);
  };
  /** yTrain normalized with the batch's statistics, with a slip. */
  const trainWith = (o: Parameters<typeof fromStats>[4], unbiased = false) => (got: Outputs, input: Input) => {
    const b = batchStatsOf(input.xTrain, unbiased);
    return close(got.yTrain, fromStats(input.xTrain, b.mu, b.variance, input.state, o));
  };
  /** yEval normalized with the learner's own running statistics after training, with a slip. */
  const evalWith = (o: Parameters<typeof fromStats>[4]) => (got: Outputs, input: Input) =>
    close(got.yEval, fromStats(input.xEval, got.meanAfterTrain, got.varAfterTrain, input.state, o));
  const trainAndEval = (o: Parameters<typeof fromStats>[4]) => (got: Outputs, input: Input) => trainWith(o)(got, input) && evalWith(o)(got, input);
  return [
    {
      ids: ["running-stats-in-training"],
      matches: (got, input) =>
        close(got.yTrain, withStats(input.xTrain, input.state.runningMean, input.state.runningVar, input.state)) ||
        close(got.yTrain, withStats(input.xTrain, got.meanAfterTrain, got.varAfterTrain, input.state)),
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

function cases(seed: string): Array<{ label: string; input: Input }> {
  const rng = new Rng(`${seed}/forwardWithMode`);
  const make = (means: number[], stds: number[], momentum: number, nTrain: number, nEval: number, eps = 1e-5) => {
    const d = means.length;
    const state: BnState = {
      gamma: randomRow(rng, d, 0.5, 2),
      beta: randomRow(rng, d, -1, 1),
      runningMean: randomRow(rng, d, -1, 1),
      runningVar: randomRow(rng, d, 0.5, 2),
      momentum,
      eps,
    };
    return {
      label: `a ${d}-feature layer (momentum ${momentum}, ε = ${formatNumber(eps)}): train on ${nTrain}×${d}, then evaluate ${nEval}×${d} and 1×${d}`,
      input: {
        state,
        xTrain: featureBatch(rng, nTrain, means, stds),
        xEval: featureBatch(rng, nEval, means, stds),
        xOne: featureBatch(rng, 1, means, stds),
      },
    };
  };
  return [
    make([2, -1, 0.5], [1, 2, 0.5], 0.1, 4, 5),
    make([0, 3, 1, -2], [1.5, 0.5, 1, 2], 0.3, 6, 3),
    make([1, -0.5], [0.4, 0.05], 0.25, 2, 4, 0.01),
  ];
}

const bump = (row: Matrix) => row.map((v, _i, j) => v + 0.5 + 0.25 * j);

/** The cases and probes, drawn from `seed`. */
function draw(seed: string) {
  const drawn = cases(seed);
  const base = drawn[0].input;
  const withState = (change: Partial<BnState>): Input => ({ ...base, state: { ...base.state, ...change } });
  return { cases: drawn, probes: probesOn(drawn[0], [
    { what: "β changes", input: withState({ beta: bump(base.state.beta) }), ignored: "β is never added" },
    { what: "γ changes", input: withState({ gamma: bump(base.state.gamma) }), ignored: "γ is never applied" },
    { what: "the running mean changes", input: withState({ runningMean: bump(base.state.runningMean) }), ignored: "the running mean is not used", leaks: "training normalizes with the batch's own statistics" },
    { what: "the running variance changes", input: withState({ runningVar: bump(base.state.runningVar) }), ignored: "the running variance is not used", leaks: "training normalizes with the batch's own statistics" },
    { what: "momentum changes", input: withState({ momentum: 0.3 }), ignored: "the momentum is never used" },
    { what: "ε changes", input: withState({ eps: 1e-2 }), ignored: "ε is never used" },
    { what: "the evaluation batch's example 0 changes", input: { ...base, xEval: base.xEval.map((v, i) => (i === 0 ? v + 1 : v)) }, leaks: "in eval mode each example's output depends on that example alone" },
  ]) };
}

export const forwardWithModeSpec: ExerciseSpec<Input, ForwardWithModeFn> = {
  exercise: "forwardWithMode",
  title: "Batch norm in training and evaluation mode",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect(fn, input, calls) {
    const names = ["state", "x", "training"];
    const step = (state: BnState, x: Matrix, training: boolean) => {
      const args: [BnState, Matrix, boolean] = [state, x, training];
      return calls.call(fn, args, names, ["state"]);
    };
    // the running statistics as the learner left them, copied before the next step can change them
    const observe = (s: BnState) => ({ runningMean: cloneValue(ownField(s, "runningMean")), runningVar: cloneValue(ownField(s, "runningVar")) });
    const train = calls.step("training on a batch", () => step(input.state, input.xTrain, true));
    const stateAfterTrain = observe(train.args[0]);
    const evalRun = calls.step("evaluating a batch", () => step(train.args[0], input.xEval, false));
    const stateAfterEval = observe(evalRun.args[0]);
    const one = calls.step(SINGLE, () => step(evalRun.args[0], input.xOne, false));
    const stateAfterOne = observe(one.args[0]);
    return { yTrain: train.result, stateAfterTrain, yEval: evalRun.result, stateAfterEval, yOne: one.result, stateAfterOne };
  },
  read(v) {
    const stat = (s: unknown, key: string, when: string) => expectMatrix(ownField(s, key), `state.${key} ${when}`, "1×D");
    return {
      yTrain: expectMatrix(v.yTrain, "The output in training mode", "N×D"),
      meanAfterTrain: stat(v.stateAfterTrain, "runningMean", "after training"),
      varAfterTrain: stat(v.stateAfterTrain, "runningVar", "after training"),
      yEval: expectMatrix(v.yEval, "The output in eval mode", "N×D"),
      meanAfterEval: stat(v.stateAfterEval, "runningMean", "after evaluating"),
      varAfterEval: stat(v.stateAfterEval, "runningVar", "after evaluating"),
      yOne: expectMatrix(v.yOne, "The output for a single example in eval mode", "1×D"),
      meanAfterOne: stat(v.stateAfterOne, "runningMean", "after evaluating a single example"),
      varAfterOne: stat(v.stateAfterOne, "runningVar", "after evaluating a single example"),
    };
  },
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
      hang("gamma = ", formatMatrix(input.state.gamma)),
      hang("beta = ", formatMatrix(input.state.beta)),
      hang("runningMean = ", formatMatrix(input.state.runningMean)),
      hang("runningVar = ", formatMatrix(input.state.runningVar)),
      `momentum = ${input.state.momentum}, eps = ${formatNumber(input.state.eps)}`,
      hang("training batch x = ", formatMatrix(input.xTrain)),
      hang("eval batch x = ", formatMatrix(input.xEval)),
      hang("single example x = ", formatMatrix(input.xOne)),
    ].join("\n"),
  labels: {
    yTrain: "output in training mode",
    meanAfterTrain: "running mean after the training step",
    varAfterTrain: "running variance after the training step",
    yEval: "output in eval mode",
    meanAfterEval: "running mean after evaluating",
    varAfterEval: "running variance after evaluating",
    yOne: "output for a single example in eval mode",
    meanAfterOne: "running mean after evaluating a single example",
    varAfterOne: "running variance after evaluating a single example",
  },
};
