import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { formatNumber } from "../compare";
import { ExerciseCollect, ExerciseInputs } from "../engine";
import { cloneValue } from "../learner-code";
import { ownField } from "../codec";
import { featureBatch, randomRow } from "../inputs";
import { bump, probesOn } from "../probes";

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

export interface Input {
  state: BnState;
  /** A training batch, an evaluation batch, and a single example (evaluated alone). */
  xTrain: Matrix;
  xEval: Matrix;
  xOne: Matrix;
}

export const SINGLE = "evaluating a single example (a batch of one) in eval mode";

/** The cases and probes, drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
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
  const cases = [
    make([2, -1, 0.5], [1, 2, 0.5], 0.1, 4, 5),
    make([0, 3, 1, -2], [1.5, 0.5, 1, 2], 0.3, 6, 3),
    make([1, -0.5], [0.4, 0.05], 0.25, 2, 4, 0.01),
  ];
  const base = cases[0].input;
  const withState = (change: Partial<BnState>): Input => ({ ...base, state: { ...base.state, ...change } });
  return { cases, probes: probesOn(cases[0], [
    { what: "β changes", input: withState({ beta: bump(base.state.beta) }), ignored: "β is never added" },
    { what: "γ changes", input: withState({ gamma: bump(base.state.gamma) }), ignored: "γ is never applied" },
    { what: "the running mean changes", input: withState({ runningMean: bump(base.state.runningMean) }), ignored: "the running mean is not used", leaks: "training normalizes with the batch's own statistics" },
    { what: "the running variance changes", input: withState({ runningVar: bump(base.state.runningVar) }), ignored: "the running variance is not used", leaks: "training normalizes with the batch's own statistics" },
    { what: "momentum changes", input: withState({ momentum: 0.3 }), ignored: "the momentum is never used" },
    { what: "ε changes", input: withState({ eps: 1e-2 }), ignored: "ε is never used" },
    { what: "the evaluation batch's example 0 changes", input: { ...base, xEval: base.xEval.map((v, i) => (i === 0 ? v + 1 : v)) }, leaks: "in eval mode each example's output depends on that example alone" },
  ]) };
}

export const forwardWithModeCollect: ExerciseCollect<Input, ForwardWithModeFn> = {
  exercise: "forwardWithMode",
  draw,
  collect(fn, input, calls) {
    const step = (state: BnState, x: Matrix, training: boolean) => {
      const args: [BnState, Matrix, boolean] = [state, x, training]; // a tuple: tslab's compiler infers an array of the union here
      return calls.call(fn, args, ["state", "x", "training"], ["state"]);
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
};
