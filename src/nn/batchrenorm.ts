import { Matrix, checkMatrix } from "../tensor/matrix";
import { NormBase, inverseStd, normInputGrad } from "./norm-base";
import { checkFunction, checkNumber, checkOptions as checkOptionsBag } from "../validate/checks";

/** A hyperparameter as a function of the layer's training step (0 for the first batch). */
export type Schedule = (step: number) => number;

export interface BatchRenormOptions {
  /** Added to the variance under the square root, for stability (default 1e-5). */
  eps?: number;
  /**
   * Weight of the NEW batch in the running averages, PyTorch's convention (default 0.01):
   * running = (1 − momentum)·running + momentum·batch. `null` = cumulative average.
   * The default is smaller than BatchNorm1d's 0.1 because here the running statistics
   * are used during training too (through r and d), so they should change slowly.
   */
  momentum?: number | null;
  /** r is clipped to [1/rmax, rmax]; a number ≥ 1 or a schedule (default 3). rmax = 1 turns the r correction off. */
  rmax?: number | Schedule;
  /** d is clipped to [−dmax, dmax]; a number ≥ 0 or a schedule (default 5). dmax = 0 turns the d correction off. */
  dmax?: number | Schedule;
  /** Learnable γ (weight) and β (bias) (default true). */
  affine?: boolean;
}

export interface RenormScheduleOptions {
  /** Steps at rmax = 1, dmax = 0 (plain batch norm) before relaxing (default 0). */
  warmupSteps?: number;
  /** Steps over which rmax and dmax grow linearly to their final values (default 0: a jump). */
  rampSteps?: number;
  /** rmax after the ramp (default 3). */
  rmaxFinal?: number;
  /** dmax after the ramp (default 5). */
  dmaxFinal?: number;
}

/**
 * Ioffe's recipe: start as plain batch norm (rmax = 1, dmax = 0) while the running
 * statistics settle, then relax the limits linearly to their final values.
 *   new BatchRenorm1d(100, { ...renormSchedule({ warmupSteps: 500, rampSteps: 2000 }) })
 */
export function renormSchedule(options: RenormScheduleOptions = {}): { rmax: Schedule; dmax: Schedule } {
  checkOptionsBag("renormSchedule", options);
  const warmupSteps = checkNumber("renormSchedule", "warmupSteps", options.warmupSteps ?? 0, { min: 0 });
  const rampSteps = checkNumber("renormSchedule", "rampSteps", options.rampSteps ?? 0, { min: 0 });
  const rmaxFinal = checkNumber("renormSchedule", "rmaxFinal", options.rmaxFinal ?? 3, { min: 1 });
  const dmaxFinal = checkNumber("renormSchedule", "dmaxFinal", options.dmaxFinal ?? 5, { min: 0 });
  /** 0 during warm-up, then rising linearly to 1 over rampSteps. */
  const progress = (step: number): number => {
    if (step < warmupSteps) return 0;
    if (rampSteps === 0) return 1;
    return Math.min(1, (step - warmupSteps) / rampSteps);
  };
  return {
    rmax: (step) => 1 + (rmaxFinal - 1) * progress(step),
    dmax: (step) => dmaxFinal * progress(step),
  };
}

/** What forward keeps for backward. */
interface Saved {
  xhat: Matrix; //       the layer's x̂ (after r and d), for ∂L/∂γ
  xhatBatch: Matrix; //  (x − μ_B)/σ_B, plain batch norm's x̂
  invStd: Matrix; //     1/σ_B in training, 1/√(running var + ε) in evaluation
  r: Matrix; //          1 in evaluation
  batchSize: number;
  usedBatchStats: boolean;
}

/**
 * Batch renormalization (Ioffe 2017). In training it normalizes with the batch
 * statistics, like BatchNorm1d, and then corrects the result toward what the
 * running statistics would have given:
 *
 *   μ_B, σ_B = batch mean and √(biased batch variance + ε)      (per feature)
 *   μ, σ     = running mean and √(running variance + ε)
 *   r = clip(σ_B / σ, 1/rmax, rmax)        treated as constants in backward
 *   d = clip((μ_B − μ) / σ, −dmax, dmax)   (stop-gradient)
 *   x̂ = (x − μ_B)/σ_B · r + d
 *   y = γ·x̂ + β
 *
 * Without clipping, x̂ = (x − μ)/σ: exactly what evaluation computes, so training
 * and evaluation agree. With rmax = 1 and dmax = 0 it is BatchNorm1d exactly.
 * In evaluation it uses the running statistics, like BatchNorm1d.
 *
 * Running statistics: the paper averages σ itself; we keep PyTorch's buffers
 * instead, `runningMean` and `runningVar` (the UNBIASED variance, averaged with
 * momentum = weight of the new batch), and take σ = √(runningVar + ε). Then the
 * state dict, evaluation and the rmax = 1, dmax = 0 case all match BatchNorm1d.
 *
 * Because r and d are constants for backward (stop-gradient) but depend on
 * the batch, backward is not the exact derivative of forward unless r and d
 * are clipped; see freezeCorrection() to check it numerically.
 *
 * rmax and dmax may be schedules of the layer's step, `numBatchesTracked`
 * (training batches seen so far, saved in the state dict as num_batches_tracked).
 */
