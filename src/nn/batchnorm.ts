import { Matrix } from "../tensor/matrix";
import { emptyFloat64, type Value } from "../tensor/tensor";
import { backend } from "../tensor/backend";
import { BatchNormOptions, NormBase, inverseStd, normInputGrad } from "./norm-base";

export type { BatchNormOptions } from "./norm-base";

/** What forward keeps for backward. */
export interface BatchNormSaved {
  xhat: Matrix; // the columns view (plain path) or the input's own layout (fast path)
  invStd: Matrix; // 1 / √(σ² + ε), one per channel
  dims: readonly [number, number, number]; // N, C, P
  shape: readonly number[]; // the input's
  usedBatchStats: boolean;
  fast: boolean;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015), written once over a batch seen as
 * (N, C, P): N examples, C channels (features), P positions per channel — P = 1
 * for BatchNorm1d's feature vectors, P = H·W for BatchNorm2d's images. Each
 * channel's statistics are taken over its m = N·P numbers, exactly as PyTorch's
 * `_BatchNorm`:
 *
 *   μ  = mean of x over the batch (per channel)
 *   σ² = biased variance over the batch (divide by m)
 *   x̂  = (x − μ) / √(σ² + ε)
 *   y  = γ·x̂ + β
 *
 * In training mode it normalizes with the batch's μ and σ², and updates the
 * running averages (with the UNBIASED variance, m/(m−1)·σ², as PyTorch does).
 * In evaluation mode it normalizes with the running averages instead.
 *
 * Subclasses only say which shapes they accept and how their input is laid out
 * as the m × C matrix of `columns` (one column per channel), as PyTorch's
 * BatchNorm1d/2d only override `_check_input_dim`.
 */
export abstract class BatchNorm<X extends Value> extends NormBase<X> {
  /**
   * Compute forward and backward with the backend's fused passes (default true):
   * the same numbers, in fewer passes and allocations (see "fast path" at the end
   * of the class). false runs the step-by-step code of forward/backward below,
   * the reference that the tests compare the fast path with.
   */
  fastPath = true;
  protected saved: BatchNormSaved | null = null;

  /** [N, C, P] of x, after checking its shape (PyTorch's `_check_input_dim`). */
  protected abstract dims(x: X): readonly [number, number, number];
  /** x as an m × C matrix (m = N·P): one row per example and position, one column per channel. */
  protected abstract columns(x: X): Matrix;
  /** The inverse of `columns`: an m × C matrix back in the shape of `like`. */
  protected abstract fromColumns(m: Matrix, like: X): X;
  /** A value of x's shape over `data` (the fast path's layout is the input's own). */
  protected abstract withData(like: X, data: Float64Array): X;

  forward(x: X): X {
    const dims = this.dims(x);
    const useBatchStats = this.training || !this.trackRunningStats;
    if (useBatchStats) this.checkEnoughValues(x, dims);
    if (this.fastPath) return this.forwardFast(x, dims, useBatchStats); // same result, fused passes (see the end)

    const rows = this.columns(x); //                           a column of m = N·P numbers per channel
    let mu = this.runningMean;
    let variance = this.runningVar;
    if (useBatchStats) {
      mu = rows.meanRows(); //                                 μ = (1/m) Σᵢ xᵢ
      variance = rows.sub(mu).map(square).meanRows(); //       σ² = (1/m) Σᵢ (xᵢ − μ)²   (biased)
    }
    const invStd = variance.map((v) => inverseStd(v, this.eps, useBatchStats)); // 1 / √(σ² + ε)
    const xhat = rows.sub(mu).mul(invStd); //                                x̂ = (x − μ) / √(σ² + ε)
    const y = this.affine ? xhat.mul(this.gamma).add(this.beta) : xhat; // y = γ·x̂ + β

    if (this.training && this.trackRunningStats) this.updateRunningStats(mu, variance, rows.rows);
    this.saved = { xhat, invStd, dims, shape: x.shape, usedBatchStats: useBatchStats, fast: false };
    return this.fromColumns(y, x);
  }

  /**
   * Gradients through every path, including μ and σ² (which depend on the whole batch):
   *   ∂L/∂γ = Σᵢ dyᵢ·x̂ᵢ,  ∂L/∂β = Σᵢ dyᵢ
   *   dx̂ = dy·γ
   *   dx = (1/m)·(1/√(σ²+ε))·(m·dx̂ − Σᵢ dx̂ᵢ − x̂·Σᵢ dx̂ᵢ·x̂ᵢ)
   * In evaluation mode μ and σ² are constants, so dx = dx̂ / √(σ²+ε).
   */
  backward(dy: X): X {
    const { xhat, invStd, usedBatchStats, fast } = this.checkGradient(dy);
    if (fast) return this.backwardFast(dy); //                 same result, fused passes (see the end)

    const dyRows = this.columns(dy);
    if (this.affine) {
      this.weight.grad.addInPlace(dyRows.mul(xhat).sumRows()); // ∂L/∂γ = Σᵢ dyᵢ·x̂ᵢ
      this.bias.grad.addInPlace(dyRows.sumRows()); //             ∂L/∂β = Σᵢ dyᵢ
    }
    const dxhat = this.affine ? dyRows.mul(this.gamma) : dyRows; // dx̂ = dy·γ
    if (!usedBatchStats) return this.fromColumns(dxhat.mul(invStd), dy); // constants μ, σ²: dx = dx̂ / √(σ²+ε)
    return this.fromColumns(normInputGrad(dxhat, xhat, invStd, "rows"), dy); // dx = (m·dx̂ − Σdx̂ − x̂·Σdx̂x̂) / (m·√(σ²+ε))
  }

