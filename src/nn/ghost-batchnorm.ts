import { Matrix } from "../tensor/matrix";
import { BatchNorm1d, BatchNormSaved } from "./batchnorm";
import { BatchNormOptions } from "./norm-base";
import { checkInteger, checkOptions } from "../validate/checks";

export interface GhostBatchNormOptions extends BatchNormOptions {
  /**
   * Examples per "ghost" batch (required, ≥ 2): in training, the rows are split into consecutive
   * sub-batches of this many (the last one may be smaller, as torch.chunk does), and each is
   * normalized with its OWN mean and variance.
   */
  virtualBatchSize: number;
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
 * still averages over the whole minibatch. It is BatchNorm1d run on each ghost batch in turn
 * (PyTorch's names and defaults): the running statistics are updated once per ghost batch,
 * and evaluation normalizes the whole batch with them. With virtualBatchSize ≥ the batch size
 * it computes exactly what BatchNorm1d computes.
 */
export class GhostBatchNorm1d extends BatchNorm1d {
  readonly virtualBatchSize: number;
  /** What each ghost batch's forward saved, with its [start, end) rows; null when forward ran on the whole batch. */
  private ghosts: Array<{ start: number; end: number; saved: BatchNormSaved }> | null = null;
  protected readonly backwardReadsLastPassOnly = false; // backward reads every ghost batch's x̂

  constructor(numFeatures: number, options: GhostBatchNormOptions) {
    super(numFeatures, options);
    const vbs = checkOptions("GhostBatchNorm1d", options).virtualBatchSize;
    this.virtualBatchSize = checkInteger("GhostBatchNorm1d", "virtualBatchSize", vbs, { min: 2, hint: "examples per ghost batch, e.g. { virtualBatchSize: 16 }" });
  }

  /** The [start, end) row ranges of the ghost batches of a batch of `rows` examples. */
  ghostBatches(rows: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let start = 0; start < rows; start += this.virtualBatchSize) out.push([start, Math.min(rows, start + this.virtualBatchSize)]);
    return out;
  }

  forward(x: Matrix): Matrix {
    this.checkInput(x, this.numFeatures);
    const useBatchStats = this.training || !this.trackRunningStats;
    const ranges = this.ghostBatches(x.rows);
    this.ghosts = null;
    if (!useBatchStats || ranges.length < 2) return super.forward(x); // one batch: BatchNorm1d itself
    const [start, end] = ranges[ranges.length - 1];
    if (end - start < 2) {
      throw new Error(
        `${this.toString()}: a batch of ${x.rows} splits into ghost batches of ${this.virtualBatchSize} with a last one of ` +
          `${end - start} example; its variance is 0, so it cannot be normalized. Use a batch size that leaves at least ` +
          "2 examples in the last ghost batch (e.g. a multiple of virtualBatchSize).",
      );
    }
    const y = new Matrix(x.rows, this.numFeatures);
    const ghosts: Array<{ start: number; end: number; saved: BatchNormSaved }> = [];
    for (const [start, end] of ranges) {
      y.data.set(super.forward(x.selectRows(rowRange(start, end))).data, start * this.numFeatures); // BatchNorm1d on the ghost batch
      ghosts.push({ start, end, saved: this.saved! });
    }
    this.ghosts = ghosts;
    return y;
  }

  /** BatchNorm1d's backward, once per ghost batch; ∂L/∂γ and ∂L/∂β sum over all of them. */
  backward(dy: Matrix): Matrix {
    if (this.ghosts === null) return super.backward(dy);
    const ghosts = this.checkGrad(this.ghosts, dy, this.ghosts[this.ghosts.length - 1].end, this.numFeatures);
    const dx = new Matrix(dy.rows, dy.cols);
    const last = this.saved;
    try {
      for (const { start, end, saved } of ghosts) {
        this.saved = saved;
        dx.data.set(super.backward(dy.selectRows(rowRange(start, end))).data, start * this.numFeatures);
      }
    } finally {
      this.saved = last;
    }
    return dx;
  }

  protected reprOptions(): string[] {
    return [`virtualBatchSize=${this.virtualBatchSize}`, ...super.reprOptions()];
  }
}

function rowRange(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