export class BatchRenorm1d extends NormBase<Matrix> {
  readonly rmax: number | Schedule;
  readonly dmax: number | Schedule;
  /** The r of the last training batch (per feature), for charts. */
  lastR: Matrix | null = null;
  /** The d of the last training batch (per feature), for charts. */
  lastD: Matrix | null = null;
  private saved: Saved | null = null;
  private frozen: { r: Matrix; d: Matrix } | null = null;

  constructor(numFeatures: number, options: BatchRenormOptions = {}) {
    // Running statistics are always kept: training uses them too (through r and d).
    super(numFeatures, { ...checkOptionsBag("BatchRenorm1d", options), trackRunningStats: true }, { momentum: 0.01, affine: true, trackRunningStats: true });
    const rmax = options.rmax ?? 3;
    const dmax = options.dmax ?? 5;
    if (typeof rmax === "number") checkRmax(rmax, "");
    else checkFunction("BatchRenorm1d", "rmax (a number ≥ 1 or a schedule step => number)", rmax);
    if (typeof dmax === "number") checkDmax(dmax, "");
    else checkFunction("BatchRenorm1d", "dmax (a number ≥ 0 or a schedule step => number)", dmax);
    this.rmax = rmax;
    this.dmax = dmax;
  }

  /** rmax at the current step. */
  currentRmax(): number {
    const step = this.numBatchesTracked;
    if (typeof this.rmax === "number") return this.rmax;
    return checkRmax(this.rmax(step), ` (the schedule at step ${step})`);
  }

  /** dmax at the current step. */
  currentDmax(): number {
    const step = this.numBatchesTracked;
    if (typeof this.dmax === "number") return this.dmax;
    return checkDmax(this.dmax(step), ` (the schedule at step ${step})`);
  }

  forward(x: Matrix): Matrix {
    this.checkInput(x, this.numFeatures);
    if (!this.training) return this.forwardEval(x);
    if (x.rows < 2) {
      throw new Error(
        `${this.toString()}: expected more than 1 value per feature when training, got a batch of ${x.rows}. ` +
          "The variance of a single example is 0, so x̂ would not depend on the input. " +
          "Use a batch of at least 2, or call eval() to use the running statistics.",
      );
    }
    const rmax = this.currentRmax();
    const dmax = this.currentDmax();

    const mu = x.meanRows(); //                                            μ_B
    const variance = x.sub(mu).map(square).meanRows(); //                  σ²_B (biased)
    const invStd = variance.map((v) => inverseStd(v, this.eps)); //       1/σ_B = 1/√(σ²_B + ε) (0 for a constant feature when ε = 0, as BatchNorm1d)
    const sigmaB = variance.map((v) => Math.sqrt(v + this.eps)); //        σ_B
    const sigma = this.runningVar.map((v) => Math.sqrt(v + this.eps)); //  σ = √(running var + ε)
    const r = this.frozen?.r ?? sigmaB.div(sigma).map((v) => clip(v, 1 / rmax, rmax)); //     r = clip(σ_B/σ, 1/rmax, rmax)
    const d = this.frozen?.d ?? mu.sub(this.runningMean).div(sigma).map((v) => clip(v, -dmax, dmax)); // d = clip((μ_B − μ)/σ, ±dmax)
    const xhatBatch = x.sub(mu).mul(invStd); //                            (x − μ_B)/σ_B
    const xhat = xhatBatch.mul(r).add(d); //                               x̂ = (x − μ_B)/σ_B · r + d
    const y = this.affine ? xhat.mul(this.gamma).add(this.beta) : xhat; // y = γ·x̂ + β

    this.updateRunningStats(mu, variance, x.rows); // as BatchNorm1d does
    this.lastR = r;
    this.lastD = d;
    this.saved = { xhat, xhatBatch, invStd, r, batchSize: x.rows, usedBatchStats: true };
    return y;
  }

