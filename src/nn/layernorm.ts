import { Matrix } from "../tensor/matrix";
import { ShapeError } from "../tensor/shape-error";
import { Tensor, Value } from "../tensor/tensor";
import { checkGradTensor, savedForBackward } from "./image-checks";
import { formatNumber, normInputGrad } from "./norm-base";
import { AffineNorm } from "./affine";
import { Parameter } from "./parameter";
import { allocateLayer, checkBoolean, checkEps, checkOptions } from "./layer-checks";
import { describe } from "../validate/checks";

export interface LayerNormOptions {
  /** Added to the variance under the square root, for stability (default 1e-5). */
  eps?: number;
  /** Learnable γ (weight) and β (bias) per feature (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn β (default true; PyTorch's `bias` flag). */
  bias?: boolean;
}

/** What forward keeps for backward. */
interface Saved {
  xhat: Matrix;
  invStd: Matrix; // 1 / √(σ² + ε), one per example (a column)
  inputShape: readonly number[] | null; // the Tensor input's shape (null for a Matrix)
}

/**
 * Layer normalization (Ba, Kiros & Hinton 2016), with the semantics of PyTorch's
 * nn.LayerNorm(normalizedShape) on 2-D input (batch × features):
 *
 *   μ  = mean of x over the features (per example, axis 1)
 *   σ² = biased variance over the features (divide by D)
 *   x̂  = (x − μ) / √(σ² + ε)
 *   y  = γ·x̂ + β            (γ and β per feature)
 *
 * The statistics belong to one example, not to the batch, so training and
 * evaluation compute the same thing, a batch of one is fine, and there are no
 * running statistics. Compare BatchNorm1d, which reduces over axis 0.
 *
 * On image batches, as in PyTorch, give the trailing dimensions to normalize:
 * `new LayerNorm([C, H, W])` normalizes each image [C, H, W] over all its
 * C·H·W numbers, with one γ and β per number (C·H·W of each).
 */
export class LayerNorm extends AffineNorm {
  /** The number of normalized entries per example: D, or C·H·W for LayerNorm([C, H, W]). */
  readonly normalizedShape: number;
  /** The trailing dimensions normalized together ([D], or [C, H, W]). */
  readonly normalizedDims: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  /** γ, per feature, starts at 1. */
  readonly weight: Parameter;
  /** β, per feature, starts at 0. */
  readonly bias: Parameter;
  private readonly hasBias: boolean;
  private saved: Saved | null = null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const given: unknown = normalizedShape;
    if (typeof given !== "number" && !Array.isArray(given)) {
      throw new TypeError(`LayerNorm: normalizedShape (the number of features, or the trailing dimensions like [C, H, W]) must be an integer ≥ 1 or an array of them, got ${describe(given)}`);
    }
    const dims = typeof normalizedShape === "number" ? [normalizedShape] : normalizedShape.slice();
    if (typeof normalizedShape === "number" && !(Number.isInteger(normalizedShape) && normalizedShape >= 1)) {
      throw new RangeError(`LayerNorm: normalizedShape (the number of features) must be an integer ≥ 1, got ${normalizedShape}`);
    }
    if (dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new RangeError(`LayerNorm: normalizedShape (the number of features, or the trailing dimensions like [C, H, W]) must be integers ≥ 1, got ${JSON.stringify(normalizedShape)}`);
    }
    this.normalizedDims = dims;
    const size = dims.reduce((a, b) => a * b, 1); // the number of features normalized together
    checkOptions("LayerNorm", options);
    const eps = checkEps("LayerNorm", options.eps === undefined ? 1e-5 : options.eps);
    this.normalizedShape = size;
    this.eps = eps;
    this.elementwiseAffine = checkBoolean("LayerNorm", "elementwiseAffine", options.elementwiseAffine, true);
    this.hasBias = this.elementwiseAffine && checkBoolean("LayerNorm", "bias", options.bias, true);
    [this.weight, this.bias] = allocateLayer(`LayerNorm(${size})`, [["weight", 1, size, true], ["bias", 1, size, true]], () => [
      new Parameter("weight", Matrix.ones(1, size)),
      new Parameter("bias", Matrix.zeros(1, size)),
    ] as const);
  }


  forward(x: Matrix): Matrix;
  forward(x: Tensor): Tensor;
  forward(x: Value): Value {
    if (x instanceof Tensor) return this.forwardTensor(x);
    this.checkInput(x, this.normalizedShape);
    const { xhat, invStd } = normalizeRows(x, this.eps); // x̂ = (x − μ) / √(σ² + ε), per example
    let y = xhat;
    if (this.elementwiseAffine) y = y.mul(this.gamma); //  γ·x̂
    if (this.hasBias) y = y.add(this.beta); //             + β
    this.saved = { xhat, invStd, inputShape: null };
    return y;
  }

  /** A Tensor [..., normalizedDims] is the Matrix (rows = everything before) × D: the same computation. */
  private forwardTensor(x: Tensor): Tensor {
    const k = this.normalizedDims.length;
    const trailing = x.shape.slice(x.ndim - k);
    if (x.ndim <= k || !trailing.every((d, i) => d === this.normalizedDims[i])) {
      throw new ShapeError(`${this.toString()}.forward`, `[N, ${this.normalizedDims.join(", ")}]`, x.shapeString(), "The last dimensions must be the normalized shape");
    }
    const y = this.forward(x.toMatrix(x.size / this.normalizedShape, this.normalizedShape));
    this.saved = { ...this.saved!, inputShape: x.shape };
    return new Tensor(x.shape, y.data);
  }

  /**
   * The BatchNorm backward with the roles of the axes swapped: the sums run over
   * the D features of each example instead of over the batch.
   *   ∂L/∂γ = Σᵢ dyᵢ·x̂ᵢ,  ∂L/∂β = Σᵢ dyᵢ   (over the batch, per feature)
   *   dx̂ = dy·γ
   *   dx = (D·dx̂ − Σⱼ dx̂ⱼ − x̂·Σⱼ dx̂ⱼ·x̂ⱼ) / (D·√(σ²+ε))   (sums over the features)
   */
  backward(dy: Matrix): Matrix;
  backward(dy: Tensor): Tensor;
  backward(dy: Value): Value {
    const { inputShape } = savedForBackward(this.toString(), this.saved);
    if (inputShape !== null || dy instanceof Tensor) {
      const dyT = checkGradTensor(this.toString(), dy, inputShape ?? [this.saved!.xhat.rows, this.normalizedShape]);
      const saved = this.saved!;
      this.saved = { ...saved, inputShape: null }; // the Matrix backward below, on the same numbers
      try {
        return new Tensor(dyT.shape, this.backward(dyT.toMatrix(saved.xhat.rows, this.normalizedShape)).data);
      } finally {
        this.saved = saved;
      }
    }
    const { xhat, invStd } = this.checkGrad(this.saved, dy, this.saved?.xhat.rows ?? 0, this.normalizedShape);
    if (this.elementwiseAffine) this.weight.grad.addInPlace(dy.mul(xhat).sumRows()); // ∂L/∂γ
    if (this.hasBias) this.bias.grad.addInPlace(dy.sumRows()); //                       ∂L/∂β
    const dxhat = this.elementwiseAffine ? dy.mul(this.gamma) : dy; //                  dx̂ = dy·γ
    return normInputGrad(dxhat, xhat, invStd, "columns"); // dx, with the sums over each example's features
  }

  ownParameters(): Parameter[] {
    if (!this.elementwiseAffine) return [];
    return this.hasBias ? [this.weight, this.bias] : [this.weight];
  }

  toString(): string {
    const opts = [`eps=${formatNumber(this.eps)}`];
    if (!this.elementwiseAffine) opts.push("elementwiseAffine=false");
    else if (!this.hasBias) opts.push("bias=false");
    const shape = this.normalizedDims.length === 1 ? String(this.normalizedShape) : `[${this.normalizedDims.join(", ")}]`;
    return `LayerNorm(${shape}, ${opts.join(", ")})`;
  }
}

