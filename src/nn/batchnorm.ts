import { Matrix } from "../tensor/matrix";
import { backend } from "../tensor/backend";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { allocateLayer, checkBoolean, checkEps, checkOptions, checkSize } from "./layer-checks";
import { describe } from "../validate/checks";

export interface BatchNormOptions {
  /** Added to the variance under the square root, for stability (default 1e-5). */
  eps?: number;
  /**
   * Weight of the NEW batch in the running averages (default 0.1, PyTorch's convention):
   * running = (1 − momentum)·running + momentum·batch. `null` = cumulative average.
   * (Keras and CS231n use the opposite convention: 0.9–0.99 is the weight of the OLD value.)
   */
  momentum?: number | null;
  /** Learnable γ (weight) and β (bias) (default true). */
  affine?: boolean;
  /** Keep running_mean / running_var for evaluation (default true). Without them, eval uses batch statistics too. */
  trackRunningStats?: boolean;
}

/** What forward keeps for backward. */
interface Saved {
  xhat: Matrix;
  invStd: Matrix; // 1 / √(σ² + ε), one per feature
  batchSize: number;
}

/**
 * Batch normalization over a minibatch of feature vectors (Ioffe & Szegedy 2015),
 * with exactly the semantics of PyTorch's nn.BatchNorm1d on 2-D input:
 *
 *   μ  = mean of x over the batch (per feature)
 *   σ² = biased variance over the batch (divide by N)
 *   x̂  = (x − μ) / √(σ² + ε)
 *   y  = γ·x̂ + β
 *
 * In training mode it normalizes with the batch's μ and σ², and updates the
 * running averages (with the UNBIASED variance, N/(N−1)·σ², as PyTorch does).
 * In evaluation mode it normalizes with the running averages instead.
 */
