import { Matrix } from "../tensor/matrix";
import { Tensor } from "../tensor/tensor";
import { BatchNormOptions, formatNumber, updateRunningStats } from "./batchnorm";
import { mapPerChannel, sumPerChannel } from "./channels";
import { checkGradTensor, checkImages, savedForBackward } from "./image-checks";
import { normalizeRows, normalizeRowsBackward } from "./layernorm";
import { Module } from "./module";
import { Parameter } from "./parameter";

/** What forward keeps for backward. */
interface Saved {
  xhat: Matrix; // (N·C) × (H·W): one row per image and channel
  invStd: Matrix; // (N·C) × 1, or 1 × C with running statistics (eval)
  shape: readonly number[];
  usedInstanceStats: boolean;
}

/**
 * Instance normalization (Ulyanov et al. 2016), PyTorch's nn.InstanceNorm2d:
 * every channel of every image is normalized over its own H·W positions,
 *
 *   μ[n,c], σ²[n,c] = mean and biased variance of x[n, c, ·, ·]
 *   x̂ = (x − μ[n,c]) / √(σ²[n,c] + ε),   y = γ[c]·x̂ + β[c]
 *
 * PyTorch's defaults differ from BatchNorm2d's: affine = false and
 * trackRunningStats = false. With trackRunningStats the running averages
 * take the mean over the batch of the per-instance μ and of the UNBIASED
 * per-instance variances (H·W/(H·W − 1)·σ²), and eval mode uses them.
 */
export class InstanceNorm2d extends Module<Tensor, Tensor> {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Parameter;
  readonly bias: Parameter;
  readonly runningMean: Matrix;
  readonly runningVar: Matrix;
  private readonly tracked = Matrix.zeros(1, 1);
  private saved: Saved | null = null;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new RangeError(`InstanceNorm2d: numFeatures (the number of channels) must be an integer ≥ 1, got ${numFeatures}`);
    }
    const eps = options.eps ?? 1e-5;
    if (!(eps >= 0)) throw new RangeError(`InstanceNorm2d: eps must be ≥ 0 (typically 1e-5), got ${eps}`);
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (momentum === null || !(momentum >= 0 && momentum <= 1)) {
      throw new RangeError(`InstanceNorm2d: momentum must be in [0, 1] (PyTorch's InstanceNorm has no cumulative average), got ${momentum}`);
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = options.affine ?? false;
    this.trackRunningStats = options.trackRunningStats ?? false;
    this.weight = new Parameter("weight", Matrix.ones(1, numFeatures));
    this.bias = new Parameter("bias", Matrix.zeros(1, numFeatures));
    this.runningMean = Matrix.zeros(1, numFeatures);
    this.runningVar = Matrix.ones(1, numFeatures);
  }

  get numBatchesTracked(): number {
    return this.tracked.data[0];
  }

  set numBatchesTracked(n: number) {
    this.tracked.data[0] = n;
  }

  forward(x: Tensor): Tensor {
    const [N, C, H, W] = checkImages(this.toString(), x, this.numFeatures).shape;
    const P = H * W;
    const useInstanceStats = this.training || !this.trackRunningStats;
    if (useInstanceStats && P < 2) {
      throw new Error(`${this.toString()}: expected more than 1 spatial element per channel, got input of shape ${x.shapeString()} (H·W = ${P})`);
    }
    const gamma = this.weight.value.data, beta = this.bias.value.data;
    let xhat: Matrix, invStd: Matrix;
    if (useInstanceStats) {
      const rows = new Matrix(N * C, P, x.data); //           one row per image and channel
      ({ xhat, invStd } = normalizeRows(rows, this.eps)); //  x̂ = (x − μ[n,c]) / √(σ²[n,c] + ε)
      if (this.training && this.trackRunningStats) this.updateRunning(rows, N, C);
    } else {
      invStd = this.runningVar.map((v) => 1 / Math.sqrt(v + this.eps));
      const mu = this.runningMean.data;
      xhat = new Matrix(N * C, P, mapPerChannel(x, (v, c) => (v - mu[c]) * invStd.data[c]).data);
    }
    const xhatImages = new Tensor(x.shape, xhat.data);
    const y = this.affine ? mapPerChannel(xhatImages, (v, c) => v * gamma[c] + beta[c]) : xhatImages;
    this.saved = { xhat, invStd, shape: x.shape, usedInstanceStats: useInstanceStats };
    return y;
  }

  /** dx by the LayerNorm formula along each row (image, channel); eval with running statistics: dx = dx̂ / √(σ²+ε). */
  backward(dy: Tensor): Tensor {
    const { xhat, invStd, shape, usedInstanceStats } = savedForBackward(this.toString(), this.saved);
    checkGradTensor(this.toString(), dy, shape);
    const xhatImages = new Tensor(shape, xhat.data);
    if (this.affine) {
      this.weight.grad.addInPlace(sumPerChannel(dy.mul(xhatImages)));
      this.bias.grad.addInPlace(sumPerChannel(dy));
    }
    const gamma = this.weight.value.data;
    const dxhat = this.affine ? mapPerChannel(dy, (v, c) => v * gamma[c]) : dy;
    if (!usedInstanceStats) return mapPerChannel(dxhat, (v, c) => v * invStd.data[c]);
    const dx = normalizeRowsBackward(new Matrix(xhat.rows, xhat.cols, dxhat.data), xhat, invStd);
    return new Tensor(shape, dx.data);
  }

  /** PyTorch's update: the batch's mean of the per-instance means and of the unbiased per-instance variances. */
  private updateRunning(rows: Matrix, N: number, C: number): void {
    const P = rows.cols;
    const mu = rows.meanCols(); //                                  (N·C) × 1
    const variance = rows.sub(mu).map((v) => v * v).meanCols(); //  biased, per instance
    const meanOverBatch = (m: Matrix) => new Matrix(N, C, m.data).meanRows(); // 1 × C
    // updateRunningStats scales the variance by P/(P − 1): the unbiased per-instance variance, averaged.
    // PyTorch's InstanceNorm leaves num_batches_tracked at 0, so we put the count back.
    const tracked = this.numBatchesTracked;
    updateRunningStats(this, meanOverBatch(mu), meanOverBatch(variance), P);
    this.numBatchesTracked = tracked;
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
    const opts = [`eps=${formatNumber(this.eps)}`];
    if (this.affine) opts.push("affine=true");
    if (this.trackRunningStats) opts.push(`momentum=${this.momentum}`, "trackRunningStats=true");
    return `InstanceNorm2d(${this.numFeatures}, ${opts.join(", ")})`;
  }
}
