import { Matrix } from "../tensor/matrix";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { BatchNormOptions, RunningStats, formatNumber, updateRunningStats } from "./batchnorm";

export interface GhostBatchNormOptions extends BatchNormOptions {
  /**
   * Examples per "ghost" batch (required, ≥ 2): in training, the rows are split into consecutive
   * sub-batches of this many (the last one may be smaller, as torch.chunk does), and each is
   * normalized with its OWN mean and variance.
   */
  virtualBatchSize: number;
}

/** What forward keeps for backward, per ghost batch. */
interface Saved {
  rows: number;
  /** [start, end) of each ghost batch, and its x̂ and 1/√(σ² + ε) (or one entry for eval). */
  chunks: Array<{ start: number; end: number; xhat: Matrix; invStd: Matrix; batchStats: boolean }>;
}

/**
 * Ghost batch normalization (Hoffer et al. 2017): batch norm whose statistics are taken over
 * small sub-batches ("ghost batches") of the minibatch instead of the whole of it,
 *
 *   for each ghost batch G of `virtualBatchSize` consecutive rows:
 *     μ_G, σ²_G = mean and biased variance of x over G (per feature)
 *     y = γ·(x − μ_G)/√(σ²_G + ε) + β        for the rows of G
 *
 * so the normalization is as noisy as with a batch of `virtualBatchSize`, while the gradient step
 * still averages over the whole minibatch. The options are BatchNorm1d's (PyTorch's names and
 * defaults). The running statistics are updated once per ghost batch, as running one BatchNorm1d
 * over each chunk would; evaluation normalizes with them, exactly as BatchNorm1d does. With
 * virtualBatchSize ≥ the batch size it computes exactly what BatchNorm1d computes.
 */
export class GhostBatchNorm1d extends Module implements RunningStats {
  readonly numFeatures: number;
  readonly virtualBatchSize: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** γ, per feature, starts at 1. */
  readonly weight: Parameter;
  /** β, per feature, starts at 0. */
  readonly bias: Parameter;
  readonly runningMean: Matrix;
  readonly runningVar: Matrix;
  private readonly tracked = Matrix.zeros(1, 1);
  private saved: Saved | null = null;

  constructor(numFeatures: number, options: GhostBatchNormOptions) {
    super();
    const where = "GhostBatchNorm1d";
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`${where}: numFeatures must be an integer ≥ 1, got ${numFeatures}`);
    const vbs = options?.virtualBatchSize;
    if (!Number.isInteger(vbs) || vbs < 2) {
      throw new RangeError(
        `${where}: virtualBatchSize must be an integer ≥ 2 (examples per ghost batch, e.g. { virtualBatchSize: 16 }), got ${vbs}`,
      );
    }
    const eps = options.eps ?? 1e-5;
    if (!(eps >= 0)) throw new RangeError(`${where}: eps must be ≥ 0 (typically 1e-5), got ${eps}`);
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) {
      throw new RangeError(`${where}: momentum must be in [0, 1] (the weight of the new batch, PyTorch's convention) or null, got ${momentum}`);
    }
    this.numFeatures = numFeatures;
    this.virtualBatchSize = vbs;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = new Parameter("weight", Matrix.ones(1, numFeatures));
    this.bias = new Parameter("bias", Matrix.zeros(1, numFeatures));
    this.runningMean = Matrix.zeros(1, numFeatures);
    this.runningVar = Matrix.ones(1, numFeatures);
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

  /** The [start, end) row ranges of the ghost batches of a batch of `rows` examples. */
  ghostBatches(rows: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let start = 0; start < rows; start += this.virtualBatchSize) out.push([start, Math.min(rows, start + this.virtualBatchSize)]);
    return out;
  }

  forward(x: Matrix): Matrix {
    this.checkInput(x, this.numFeatures);
    if (x.rows < 1) throw new Error(`${this.toString()}: cannot normalize an empty batch`);
    const useBatchStats = this.training || !this.trackRunningStats;
    const ranges: Array<[number, number]> = useBatchStats ? this.ghostBatches(x.rows) : [[0, x.rows]];
    if (useBatchStats) {
      const small = ranges.find(([s, e]) => e - s < 2);
      if (small) {
        throw new Error(
          `${this.toString()}: a batch of ${x.rows} splits into ghost batches of ${this.virtualBatchSize} with a last one of ` +
            `${small[1] - small[0]} example; its variance is 0, so it cannot be normalized. Use a batch size that leaves at least ` +
            "2 examples in the last ghost batch (e.g. a multiple of virtualBatchSize).",
        );
      }
    }
    const y = new Matrix(x.rows, this.numFeatures);
    const saved: Saved = { rows: x.rows, chunks: [] };
    for (const [start, end] of ranges) {
      const rows = Array.from({ length: end - start }, (_, i) => start + i);
      const xg = x.selectRows(rows); //                                       the ghost batch
      let mu = this.runningMean;
      let variance = this.runningVar;
      if (useBatchStats) {
        mu = xg.meanRows(); //                                                 μ_G
        variance = xg.sub(mu).map((d) => d * d).meanRows(); //                 σ²_G (biased)
        if (this.training && this.trackRunningStats) updateRunningStats(this, mu, variance, xg.rows);
      }
      const invStd = variance.map((v) => 1 / Math.sqrt(v + this.eps)); //     1/√(σ² + ε)
      const xhat = xg.sub(mu).mul(invStd); //                                  x̂
      const yg = this.affine ? xhat.mul(this.gamma).add(this.beta) : xhat; //  γ·x̂ + β
      y.data.set(yg.data, start * this.numFeatures);
      saved.chunks.push({ start, end, xhat, invStd, batchStats: useBatchStats });
    }
    this.saved = saved;
    return y;
  }

  /** Batch norm's backward (lesson 1), once per ghost batch; ∂L/∂γ and ∂L/∂β sum over all of them. */
  backward(dy: Matrix): Matrix {
    const saved = this.checkGrad(this.saved, dy, this.saved?.rows ?? 0, this.numFeatures);
    const dx = new Matrix(dy.rows, dy.cols);
    for (const { start, end, xhat, invStd, batchStats } of saved.chunks) {
      const rows = Array.from({ length: end - start }, (_, i) => start + i);
      const dyg = dy.selectRows(rows);
      const n = end - start;
      if (this.affine) {
        this.weight.grad.addInPlace(dyg.mul(xhat).sumRows()); //   Σ dy·x̂
        this.bias.grad.addInPlace(dyg.sumRows()); //               Σ dy
      }
      const dxhat = this.affine ? dyg.mul(this.gamma) : dyg;
      const dxg = batchStats
        ? dxhat.scale(n).sub(dxhat.sumRows()).sub(xhat.mul(dxhat.mul(xhat).sumRows())).mul(invStd.scale(1 / n))
        : dxhat.mul(invStd);
      dx.data.set(dxg.data, start * this.numFeatures);
    }
    return dx;
  }

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
    const opts = [`virtualBatchSize=${this.virtualBatchSize}`, `eps=${formatNumber(this.eps)}`, `momentum=${this.momentum}`];
    if (!this.affine) opts.push("affine=false");
    if (!this.trackRunningStats) opts.push("trackRunningStats=false");
    return `GhostBatchNorm1d(${this.numFeatures}, ${opts.join(", ")})`;
  }
}
