import { Matrix } from "../tensor/matrix";
import { Tensor } from "../tensor/tensor";
import { backend } from "../tensor/backend";
import { BatchNormOptions, formatNumber, updateRunningStats } from "./batchnorm";
import { meanPerChannel, mapPerChannel, sumPerChannel } from "./channels";
import { checkGradTensor, checkImages, savedForBackward } from "./image-checks";
import { Module } from "./module";
import { Parameter } from "./parameter";

/** What forward keeps for backward. */
interface Saved {
  xhat: Tensor;
  invStd: Matrix; // 1 / √(σ² + ε), one per channel
  usedBatchStats: boolean;
}

/**
 * Batch normalization of image batches [N, C, H, W] ("spatial batch norm"), with
 * exactly the semantics of PyTorch's nn.BatchNorm2d. A channel is one feature —
 * the same filter applied at every position — so its statistics are taken over
 * every image AND every position, m = N·H·W numbers per channel:
 *
 *   μ[c]  = (1/m) Σ_{n,h,w} x[n,c,h,w]
 *   σ²[c] = (1/m) Σ_{n,h,w} (x[n,c,h,w] − μ[c])²        (biased)
 *   x̂     = (x − μ[c]) / √(σ²[c] + ε)
 *   y     = γ[c]·x̂ + β[c]
 *
 * This is BatchNorm1d on the (N·H·W) × C matrix whose rows are all the
 * positions of all the images. Running averages as BatchNorm1d's, with the
 * unbiased variance σ²·m/(m − 1), m = N·H·W; evaluation mode uses them.
 */