  /**
   * r and d are constants, so this is BatchNorm1d's backward with dx̂ scaled by r:
   *   ∂L/∂γ = Σᵢ dyᵢ·x̂ᵢ,  ∂L/∂β = Σᵢ dyᵢ
   *   g = dy·γ·r                      (∂L/∂ of the batch-normalized (x − μ_B)/σ_B, call it x̂_B)
   *   dx = (N·g − Σᵢ gᵢ − x̂_B·Σᵢ gᵢ·x̂_B,ᵢ) / (N·σ_B)
   * In evaluation μ and σ are constants: dx = dy·γ / √(running var + ε).
   */
  backward(dy: Matrix): Matrix {
    const { xhat, xhatBatch, invStd, r, usedBatchStats } = this.checkGrad(
      this.saved,
      dy,
      this.saved?.batchSize ?? 0,
      this.numFeatures,
    );
    if (this.affine) {
      this.weight.grad.addInPlace(dy.mul(xhat).sumRows()); // ∂L/∂γ = Σᵢ dyᵢ·x̂ᵢ
      this.bias.grad.addInPlace(dy.sumRows()); //             ∂L/∂β = Σᵢ dyᵢ
    }
    const dxhat = this.affine ? dy.mul(this.gamma) : dy; //   dx̂ = dy·γ
    const g = dxhat.mul(r); //                                ∂L/∂x̂_B = dx̂·r   (r constant, d drops out)
    if (!usedBatchStats) return g.mul(invStd); //             evaluation: constants μ, σ, r = 1
    return normInputGrad(g, xhatBatch, invStd, "rows"); //    dx = (N·g − Σg − x̂_B·Σg·x̂_B) / (N·σ_B)
  }

  /**
   * Stop-gradient made literal: training forwards use these r and d (default: the
   * last batch's) instead of computing them, until unfreezeCorrection().
   *
   * Why it exists: backward treats r and d as constants, but they do depend on
   * the batch, so while they are not clipped backward is deliberately NOT the
   * derivative of forward, and a numerical gradient check of dx disagrees
   * (γ's and β's gradients still agree). Freeze r and d to check backward.
   */
  freezeCorrection(r: Matrix | null = this.lastR, d: Matrix | null = this.lastD): this {
    if (r === null || d === null) {
      throw new Error(`${this.toString()}.freezeCorrection: run a forward in training mode first, or pass r and d`);
    }
    checkMatrix(`${this.toString()}.freezeCorrection`, "r", r);
    checkMatrix(`${this.toString()}.freezeCorrection`, "d", d);
    for (const [name, m] of [["r", r], ["d", d]] as const) {
      if (m.rows !== 1 || m.cols !== this.numFeatures) {
        throw new RangeError(
          `${this.toString()}.freezeCorrection: expected ${name} of shape [1, ${this.numFeatures}], got ${m.shapeString()}`,
        );
      }
    }
    this.frozen = { r: r.clone(), d: d.clone() };
    return this;
  }

  /** Compute r and d from every batch again (the default). */
  unfreezeCorrection(): this {
    this.frozen = null;
    return this;
  }

  protected reprOptions(): string[] {
    const show = (v: number | Schedule) => (typeof v === "number" ? String(v) : "schedule");
    return super.reprOptions([`rmax=${show(this.rmax)}`, `dmax=${show(this.dmax)}`]);
  }

  /** Evaluation: x̂ = (x − μ)/√(running var + ε) with the running statistics, like BatchNorm1d. */
  private forwardEval(x: Matrix): Matrix {
    const invStd = this.runningVar.map((v) => inverseStd(v, this.eps, false));
    const xhat = x.sub(this.runningMean).mul(invStd);
    const y = this.affine ? xhat.mul(this.gamma).add(this.beta) : xhat;
    this.saved = { xhat, xhatBatch: xhat, invStd, r: Matrix.ones(1, this.numFeatures), batchSize: x.rows, usedBatchStats: false };
    return y;
  }
}

function checkRmax(v: number, where: string): number {
  if (typeof v !== "number" || !(v >= 1)) throw new RangeError(`BatchRenorm1d: rmax${where} must be ≥ 1 (1 = no r correction; the paper relaxes it to 3), got ${v}`);
  return v;
}

function checkDmax(v: number, where: string): number {
  if (typeof v !== "number" || !(v >= 0)) throw new RangeError(`BatchRenorm1d: dmax${where} must be ≥ 0 (0 = no d correction; the paper relaxes it to 5), got ${v}`);
  return v;
}

function clip(v: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, v));
}

function square(v: number): number {
  return v * v;
}
