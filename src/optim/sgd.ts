import { Matrix } from "../tensor/matrix";
import { Parameter } from "../nn/parameter";
import { checkRange, Optimizer } from "./optimizer";
import { checkBoolean, describe } from "../validate/checks";

/** options.lr, after checking that options is there (SGD has no default learning rate, as in PyTorch). */
function sgdLr(options: SGDOptions): number {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`SGD: expected options with a learning rate, e.g. new SGD(model.parameters(), { lr: 0.1 }), got ${describe(options)}`);
  }
  if (options.lr === undefined) throw new TypeError("SGD: options.lr (the learning rate) is required, e.g. new SGD(model.parameters(), { lr: 0.1 })");
  return options.lr;
}

export interface SGDOptions {
  /** Learning rate (required). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum?: number;
  /** Dampening of the new gradient in the momentum buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening = 0). */
  nesterov?: boolean;
  /** L2 penalty: λ·p is added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with exactly torch.optim.SGD's update, per parameter p:
 *
 *   g = ∇p + λ·p                      (weight decay)
 *   b = g              on the first step
 *   b = μ·b + (1 − dampening)·g       afterwards (momentum buffer)
 *   g = g + μ·b  (nesterov)  or  g = b
 *   p = p − lr·g
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private readonly buffers: Array<Matrix | null>;

  constructor(params: readonly Parameter[], options: SGDOptions) {
    super("SGD", params, sgdLr(options));
    this.momentum = checkRange("SGD", "momentum", options.momentum ?? 0, 0, Infinity);
    this.dampening = checkRange("SGD", "dampening", options.dampening ?? 0, 0, 1, true);
    this.weightDecay = checkRange("SGD", "weightDecay", options.weightDecay ?? 0, 0, Infinity);
    this.nesterov = checkBoolean("SGD", "nesterov", options.nesterov, false);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError(
        `SGD: nesterov momentum needs momentum > 0 and dampening = 0, got momentum ${this.momentum} ` +
          `and dampening ${this.dampening}`,
      );
    }
    this.buffers = this.params.map(() => null);
  }

  step(): void {
    const mu = this.momentum;
    this.params.forEach((p, k) => {
      let g = p.grad;
      if (this.weightDecay !== 0) g = g.add(p.value.scale(this.weightDecay)); //   g = ∇p + λ·p
      if (mu !== 0) {
        let b = this.buffers[k];
        if (b === null) b = this.buffers[k] = g.clone(); //                       first step: b = g
        else b.scaleInPlace(mu).addInPlace(g, 1 - this.dampening); //            b = μ·b + (1 − d)·g
        g = this.nesterov ? g.add(b.scale(mu)) : b; //                            g = g + μ·b, or g = b
      }
      p.value.addInPlace(g, -this.lr); //                                         p = p − lr·g
    });
    this.stepCount += 1;
  }

  toString(): string {
    const opts = [`lr=${this.lr}`];
    if (this.momentum !== 0) opts.push(`momentum=${this.momentum}`);
    if (this.dampening !== 0) opts.push(`dampening=${this.dampening}`);
    if (this.nesterov) opts.push("nesterov=true");
    if (this.weightDecay !== 0) opts.push(`weightDecay=${this.weightDecay}`);
    return `SGD(${opts.join(", ")})`;
  }
}
