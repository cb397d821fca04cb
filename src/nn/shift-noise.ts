import { Matrix, checkMatrix } from "../tensor/matrix";
import { Rng } from "../random/rng";
import { checkNumber, checkOptions } from "../validate/checks";
import { checkRng } from "./layer-checks";
import { Module } from "./module";

export interface ShiftNoiseOptions {
  /** Each step, every feature is shifted by m ~ U(−shift, shift) (default 1). */
  shift?: number;
  /** Each step, every feature is scaled by s ~ U(minScale, maxScale) (default 0.5 … 2). */
  minScale?: number;
  maxScale?: number;
  /** The generator of the draws (default: a fixed seed). Give each layer its own: rng.fork("noise1"). */
  rng?: Rng;
}

/**
 * "Noisy BN" (Santurkar et al. 2018, §2.1), our version: placed right after a batch-norm layer,
 * it moves every feature's distribution to a new random mean and spread at every training step,
 *
 *   training:   s_j ~ U(minScale, maxScale),  m_j ~ U(−shift, shift)   (new draws every forward)
 *               y_ij = s_j · x_ij + m_j
 *   evaluation: y = x
 *
 * so the layer above sees inputs whose distribution changes from step to step — more internal
 * covariate shift, not less. Backward multiplies by the same s. Set `holdNoise = true` to reuse
 * the last draw (for a gradient check or a probe that must see the same noise twice).
 */
export class ShiftNoise extends Module {
  readonly shift: number;
  readonly minScale: number;
  readonly maxScale: number;
  rng: Rng;
  /** true: forward reuses the current draw instead of drawing a new one. */
  holdNoise = false;
  /** The scale s and shift m of the last training forward (1×D), or null before the first. */
  scale: Matrix | null = null;
  offset: Matrix | null = null;
  private shape: [number, number] | null = null;
  private usedNoise = false;

  constructor(options: ShiftNoiseOptions = {}) {
    super();
    const where = "ShiftNoise";
    checkOptions(where, options);
    this.shift = checkNumber(where, "shift", options.shift ?? 1, { min: 0, hint: "the largest random shift" });
    this.minScale = checkNumber(where, "minScale", options.minScale ?? 0.5, { min: 0, minInclusive: false, hint: "the smallest random scale" });
    this.maxScale = checkNumber(where, "maxScale", options.maxScale ?? 2, { min: this.minScale, hint: "at least minScale" });
    this.rng = checkRng(where, options.rng);
  }

  forward(x: Matrix): Matrix {
    checkMatrix(`${this}.forward`, "x", x);
    this.shape = [x.rows, x.cols];
    this.usedNoise = this.training;
    if (!this.training) return x.clone();
    if (this.scale !== null && this.scale.cols !== x.cols) {
      if (this.holdNoise) throw new Error(`${this}: holdNoise is on but the held draw has ${this.scale.cols} features and x has ${x.cols}`);
      this.scale = this.offset = null;
    }
    if (!this.holdNoise || this.scale === null) {
      this.scale = Matrix.row(Array.from({ length: x.cols }, () => this.rng.uniform(this.minScale, this.maxScale))); // s ~ U(lo, hi)
      this.offset = Matrix.row(Array.from({ length: x.cols }, () => this.rng.uniform(-this.shift, this.shift))); //  m ~ U(−a, a)
    }
    return x.mul(this.scale).add(this.offset!); //                                                                 y = s·x + m
  }

  /** dx = dy · s in training, dy in evaluation. */
  backward(dy: Matrix): Matrix {
    this.checkGrad(this.shape, dy, this.shape?.[0] ?? 0, this.shape?.[1] ?? 0);
    return this.usedNoise ? dy.mul(this.scale!) : dy.clone();
  }

  toString(): string {
    return `ShiftNoise(shift=±${this.shift}, scale=${this.minScale}…${this.maxScale})`;
  }
}
