import { Matrix } from "../tensor/matrix";
import type { Value } from "../tensor/tensor";
import { AffineNorm } from "./affine";
import { Parameter } from "./parameter";
import { allocateLayer, checkBoolean, checkEps, checkOptions, checkSize } from "./layer-checks";
import { describe } from "../validate/checks";

/** The options every norm layer with running statistics takes (PyTorch's names and meanings). */
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

/** BatchNorm's defaults for the options above (InstanceNorm2d's and BatchRenorm1d's differ). */
const BATCH_NORM_DEFAULTS = { momentum: 0.1, affine: true, trackRunningStats: true };

/**
 * What every norm layer with running statistics shares, as PyTorch's `_NormBase`:
 * the options (checked here, once), γ and β (`weight`, `bias`), the buffers
 * `running_mean`, `running_var` and `num_batches_tracked`, the running-average
 * update, `resetRunningStats`, `resetParameters` and `toString`. Subclasses
 * write forward and backward.
 */
export abstract class NormBase<X extends Value = Matrix> extends AffineNorm<X> {
  readonly numFeatures: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** γ, per feature (channel), starts at 1. */
  readonly weight: Parameter;
  /** β, per feature (channel), starts at 0. */
  readonly bias: Parameter;
  /** Running estimate of the mean, starts at 0. */
  readonly runningMean: Matrix;
  /** Running estimate of the (unbiased) variance, starts at 1. */
  readonly runningVar: Matrix;
  /** num_batches_tracked, kept as a 1×1 buffer so that it is saved and loaded with the others. */
  private readonly tracked = Matrix.zeros(1, 1);
  private momentumValue: number | null;
  private readonly defaults: typeof BATCH_NORM_DEFAULTS;
  /** The class's name, as PyTorch's repr uses it ("BatchNorm1d", or a subclass's). */
  protected readonly layerName: string;

  constructor(numFeatures: number, options: BatchNormOptions | undefined, defaults = BATCH_NORM_DEFAULTS) {
    super();
    const layerName = new.target.name;
    this.layerName = layerName;
    checkSize(layerName, "numFeatures", numFeatures);
    const o = checkOptions(layerName, options);
    this.defaults = defaults;
    this.numFeatures = numFeatures;
    this.eps = checkEps(layerName, o.eps === undefined ? 1e-5 : o.eps);
    this.momentumValue = checkMomentum(layerName, o.momentum === undefined ? defaults.momentum : o.momentum, defaults.momentum);
    this.affine = checkBoolean(layerName, "affine", o.affine, defaults.affine);
    this.trackRunningStats = checkBoolean(layerName, "trackRunningStats", o.trackRunningStats, defaults.trackRunningStats);
    const C = numFeatures;
    [this.weight, this.bias, this.runningMean, this.runningVar] = allocateLayer(
      `${layerName}(${C})`,
      [["weight", 1, C, true], ["bias", 1, C, true], ["running_mean", 1, C, false], ["running_var", 1, C, false]],
      () => [new Parameter("weight", Matrix.ones(1, C)), new Parameter("bias", Matrix.zeros(1, C)), Matrix.zeros(1, C), Matrix.ones(1, C)] as const,
    );
  }

  /**
   * Weight of the new batch in the running averages; null = cumulative average.
   * Writable, as in PyTorch (`bn.momentum = None` before a calibration pass).
   */
  get momentum(): number | null {
    return this.momentumValue;
  }