export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  private momentumValue: number | null = 0.1;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** γ, per feature, starts at 1. */
  readonly weight: Parameter;
  /** β, per feature, starts at 0. */
  readonly bias: Parameter;
  /** Running estimate of the mean, starts at 0. */
  readonly runningMean: Matrix;
  /** Running estimate of the (unbiased) variance, starts at 1. */
  readonly runningVar: Matrix;
  /** num_batches_tracked, kept as a 1×1 buffer so that it is saved and loaded with the others. */
  private readonly tracked = Matrix.zeros(1, 1);
  private saved: Saved | null = null;
  private usedBatchStats = true;
  /**
   * Compute forward and backward with the backend's fused passes (default true):
   * the same numbers, in fewer passes and allocations (see "fast path" at the end
   * of the class). false runs the step-by-step code of forward/backward below,
   * the reference that the tests compare the fast path with.
   */
  fastPath = true;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    checkSize("BatchNorm1d", "numFeatures", numFeatures);
    checkOptions("BatchNorm1d", options);
    const eps = checkEps("BatchNorm1d", options.eps === undefined ? 1e-5 : options.eps);
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = checkBoolean("BatchNorm1d", "affine", options.affine, true);
    this.trackRunningStats = checkBoolean("BatchNorm1d", "trackRunningStats", options.trackRunningStats, true);
    const sizes: Array<[string, number, number, boolean]> = [
      ["weight", 1, numFeatures, true], ["bias", 1, numFeatures, true], ["running_mean", 1, numFeatures, false], ["running_var", 1, numFeatures, false],
    ];
    [this.weight, this.bias, this.runningMean, this.runningVar] = allocateLayer(`BatchNorm1d(${numFeatures})`, sizes, () => [
      new Parameter("weight", Matrix.ones(1, numFeatures)),
      new Parameter("bias", Matrix.zeros(1, numFeatures)),
      Matrix.zeros(1, numFeatures),
      Matrix.ones(1, numFeatures),
    ] as const);
  }

  /**
   * Weight of the new batch in the running averages; null = cumulative average.
   * Writable, as in PyTorch (`bn.momentum = None` before a calibration pass).
   */
  get momentum(): number | null {
    return this.momentumValue;
  }

  set momentum(momentum: number | null) {
    if (momentum !== null && (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1))) {
      throw new RangeError(
        `BatchNorm1d: momentum must be in [0, 1] (the weight of the new batch, PyTorch's convention: 0.1) or null, got ${describe(momentum)}`,
      );
    }
    this.momentumValue = momentum;
  }

  /** γ (an alias of weight.value). */
  get gamma(): Matrix {
    return this.weight.value;
  }

  /** How many training batches have updated the running statistics. */
  get numBatchesTracked(): number {
    return this.tracked.data[0];
  }

  set numBatchesTracked(n: number) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new RangeError(`${this.toString()}: numBatchesTracked must be an integer ≥ 0, got ${describe(n)}`);
    }
    this.tracked.data[0] = n;
  }

  /** β (an alias of bias.value). */
  get beta(): Matrix {
    return this.bias.value;
  }

  forward(x: Matrix): Matrix {
    this.checkInput(x, this.numFeatures);
    const useBatchStats = this.training || !this.trackRunningStats;
    if (useBatchStats && x.rows < 1) {
      throw new Error(
        `${this.toString()}: expected a batch of at least 2 examples (rows), got an empty batch [0, ${x.cols}]: ` +
          "there are no numbers to take the batch mean and variance of. Check the data or the batch indices.",
      );
    }
    if (useBatchStats && x.rows < 2) {
      // PyTorch refuses this too, also in eval mode when there are no running statistics to use.
      const when = this.training ? "when training" : "in eval mode without running statistics (trackRunningStats=false)";
      const fix = this.trackRunningStats ? "Use a batch of at least 2, or call eval() to use the running statistics." : "Use a batch of at least 2.";
      throw new Error(
        `${this.toString()}: expected more than 1 value per feature ${when}, got a batch of ${x.rows}. ` +
          "The variance of a single example is 0, so x̂ would be 0 whatever the input. " +
          fix,
      );
    }

    if (this.fastPath) return this.forwardFast(x, useBatchStats); // same result, fused passes (see the end)

    let mu: Matrix;
    let variance: Matrix;
    if (useBatchStats) {
      mu = x.meanRows(); //                                   μ = (1/N) Σᵢ xᵢ
      variance = x.sub(mu).map(square).meanRows(); //         σ² = (1/N) Σᵢ (xᵢ − μ)²   (biased)
    } else {
      mu = this.runningMean;
      variance = this.runningVar;
    }
    const invStd = variance.map((v) => inverseStd(v, this.eps, useBatchStats)); // 1 / √(σ² + ε)
    const xhat = x.sub(mu).mul(invStd); //                                x̂ = (x − μ) / √(σ² + ε)
    const y = this.affine ? xhat.mul(this.gamma).add(this.beta) : xhat; // y = γ·x̂ + β

    if (this.training && this.trackRunningStats) updateRunningStats(this, mu, variance, x.rows);
    this.saved = { xhat, invStd, batchSize: x.rows };
    this.usedBatchStats = useBatchStats;
    return y;
  }

  /**
   * Gradients through every path, including μ and σ² (which depend on the whole batch):
   *   ∂L/∂γ = Σᵢ dyᵢ·x̂ᵢ,  ∂L/∂β = Σᵢ dyᵢ
   *   dx̂ = dy·γ
   *   dx = (1/N)·(1/√(σ²+ε))·(N·dx̂ − Σᵢ dx̂ᵢ − x̂·Σᵢ dx̂ᵢ·x̂ᵢ)
   * In evaluation mode μ and σ² are constants, so dx = dx̂ / √(σ²+ε).
   */
  backward(dy: Matrix): Matrix {
    const { xhat, invStd, batchSize: N } = this.checkGrad(this.saved, dy, this.saved?.batchSize ?? 0, this.numFeatures);
    if (this.fastPath) return this.backwardFast(dy); //         same result, fused passes (see the end)

    if (this.affine) {
      this.weight.grad.addInPlace(dy.mul(xhat).sumRows()); // ∂L/∂γ = Σᵢ dyᵢ·x̂ᵢ
      this.bias.grad.addInPlace(dy.sumRows()); //             ∂L/∂β = Σᵢ dyᵢ
    }
    const dxhat = this.affine ? dy.mul(this.gamma) : dy; //   dx̂ = dy·γ
    if (!this.usedBatchStats) return dxhat.mul(invStd); //    constants μ, σ²: dx = dx̂ / √(σ²+ε)

    const sumDxhat = dxhat.sumRows(); //                      Σᵢ dx̂ᵢ        (the path through μ)
    const sumDxhatXhat = dxhat.mul(xhat).sumRows(); //        Σᵢ dx̂ᵢ·x̂ᵢ     (the path through σ²)
    const dx = dxhat
      .scale(N)
      .sub(sumDxhat)
      .sub(xhat.mul(sumDxhatXhat))
      .mul(invStd.scale(1 / N)); //                           dx = (N·dx̂ − Σdx̂ − x̂·Σdx̂x̂) / (N·√(σ²+ε))
    return dx;
  }

  // ---- fast path -----------------------------------------------------------
  // The same computation as forward/backward above, as two or three fused backend
  // passes over the batch (src/tensor/backend.ts) instead of one pass per step.

  private forwardFast(x: Matrix, useBatchStats: boolean): Matrix {
    const N = x.rows, C = this.numFeatures;
    let mu = this.runningMean;
    let variance = this.runningVar;
    if (useBatchStats) {
      mu = new Matrix(1, C);
      variance = new Matrix(1, C);
      backend().batchNormStats(x.data, mu.data, variance.data, N, C); // μ, σ² (biased)
    }
    const invStd = variance.map((v) => inverseStd(v, this.eps, useBatchStats));
    const xhat = new Matrix(N, C);
    const y = this.affine ? new Matrix(N, C) : xhat;
    const [gamma, beta] = this.affine ? [this.gamma.data, this.beta.data] : [null, null];
    backend().batchNormNormalize(x.data, mu.data, invStd.data, gamma, beta, xhat.data, y.data, N, C); // x̂, y

    if (this.training && this.trackRunningStats) updateRunningStats(this, mu, variance, N);
    this.saved = { xhat, invStd, batchSize: N };
    this.usedBatchStats = useBatchStats;
    return y;
  }

  private backwardFast(dy: Matrix): Matrix {
    const { xhat, invStd, batchSize: N } = this.saved!;
    const dx = new Matrix(N, this.numFeatures);
    const [gamma, dgamma, dbeta] = this.affine ? [this.gamma.data, this.weight.grad.data, this.bias.grad.data] : [null, null, null];
    backend().batchNormBackward(dy.data, xhat.data, invStd.data, gamma, dgamma, dbeta, dx.data, N, this.numFeatures, this.usedBatchStats);
    return dx;
  }

  /** Forget the running statistics (start again from mean 0, variance 1). */
  resetRunningStats(): void {
    this.runningMean.fill(0);
    this.runningVar.fill(1);
    this.numBatchesTracked = 0;
  }

  ownParameters(): Parameter[] {
    return this.affine ? [this.weight, this.bias] : [];
  }

  ownBuffers(): Array<[string, Matrix]> {
    if (!this.trackRunningStats) return [];
    return [
      ["running_mean", this.runningMean],
      ["running_var", this.runningVar],
      ["num_batches_tracked", this.tracked],
    ];
  }

  toString(): string {
    const opts = [`eps=${formatNumber(this.eps)}`, `momentum=${this.momentum}`];
    if (!this.affine) opts.push("affine=false");
    if (!this.trackRunningStats) opts.push("trackRunningStats=false");
    return `BatchNorm1d(${this.numFeatures}, ${opts.join(", ")})`;
  }
}

