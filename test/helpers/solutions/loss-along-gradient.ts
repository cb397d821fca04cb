import { Matrix } from "../../../src/tensor/matrix";
import type { LossAndGrad } from "../../../src/exercises/collect/loss-along-gradient";

const norm = (m: Matrix) => Math.sqrt(m.mul(m).sum());

/** Exercise 7.2: the loss, the gradient's change and β along −∇L, every probe from the same θ. */
export function lossAlongGradient(f: LossAndGrad, theta: Matrix, stepSizes: number[]): { losses: number[]; gradChanges: number[]; beta: number } {
  const g = f(theta).grad;
  const losses: number[] = [];
  const gradChanges: number[] = [];
  let beta = 0;
  for (const eta of stepSizes) {
    const there = f(theta.sub(g.scale(eta))); //         θ' = θ − η·g
    const change = norm(there.grad.sub(g)); //           ‖∇L(θ') − g‖
    losses.push(there.loss);
    gradChanges.push(change);
    beta = Math.max(beta, change / (eta * norm(g))); //  ÷ ‖θ' − θ‖
  }
  return { losses, gradChanges, beta };
}