  set momentum(momentum: number | null) {
    this.momentumValue = checkMomentum(this.layerName, momentum, this.defaults.momentum);
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

  /**
   * running = (1 − m)·running + m·batch, with the UNBIASED variance σ²·n/(n−1)
   * (n = the numbers each statistic was taken over); m = momentum, or
   * 1/numBatchesTracked (a cumulative average) when momentum is null.
   * `count: false` leaves numBatchesTracked alone (PyTorch's InstanceNorm does not count).
   */
  protected updateRunningStats(mu: Matrix, biasedVar: Matrix, n: number, count = true): void {
    if (count) this.numBatchesTracked += 1;
    const m = this.momentum === null ? 1 / this.numBatchesTracked : this.momentum;
    const unbiasedVar = biasedVar.scale(n / (n - 1)); // σ²·n/(n−1)
    this.runningMean.scaleInPlace(1 - m).addInPlace(mu, m);
    this.runningVar.scaleInPlace(1 - m).addInPlace(unbiasedVar, m);
  }

  /** Forget the running statistics (start again from mean 0, variance 1, step 0). */
  resetRunningStats(): void {
    this.runningMean.fill(0);
    this.runningVar.fill(1);
    this.numBatchesTracked = 0;
  }

  /** The running statistics as new, and γ = 1, β = 0. */
  resetParameters(): void {
    this.resetRunningStats();
    this.weight.value.fill(1);
    this.bias.value.fill(0);
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

  /** E.g. "BatchNorm1d(100, eps=1e-5, momentum=0.1)": the options that differ from the defaults are named. */
  toString(): string {
    return `${this.layerName}(${this.numFeatures}, ${this.reprOptions().join(", ")})`;
  }

  /** The options toString shows, in order. */
  protected reprOptions(extra: string[] = []): string[] {
    const opts = [`eps=${formatNumber(this.eps)}`, `momentum=${this.momentum}`, ...extra];
    if (this.affine !== this.defaults.affine) opts.push(`affine=${this.affine}`);
    if (this.trackRunningStats !== this.defaults.trackRunningStats) opts.push(`trackRunningStats=${this.trackRunningStats}`);
    return opts;
  }
}

function checkMomentum(layer: string, momentum: unknown, usual: number): number | null {
  if (momentum === null) return null;
  if (typeof momentum === "number" && momentum >= 0 && momentum <= 1) return momentum;
  throw new RangeError(
    `${layer}: momentum must be in [0, 1] (the weight of the new batch, PyTorch's convention: ${usual}) or null, got ${describe(momentum)}`,
  );
}

/**
 * 1 / √(σ² + ε), with PyTorch's rule for a feature that is constant over the
 * batch when ε = 0: σ² + ε = 0 gives 0, not ∞, so x̂ = 0 (not 0·∞ = NaN) and no
 * gradient flows through that feature (torch's batch_norm InvStd does the same).
 * Running statistics (`batchStats` false) get no such rule, as in PyTorch.
 */
export function inverseStd(variance: number, eps: number, batchStats = true): number {
  if (batchStats && variance === 0 && eps === 0) return 0;
  return 1 / Math.sqrt(variance + eps);
}

/**
 * The input gradient of a normalization from dx̂ = ∂L/∂x̂, when μ and σ² were taken over
 * the `rows` of each column (batch norm: a column per channel) or the `columns` of each
 * row (LayerNorm, GroupNorm: a row per example or group), m numbers each:
 *   dx = (m·dx̂ − Σ dx̂ − x̂·Σ dx̂·x̂) / (m·√(σ²+ε))
 * The two sums are the paths through μ and through σ².
 */
export function normInputGrad(dxhat: Matrix, xhat: Matrix, invStd: Matrix, over: "rows" | "columns"): Matrix {
  const sum = (a: Matrix) => (over === "rows" ? a.sumRows() : a.sumCols());
  const m = over === "rows" ? dxhat.rows : dxhat.cols;
  const sumDxhat = sum(dxhat); //                           Σ dx̂        (the path through μ)
  const sumDxhatXhat = sum(dxhat.mul(xhat)); //             Σ dx̂·x̂     (the path through σ²)
  return dxhat
    .scale(m)
    .sub(sumDxhat)
    .sub(xhat.mul(sumDxhatXhat))
    .mul(invStd.scale(1 / m)); //                           dx = (m·dx̂ − Σdx̂ − x̂·Σdx̂x̂) / (m·√(σ²+ε))
}

/** 1e-5 rather than 0.00001. */
export function formatNumber(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
}