/** What the running averages live in: BatchNorm1d and BatchRenorm1d. */
export interface RunningStats {
  readonly runningMean: Matrix;
  readonly runningVar: Matrix;
  readonly momentum: number | null;
  numBatchesTracked: number;
}

/**
 * running = (1 − m)·running + m·batch, with the UNBIASED variance σ²·N/(N−1);
 * m = momentum, or 1/numBatchesTracked (a cumulative average) if momentum is null.
 */
export function updateRunningStats(stats: RunningStats, mu: Matrix, biasedVar: Matrix, N: number): void {
  stats.numBatchesTracked += 1;
  const m = stats.momentum === null ? 1 / stats.numBatchesTracked : stats.momentum;
  const unbiasedVar = biasedVar.scale(N / (N - 1)); // σ²·N/(N−1)
  stats.runningMean.scaleInPlace(1 - m).addInPlace(mu, m);
  stats.runningVar.scaleInPlace(1 - m).addInPlace(unbiasedVar, m);
}

/**
 * 1 / √(σ² + ε), with PyTorch's rule for a feature that is constant over the
 * batch when ε = 0: σ² + ε = 0 gives 0, not ∞, so x̂ = 0 (not 0·∞ = NaN) and no
 * gradient flows through that feature (torch's batch_norm InvStd does the same).
 */
export function inverseStd(variance: number, eps: number, batchStats = true): number {
  if (batchStats && variance === 0 && eps === 0) return 0;
  return 1 / Math.sqrt(variance + eps);
}

/** 1e-5 rather than 0.00001. */
export function formatNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential().replace("e-", "e-") : String(v);
}

function square(v: number): number {
  return v * v;
}
