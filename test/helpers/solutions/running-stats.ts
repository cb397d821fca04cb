import { Matrix } from "../../../src/tensor/matrix";
import { batchStats } from "./batch-stats";

/** running = (1 − m)·running + m·batch, storing the unbiased variance N/(N−1)·σ² (PyTorch). */
export function updateRunningStats(
  running: { mean: Matrix; var: Matrix },
  x: Matrix,
  momentum: number,
): { mean: Matrix; var: Matrix } {
  const n = x.rows;
  const { mu, variance } = batchStats(x);
  const unbiased = variance.scale(n / (n - 1));
  return {
    mean: running.mean.scale(1 - momentum).add(mu.scale(momentum)),
    var: running.var.scale(1 - momentum).add(unbiased.scale(momentum)),
  };
}

/** The new batch's weight: momentum, or 1/k for the k-th batch when momentum is null. */
export function newBatchWeight(momentum: number | null, numBatchesTracked: number): number {
  return momentum === null ? 1 / numBatchesTracked : momentum;
}
