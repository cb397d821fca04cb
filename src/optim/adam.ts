import { Matrix } from "../tensor/matrix";
import { Parameter } from "../nn/parameter";
import { checkRange, Optimizer } from "./optimizer";
import { checkOptions, describe } from "../validate/checks";

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** L2 penalty: λ·p is added to the gradient (default 0; this is Adam's, not AdamW's, weight decay). */
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba 2015) with exactly torch.optim.Adam's update, per parameter p, at step t:
 *
 *   g = ∇p + λ·p
 *   m = β₁·m + (1 − β₁)·g              (first moment)
 *   v = β₂·v + (1 − β₂)·g²             (second moment)
 *   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   (bias corrections: m and v start at 0)
 *   p = p − lr·m̂ / (√v̂ + ε)
 */
export class Adam extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private readonly m: Matrix[];
  private readonly v: Matrix[];

  constructor(params: readonly Parameter[], options: AdamOptions = {}) {
    super("Adam", params, checkOptions("Adam", options).lr ?? 1e-3);
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new TypeError(`Adam: betas must be a pair [β₁, β₂] such as [0.9, 0.999], got ${describe(betas)}`);
    }
    const [beta1, beta2] = betas;
    this.betas = [checkRange("Adam", "betas[0]", beta1, 0, 1), checkRange("Adam", "betas[1]", beta2, 0, 1)];
    this.eps = checkRange("Adam", "eps", options.eps ?? 1e-8, 0, Infinity);
    this.weightDecay = checkRange("Adam", "weightDecay", options.weightDecay ?? 0, 0, Infinity);
    this.m = this.params.map((p) => Matrix.zeros(p.value.rows, p.value.cols));
    this.v = this.params.map((p) => Matrix.zeros(p.value.rows, p.value.cols));
  }

  step(): void {
    this.stepCount += 1;
    const t = this.stepCount;
    const [beta1, beta2] = this.betas;
    const correction1 = 1 - beta1 ** t; //                      1 − β₁ᵗ
    const correction2 = 1 - beta2 ** t; //                      1 − β₂ᵗ
    const stepSize = this.lr / correction1;
    this.params.forEach((p, k) => {
      const g = p.grad.data, w = p.value.data, m = this.m[k].data, v = this.v[k].data;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] + this.weightDecay * w[i]; //           g = ∇p + λ·p
        m[i] = beta1 * m[i] + (1 - beta1) * gi; //              m = β₁·m + (1 − β₁)·g
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi; //         v = β₂·v + (1 − β₂)·g²
        const denom = Math.sqrt(v[i]) / Math.sqrt(correction2) + this.eps; // √v̂ + ε
        w[i] -= (stepSize * m[i]) / denom; //                   p = p − lr·m̂ / (√v̂ + ε)
      }
    });
  }

  toString(): string {
    const opts = [`lr=${this.lr}`, `betas=[${this.betas.join(", ")}]`, `eps=${this.eps}`];
    if (this.weightDecay !== 0) opts.push(`weightDecay=${this.weightDecay}`);
    return `Adam(${opts.join(", ")})`;
  }
}
