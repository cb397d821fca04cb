import { Matrix } from "../../../src/tensor/matrix";
import { BnState } from "../../../src/exercises/collect/forward-with-mode";
import { batchStats } from "./batch-stats";
import { updateRunningStats } from "./running-stats";

/** Training: batch statistics, then update the running ones. Evaluation: running statistics only. */
export function forwardWithMode(state: BnState, x: Matrix, training: boolean): Matrix {
  let mean = state.runningMean;
  let variance = state.runningVar;
  if (training) {
    ({ mu: mean, variance } = batchStats(x));
    const running = updateRunningStats({ mean: state.runningMean, var: state.runningVar }, x, state.momentum);
    state.runningMean = running.mean;
    state.runningVar = running.var;
  }
  const xhat = x.sub(mean).div(variance.map((v) => Math.sqrt(v + state.eps)));
  return xhat.mul(state.gamma).add(state.beta);
}
