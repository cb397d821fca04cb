import { Matrix, checkMatrix } from "../tensor/matrix";
import { Rng } from "../random/rng";
import { Module } from "./module";
import { checkOptions, describe } from "../validate/checks";
import { checkRng } from "./layer-checks";

export interface DropoutOptions {
  /**
   * The generator that draws the masks (default: a fixed seed, so runs repeat). Every
   * default Dropout starts from the same seed, so give each layer its own stream
   * when a network has several: `{ rng: rng.fork("dropout1") }`.
   */
  rng?: Rng;
}

/**
 * Inverted dropout, as PyTorch's nn.Dropout(p):
 *
 *   training:   mask = 1/(1 − p) with probability 1 − p, else 0 (one draw per entry)
 *               y = x ⊙ mask
 *   evaluation: y = x   (the 1/(1 − p) during training keeps the expected value equal)
 *
 * Backward multiplies by the same mask. Masks come from `rng`, so the same seed
 * gives the same masks; re-seed (`dropout.rng = new Rng(7)`) to repeat a mask.
 */
export class Dropout extends Module {
  readonly p: number;
  /** The generator that draws the masks; replace it to re-seed. */
  rng: Rng;
  /** The mask of the last training forward (entries 0 or 1/(1 − p)), or null in evaluation. */
  mask: Matrix | null = null;
  private shape: [number, number] | null = null;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p < 1)) {
      throw new RangeError(`Dropout: p (the probability of zeroing an entry) must be in [0, 1), got ${describe(p)}`);
    }
    checkOptions("Dropout", options);
    this.p = p;
    this.rng = checkRng("Dropout", options.rng);
  }

  forward(x: Matrix): Matrix {
    checkMatrix(`${this.toString()}.forward`, "x", x);
    this.shape = [x.rows, x.cols];
    if (!this.training) {
      this.mask = null;
      return x.clone();
    }
    const keep = 1 / (1 - this.p);
    const mask = new Matrix(x.rows, x.cols);
    for (let i = 0; i < mask.data.length; i++) mask.data[i] = this.rng.uniform() < this.p ? 0 : keep; // drop with probability p
    this.mask = mask;
    return x.mul(mask); //                                                                   y = x ⊙ mask
  }

  /** dx = dy ⊙ mask in training, dy in evaluation. */
  backward(dy: Matrix): Matrix {
    this.checkGrad(this.shape, dy, this.shape?.[0] ?? 0, this.shape?.[1] ?? 0);
    return this.mask ? dy.mul(this.mask) : dy.clone();
  }

  toString(): string {
    return `Dropout(p=${this.p})`;
  }
}
