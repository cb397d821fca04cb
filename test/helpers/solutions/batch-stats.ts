import { Matrix } from "../../../src/tensor/matrix";

/** μ and σ² per feature: means down each column, biased variance (divide by N). */
export function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {
  const mu = x.meanRows(); //                               1×D
  const variance = x.sub(mu).map((d) => d * d).meanRows(); // 1×D, (1/N) Σ (x − μ)²
  return { mu, variance };
}
