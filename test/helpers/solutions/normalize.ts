import { Matrix } from "../../../src/tensor/matrix";
import { batchStats } from "./batch-stats";

/** x̂ = (x − μ) / √(σ² + ε), per feature. */
export function normalize(x: Matrix, eps: number): Matrix {
  const { mu, variance } = batchStats(x);
  return x.sub(mu).div(variance.map((v) => Math.sqrt(v + eps)));
}
