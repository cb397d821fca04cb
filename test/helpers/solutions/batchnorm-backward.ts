import { Matrix } from "../../../src/tensor/matrix";

/**
 * Gradients of y = γ·x̂ + β in training mode, through every path (μ and σ² depend on every x):
 *   dγ = Σᵢ dyᵢ·x̂ᵢ,  dβ = Σᵢ dyᵢ,  dx̂ = dy·γ,
 *   dx = (N·dx̂ − Σᵢ dx̂ᵢ − x̂·Σᵢ dx̂ᵢ·x̂ᵢ) / (N·√(σ² + ε)).
 */
export function batchNormBackward(
  dy: Matrix,
  x: Matrix,
  gamma: Matrix,
  eps: number,
): { dx: Matrix; dgamma: Matrix; dbeta: Matrix } {
  const n = x.rows;
  const mu = x.meanRows();
  const variance = x.sub(mu).map((d) => d * d).meanRows();
  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const xhat = x.sub(mu).mul(invStd);
  const dxhat = dy.mul(gamma);
  const dx = dxhat
    .scale(n)
    .sub(dxhat.sumRows())
    .sub(xhat.mul(dxhat.mul(xhat).sumRows()))
    .mul(invStd.scale(1 / n));
  return { dx, dgamma: dy.mul(xhat).sumRows(), dbeta: dy.sumRows() };
}