  /** Forward ran, and dy has the output's shape; returns what forward saved. */
  protected abstract checkGradient(dy: X): BatchNormSaved;

  private checkEnoughValues(x: X, [N, , P]: readonly [number, number, number]): void {
    const images = x.shape.length === 4;
    const what = images ? "channel" : "feature";
    const shape = x.shapeString();
    if (N * P < 1) {
      throw new Error(
        `${this.toString()}: expected a batch of at least 2 examples (rows), got an empty batch ${shape}: ` +
          "there are no numbers to take the batch mean and variance of. Check the data or the batch indices.",
      );
    }
    if (N * P < 2) {
      // PyTorch refuses this too, also in eval mode when there are no running statistics to use.
      const when = this.training ? "when training" : "in eval mode without running statistics (trackRunningStats=false)";
      const got = images ? `input of shape ${shape} (N·H·W = ${N * P})` : `a batch of ${N}`;
      const larger = images ? "a larger batch or image" : "a batch of at least 2";
      const fix = this.trackRunningStats ? `Use ${larger}, or call eval() to use the running statistics.` : `Use ${larger}.`;
      throw new Error(
        `${this.toString()}: expected more than 1 value per ${what} ${when}, got ${got}. ` +
          `The variance of a single ${images ? "number" : "example"} is 0, so x̂ would be 0 whatever the input. ${fix}`,
      );
    }
  }

  // ---- fast path -----------------------------------------------------------
  // The same computation as forward/backward above, as two or three fused
  // backend passes over the batch (src/tensor/backend.ts) in the input's own
  // layout, instead of one pass per step: batchNorm* for feature vectors (P = 1),
  // batchNorm2d* per channel over its N·P numbers for images.

  private forwardFast(x: X, dims: readonly [number, number, number], useBatchStats: boolean): X {
    const [N, C, P] = dims;
    let mu = this.runningMean;
    let variance = this.runningVar;
    if (useBatchStats) {
      mu = new Matrix(1, C);
      variance = new Matrix(1, C);
      if (P === 1) backend().batchNormStats(x.data, mu.data, variance.data, N, C); // μ, σ² (biased)
      else backend().batchNorm2dStats(x.data, mu.data, variance.data, N, C, P);
    }
    const invStd = variance.map((v) => inverseStd(v, this.eps, useBatchStats));
    const own = this.affine && this.backwardReadsLastPassOnly;
    const xhat = new Matrix(N * P, C, own ? this.xhatMemory(N * P * C) : emptyFloat64(N * P * C)); // written whole by the normalize pass
    const y = this.affine ? new Matrix(N * P, C, emptyFloat64(N * P * C)) : xhat;
    const [gamma, beta] = this.affine ? [this.gamma.data, this.beta.data] : [null, null];
    if (P === 1) backend().batchNormNormalize(x.data, mu.data, invStd.data, gamma, beta, xhat.data, y.data, N, C); // x̂, y
    else backend().batchNorm2dNormalize(x.data, mu.data, invStd.data, gamma, beta, xhat.data, y.data, N, C, P);

    if (this.training && this.trackRunningStats) this.updateRunningStats(mu, variance, N * P);
    this.saved = { xhat, invStd, dims, shape: x.shape, usedBatchStats: useBatchStats, fast: true };
    return this.withData(x, y.data);
  }

  /**
   * True when backward reads what the last forward pass saved only (false in
   * GhostBatchNorm1d, which keeps a pass per ghost batch). Then, with γ and β,
   * nothing but backward reads x̂ and every pass writes it into the same array.
   */
  protected readonly backwardReadsLastPassOnly: boolean = true;

  /** x̂'s array, the same from one forward pass to the next (see backwardReadsLastPassOnly). */
  private xhatMemory(length: number): Float64Array {
    if (this.xhatArray === null || this.xhatArray.length !== length) this.xhatArray = emptyFloat64(length);
    return this.xhatArray;
  }
  private xhatArray: Float64Array | null = null;

  private backwardFast(dy: X): X {
    const { xhat, invStd, dims: [N, C, P], usedBatchStats } = this.saved!;
    const dx = emptyFloat64(N * C * P); // written whole by the backward pass
    const [gamma, dgamma, dbeta] = this.affine ? [this.gamma.data, this.weight.grad.data, this.bias.grad.data] : [null, null, null];
    if (P === 1) backend().batchNormBackward(dy.data, xhat.data, invStd.data, gamma, dgamma, dbeta, dx, N, C, usedBatchStats);
    else backend().batchNorm2dBackward(dy.data, xhat.data, invStd.data, gamma, dgamma, dbeta, dx, N, C, P, usedBatchStats);
    return this.withData(dy, dx);
  }
}

/**
 * Batch normalization over a minibatch of feature vectors [N, C], with exactly
 * the semantics of PyTorch's nn.BatchNorm1d on 2-D input: BatchNorm with P = 1,
 * where the m × C matrix of the channels is the batch itself (see BatchNorm).
 */
export class BatchNorm1d extends BatchNorm<Matrix> {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options);
  }

  protected dims(x: Matrix): readonly [number, number, number] {
    this.checkInput(x, this.numFeatures);
    return [x.rows, x.cols, 1];
  }

  protected columns(x: Matrix): Matrix {
    return x;
  }

  protected fromColumns(m: Matrix): Matrix {
    return m;
  }

  protected withData(like: Matrix, data: Float64Array): Matrix {
    return new Matrix(like.rows, like.cols, data);
  }

  protected checkGradient(dy: Matrix): BatchNormSaved {
    return this.checkGrad(this.saved, dy, this.saved?.dims[0] ?? 0, this.numFeatures);
  }
}

function square(v: number): number {
  return v * v;
}