export class BatchNorm2d extends Module<Tensor, Tensor> {
  readonly numFeatures: number;
  readonly eps: number;
  private momentumValue: number | null = 0.1;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** γ, per channel, starts at 1. */
  readonly weight: Parameter;
  /** β, per channel, starts at 0. */
  readonly bias: Parameter;
  /** Running estimate of each channel's mean, starts at 0. */
  readonly runningMean: Matrix;
  /** Running estimate of each channel's (unbiased) variance, starts at 1. */
  readonly runningVar: Matrix;
  private readonly tracked = Matrix.zeros(1, 1);
  private saved: Saved | null = null;
  /** Run forward/backward as the backend's fused per-channel passes (default true); false runs the code below, the reference the tests compare with (equal to 1e-12: sums in another order). */
  fastPath = true;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new RangeError(`BatchNorm2d: numFeatures (the number of channels) must be an integer ≥ 1, got ${numFeatures}`);
    }
    const eps = options.eps ?? 1e-5;
    if (!(eps >= 0)) throw new RangeError(`BatchNorm2d: eps must be ≥ 0 (typically 1e-5), got ${eps}`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = new Parameter("weight", Matrix.ones(1, numFeatures));
    this.bias = new Parameter("bias", Matrix.zeros(1, numFeatures));
    this.runningMean = Matrix.zeros(1, numFeatures);
    this.runningVar = Matrix.ones(1, numFeatures);
  }

  /** Weight of the new batch in the running averages (PyTorch's convention, default 0.1); null = cumulative average. */
  get momentum(): number | null {
    return this.momentumValue;
  }

  set momentum(momentum: number | null) {
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) {
      throw new RangeError(`BatchNorm2d: momentum must be in [0, 1] (the weight of the new batch, PyTorch's convention: 0.1) or null, got ${momentum}`);
    }
    this.momentumValue = momentum;
  }

  get gamma(): Matrix {
    return this.weight.value;
  }

  get beta(): Matrix {
    return this.bias.value;
  }

  get numBatchesTracked(): number {
    return this.tracked.data[0];
  }

  set numBatchesTracked(n: number) {
    this.tracked.data[0] = n;
  }

  forward(x: Tensor): Tensor {
    const [N, , H, W] = checkImages(this.toString(), x, this.numFeatures).shape;
    const m = N * H * W; //                                       numbers per channel
    const useBatchStats = this.training || !this.trackRunningStats;
    if (useBatchStats && m < 2) {
      throw new Error(
        `${this.toString()}: expected more than 1 value per channel ${this.training ? "when training" : "without running statistics"}, ` +
          `got input of shape ${x.shapeString()} (N·H·W = ${m}). The variance of one number is 0. Use a larger batch or image` +
          (this.trackRunningStats ? ", or call eval() to use the running statistics." : "."),
      );
    }
    if (this.fastPath) return this.forwardFast(x, useBatchStats); //   same numbers, fused backend passes (see the end)
    let mu = this.runningMean;
    let variance = this.runningVar;
    if (useBatchStats) {
      mu = meanPerChannel(x); //                                                  μ[c] = mean over n, h, w
      variance = meanPerChannel(mapPerChannel(x, (v, c) => (v - mu.data[c]) ** 2)); // σ²[c] (biased)
    }
    const invStd = variance.map((v) => 1 / Math.sqrt(v + this.eps)); //          1 / √(σ² + ε)
    const xhat = mapPerChannel(x, (v, c) => (v - mu.data[c]) * invStd.data[c]); // x̂ = (x − μ) / √(σ² + ε)
    const gamma = this.gamma.data, beta = this.beta.data;
    const y = this.affine ? mapPerChannel(xhat, (v, c) => v * gamma[c] + beta[c]) : xhat; // y = γ·x̂ + β

    if (this.training && this.trackRunningStats) updateRunningStats(this, mu, variance, m); // unbiased with m = N·H·W
    this.saved = { xhat, invStd, usedBatchStats: useBatchStats };
    return y;
  }

  /**
   * BatchNorm1d's backward, per channel, with the sums over all m = N·H·W numbers of the channel:
   *   ∂L/∂γ = Σ dy·x̂,  ∂L/∂β = Σ dy,  dx̂ = dy·γ
   *   dx = (m·dx̂ − Σ dx̂ − x̂·Σ dx̂·x̂) / (m·√(σ²+ε))     (eval mode: dx = dx̂ / √(σ²+ε))
   */
  backward(dy: Tensor): Tensor {
    const { xhat, invStd, usedBatchStats } = savedForBackward(this.toString(), this.saved);
    checkGradTensor(this.toString(), dy, xhat.shape);
    if (this.fastPath) return this.backwardFast(dy); //                  same numbers, fused backend passes (see the end)
    const m = xhat.size / this.numFeatures;
    if (this.affine) {
      this.weight.grad.addInPlace(sumPerChannel(dy.mul(xhat))); //   ∂L/∂γ = Σ dy·x̂
      this.bias.grad.addInPlace(sumPerChannel(dy)); //               ∂L/∂β = Σ dy
    }
    const gamma = this.gamma.data;
    const dxhat = this.affine ? mapPerChannel(dy, (v, c) => v * gamma[c]) : dy; // dx̂ = dy·γ
    if (!usedBatchStats) return mapPerChannel(dxhat, (v, c) => v * invStd.data[c]); // constants μ, σ²

    const sumDxhat = sumPerChannel(dxhat); //                        Σ dx̂       (the path through μ)
    const sumDxhatXhat = sumPerChannel(dxhat.mul(xhat)); //          Σ dx̂·x̂     (the path through σ²)
    return mapPerChannel(dxhat, (v, c, i) => (m * v - sumDxhat.data[c] - xhat.data[i] * sumDxhatXhat.data[c]) * (invStd.data[c] / m));
    //                                                                dx = (m·dx̂ − Σdx̂ − x̂·Σdx̂x̂) / (m·√(σ²+ε))
  }

  // ---- fast path -----------------------------------------------------------
  // The same computation as forward/backward above, as two or three fused backend
  // passes over the batch (src/tensor/backend.ts, batchNorm2d*) instead of one
  // pass per step; each channel's sums are taken in another order (tested to 1e-12).

  private forwardFast(x: Tensor, useBatchStats: boolean): Tensor {
    const [N, C, H, W] = x.shape;
    const m = N * H * W;
    let mu = this.runningMean;
    let variance = this.runningVar;
    if (useBatchStats) {
      mu = new Matrix(1, C);
      variance = new Matrix(1, C);
      backend().batchNorm2dStats(x.data, mu.data, variance.data, N, C, H * W); // μ, σ² (biased)
    }
    const invStd = variance.map((v) => 1 / Math.sqrt(v + this.eps));
    const xhat = new Tensor(x.shape);
    const y = this.affine ? new Tensor(x.shape) : xhat;
    const [gamma, beta] = this.affine ? [this.gamma.data, this.beta.data] : [null, null];
    backend().batchNorm2dNormalize(x.data, mu.data, invStd.data, gamma, beta, xhat.data, y.data, N, C, H * W); // x̂, y

    if (this.training && this.trackRunningStats) updateRunningStats(this, mu, variance, m);
    this.saved = { xhat, invStd, usedBatchStats: useBatchStats };
    return y;
  }

  private backwardFast(dy: Tensor): Tensor {
    const { xhat, invStd, usedBatchStats } = this.saved!;
    const [N, C, H, W] = xhat.shape;
    const dx = new Tensor(xhat.shape);
    const [gamma, dgamma, dbeta] = this.affine ? [this.gamma.data, this.weight.grad.data, this.bias.grad.data] : [null, null, null];
    backend().batchNorm2dBackward(dy.data, xhat.data, invStd.data, gamma, dgamma, dbeta, dx.data, N, C, H * W, usedBatchStats);
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
    return `BatchNorm2d(${this.numFeatures}, ${opts.join(", ")})`;
  }
}
