import { Matrix } from "../tensor/matrix";
import { Tensor } from "../tensor/tensor";
import { BatchNormOptions, NormBase, formatNumber, inverseStd, normInputGrad } from "./norm-base";
import { channelColumns, fromChannelColumns, mapPerChannel, sumPerChannel } from "./channels";
import { checkGradTensor, checkImages, savedForBackward } from "./image-checks";
import { checkOptions, describe } from "../validate/checks";

/** What forward keeps for backward. */
interface Saved {
  xhat: Matrix; // P × (N·C): a column per image and channel
  invStd: Matrix; // 1 × (N·C), or 1 × C with running statistics (eval)
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
 * As in PyTorch this is batch norm of the batch seen as ONE image of N·C channels
 * (the same ε = 0 rule, the same backward). PyTorch's defaults differ from
 * BatchNorm2d's: affine = false and trackRunningStats = false. With
 * trackRunningStats the running averages take the mean over the batch of the
 * per-instance μ and of the UNBIASED per-instance variances (H·W/(H·W − 1)·σ²),
 * num_batches_tracked stays 0, and eval mode uses them.
 */
export class InstanceNorm2d extends NormBase<Tensor> {
  private saved: Saved | null = null;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, withoutCumulativeAverage(options), { momentum: 0.1, affine: false, trackRunningStats: false });
  }

  forward(x: Tensor): Tensor {
    const [N, C, H, W] = checkImages(this.toString(), x, this.numFeatures).shape;
    const P = H * W;
    const useInstanceStats = this.training || !this.trackRunningStats;
    if (useInstanceStats && P < 2) {
      throw new Error(`${this.toString()}: expected more than 1 spatial element per channel, got input of shape ${x.shapeString()} (H·W = ${P})`);
    }
    let xhat: Matrix, invStd: Matrix;
    if (useInstanceStats) {
      const columns = channelColumns(x.data, 1, N * C, P); //       one column per image and channel
      const mu = columns.meanRows(); //                              μ[n,c]
      const variance = columns.sub(mu).map((d) => d * d).meanRows(); // σ²[n,c] (biased)
      invStd = variance.map((v) => inverseStd(v, this.eps)); //      1 / √(σ² + ε)
      xhat = columns.sub(mu).mul(invStd); //                         x̂ = (x − μ[n,c]) / √(σ²[n,c] + ε)
      if (this.training && this.trackRunningStats) this.updateRunningStats(meanOverBatch(mu, N, C), meanOverBatch(variance, N, C), P, false);
    } else {
      invStd = this.runningVar.map((v) => inverseStd(v, this.eps, false));
      const mu = this.runningMean.data;
      xhat = channelColumns(mapPerChannel(x, (v, c) => (v - mu[c]) * invStd.data[c]).data, 1, N * C, P);
    }
    const xhatImages = new Tensor(x.shape, fromChannelColumns(xhat, 1, N * C, P));
    const gamma = this.gamma.data, beta = this.beta.data;
    const y = this.affine ? mapPerChannel(xhatImages, (v, c) => v * gamma[c] + beta[c]) : xhatImages; // y = γ[c]·x̂ + β[c]
    this.saved = { xhat, invStd, shape: x.shape, usedInstanceStats: useInstanceStats };
    return y;
  }

  /** Batch norm's backward per image and channel; eval with running statistics: dx = dx̂ / √(σ²+ε). */
  backward(dy: Tensor): Tensor {
    const { xhat, invStd, shape, usedInstanceStats } = savedForBackward(this.toString(), this.saved);
    checkGradTensor(this.toString(), dy, shape);
    const [N, C, H, W] = shape;
    const xhatImages = new Tensor(shape, fromChannelColumns(xhat, 1, N * C, H * W));
    if (this.affine) {
      this.weight.grad.addInPlace(sumPerChannel(dy.mul(xhatImages))); // ∂L/∂γ = Σ dy·x̂
      this.bias.grad.addInPlace(sumPerChannel(dy)); //                   ∂L/∂β = Σ dy
    }
    const gamma = this.gamma.data;
    const dxhat = this.affine ? mapPerChannel(dy, (v, c) => v * gamma[c]) : dy; // dx̂ = dy·γ
    if (!usedInstanceStats) return mapPerChannel(dxhat, (v, c) => v * invStd.data[c]);
    const dx = normInputGrad(channelColumns(dxhat.data, 1, N * C, H * W), xhat, invStd, "rows");
    return new Tensor(shape, fromChannelColumns(dx, 1, N * C, H * W));
  }

  protected reprOptions(): string[] {
    const opts = [`eps=${formatNumber(this.eps)}`];
    if (this.affine) opts.push("affine=true");
    if (this.trackRunningStats) opts.push(`momentum=${this.momentum}`, "trackRunningStats=true");
    return opts;
  }
}

/** The 1 × C mean over the batch of N·C per-instance numbers. */
function meanOverBatch(perInstance: Matrix, N: number, C: number): Matrix {
  return new Matrix(N, C, perInstance.data).meanRows();
}

/** PyTorch's InstanceNorm takes a momentum number: null (a cumulative average) is refused. */
function withoutCumulativeAverage(options: BatchNormOptions): BatchNormOptions {
  const o = checkOptions("InstanceNorm2d", options);
  if (o.momentum === null) {
    throw new RangeError(`InstanceNorm2d: momentum must be in [0, 1] (PyTorch's InstanceNorm has no cumulative average), got ${describe(o.momentum)}`);
  }
  return o;
}
