import { Matrix } from "../../../src/tensor/matrix";
import { batchStats } from "./batch-stats";

/** γ = √(σ² + ε) undoes the division and β = μ the subtraction: γ·x̂ + β = x exactly. */
export function recoverIdentity(x: Matrix, eps: number): { gamma: Matrix; beta: Matrix } {
  const { mu, variance } = batchStats(x);
  return { gamma: variance.map((v) => Math.sqrt(v + eps)), beta: mu };
}