/**
 * Normalize every row of x by its own mean and biased variance:
 *   μ = mean of the row, σ² = (1/D) Σⱼ (xⱼ − μ)², x̂ = (x − μ) / √(σ² + ε).
 * Returns x̂ and 1/√(σ² + ε) as a column (one number per row).
 * Shared by LayerNorm (a row = an example) and GroupNorm (a row = one group of one example).
 */
export function normalizeRows(x: Matrix, eps: number): { xhat: Matrix; invStd: Matrix } {
  const mu = x.meanCols(); //                                   μ = (1/D) Σⱼ xⱼ      (a column)
  const centered = x.sub(mu); //                                x − μ
  const variance = centered.mul(centered).meanCols(); //        σ² = (1/D) Σⱼ (xⱼ − μ)²   (biased)
  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps)); // 1 / √(σ² + ε)
  const xhat = centered.mul(invStd); //                         x̂ = (x − μ) / √(σ² + ε)
  rescueOverflow(x, eps, xhat, invStd);
  return { xhat, invStd };
}

/**
 * Rows of huge finite numbers (|x| near 1e300): the sum or the squares overflow
 * to ∞ although x̂ itself is an ordinary number. Such rows are computed again on
 * x/s, with s the row's largest |x| (μ and σ scale with s, so x̂ is the same):
 *   x̂ = (x/s − μ') / √(σ'² + ε/s²),  1/√(σ² + ε) = (1/s) / √(σ'² + ε/s²).
 * PyTorch returns NaN for these rows; we return the normalized values. A row
 * that holds NaN or ±∞ stays NaN, as in PyTorch.
 */
function rescueOverflow(x: Matrix, eps: number, xhat: Matrix, invStd: Matrix): void {
  const D = x.cols;
  for (let i = 0; i < x.rows; i++) {
    const row = x.data.subarray(i * D, (i + 1) * D);
    let finiteRow = true;
    let needed = false;
    for (let j = 0; j < D; j++) {
      if (!Number.isFinite(row[j])) finiteRow = false;
      if (!Number.isFinite(xhat.data[i * D + j])) needed = true;
    }
    if (!needed && Number.isFinite(invStd.data[i]) && invStd.data[i] !== 0) continue;
    if (!finiteRow) continue;
    let s = 0;
    for (let j = 0; j < D; j++) s = Math.max(s, Math.abs(row[j]));
    if (s === 0) continue;
    let mean = 0;
    for (let j = 0; j < D; j++) mean += row[j] / s;
    mean /= D;
    let v = 0;
    for (let j = 0; j < D; j++) v += (row[j] / s - mean) ** 2;
    v /= D;
    if (v === 0 && eps > 0) {
      // a constant row: x − μ = 0 exactly, so x̂ = 0 (ε/s² may underflow to 0, which would give 0/0)
      for (let j = 0; j < D; j++) xhat.data[i * D + j] = 0;
      invStd.data[i] = 1 / Math.sqrt(eps);
      continue;
    }
    const root = Math.sqrt(v + eps / s / s);
    for (let j = 0; j < D; j++) xhat.data[i * D + j] = (row[j] / s - mean) / root;
    invStd.data[i] = 1 / s / root;
  }
}
