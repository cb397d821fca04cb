/** The mean of B independent samples has variance σ²/B, so standard deviation σ/√B. */
export function batchMeanStd(sigma: number, batchSize: number): number {
  return sigma / Math.sqrt(batchSize);
}
