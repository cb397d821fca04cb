import { Matrix } from "../tensor/matrix";
import { Tensor, Value } from "../tensor/tensor";
import { mapPerChannel, sumPerChannel } from "./channels";
import { checkGradTensor, checkImages, savedForBackward } from "./image-checks";
import { formatNumber, normInputGrad } from "./norm-base";
import { normalizeRows } from "./layernorm";
import { AffineNorm } from "./affine";
import { Parameter } from "./parameter";
import { allocateLayer, checkBoolean, checkEps, checkOptions, checkSize } from "./layer-checks";

export interface GroupNormOptions {
  /** Added to the variance under the square root, for stability (default 1e-5). */
  eps?: number;
  /** Learnable γ (weight) and β (bias) per channel (default true). */
  affine?: boolean;
}

/** What forward keeps for backward. */
interface Saved {
  xhat: Matrix; // (N·G) × (C/G): one row per example and group
  invStd: Matrix; // (N·G) × 1
  batchSize: number;
  imageShape: readonly number[] | null; // [N, C, H, W] when the input was a Tensor
}

/**
 * Group normalization (Wu & He 2018), with the semantics of PyTorch's
 * nn.GroupNorm(numGroups, numChannels) on (N, C) input:
 *
 *   the C channels of every example are split into numGroups contiguous groups
 *   of C/G channels: channels 0 … C/G−1 form group 0, and so on;
 *   μ, σ² = mean and biased variance of one example's group
 *   x̂ = (x − μ) / √(σ² + ε)
 *   y = γ·x̂ + β              (γ and β per channel, not per group)
 *
 * Like LayerNorm the statistics never mix examples, so training and evaluation
 * agree and the batch size does not matter. The two ends of the range:
 * - GroupNorm(1, C) is LayerNorm(C): one group holds every feature.
 * - GroupNorm(C, C) is instance norm: every feature is its own group. On 2-D
 *   input a group is a single number, so x − μ = 0, x̂ = 0 and the output is
 *   just β whatever the input (with images a channel has H·W numbers to
 *   normalize; here it has one).
 *
 * On image batches [N, C, H, W] (a Tensor) a group is C/G channels × H × W
 * positions of one example, as in PyTorch: GroupNorm(1, C) normalizes each
 * image over all of C, H, W (LayerNorm's axes), GroupNorm(C, C) each channel
 * of each image over H, W (InstanceNorm's axes).
 */
export class GroupNorm extends AffineNorm {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  /** γ, per channel, starts at 1. */
  readonly weight: Parameter;
  /** β, per channel, starts at 0. */
  readonly bias: Parameter;
  private saved: Saved | null = null;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    checkSize("GroupNorm", "numGroups", numGroups);
    checkSize("GroupNorm", "numChannels", numChannels);
    checkOptions("GroupNorm", options);
    if (numChannels % numGroups !== 0) {
      throw new RangeError(
        `GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups}); ` +
          `choose numGroups among the divisors of ${numChannels}: ${divisors(numChannels).slice(0, 30).join(", ")}`,
      );
    }
    const eps = checkEps("GroupNorm", options.eps === undefined ? 1e-5 : options.eps);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.affine = checkBoolean("GroupNorm", "affine", options.affine, true);
    [this.weight, this.bias] = allocateLayer(`GroupNorm(${numGroups}, ${numChannels})`, [["weight", 1, numChannels, true], ["bias", 1, numChannels, true]], () => [
      new Parameter("weight", Matrix.ones(1, numChannels)),
      new Parameter("bias", Matrix.zeros(1, numChannels)),
    ] as const);
  }

  /** Channels per group, C/G. */
  get groupSize(): number {
    return this.numChannels / this.numGroups;
  }


  forward(x: Matrix): Matrix;
  forward(x: Tensor): Tensor;
  forward(x: Value): Value {
    if (x instanceof Tensor) return this.forwardImages(x);
    this.checkInput(x, this.numChannels);
    const N = x.rows;
    // Row-major storage makes the (N, C) batch the same numbers as an (N·G, C/G)
    // matrix whose rows are the groups: normalize each row, as LayerNorm does.
    const groups = new Matrix(N * this.numGroups, this.groupSize, x.data);
    const { xhat, invStd } = normalizeRows(groups, this.eps); //    x̂ = (x − μ) / √(σ² + ε), per example and group
    const xhatNC = new Matrix(N, this.numChannels, xhat.data); //   back to (N, C)
    const y = this.affine ? xhatNC.mul(this.gamma).add(this.beta) : xhatNC; // y = γ·x̂ + β, per channel
    this.saved = { xhat, invStd, batchSize: N, imageShape: null };
    return y;
  }

  /** The same on [N, C, H, W]: each row of the (N·G) × (C/G·H·W) view is one group of one image. */
  private forwardImages(x: Tensor): Tensor {
    const [N, C, H, W] = checkImages(this.toString(), x, this.numChannels).shape;
    const groups = new Matrix(N * this.numGroups, (C / this.numGroups) * H * W, x.data);
    const { xhat, invStd } = normalizeRows(groups, this.eps); //    x̂ = (x − μ) / √(σ² + ε), per image and group
    const xhatImages = new Tensor(x.shape, xhat.data);
    const gamma = this.gamma.data, beta = this.beta.data;
    const y = this.affine ? mapPerChannel(xhatImages, (v, c) => v * gamma[c] + beta[c]) : xhatImages; // y = γ·x̂ + β, per channel
    this.saved = { xhat, invStd, batchSize: N, imageShape: x.shape };
    return y;
  }

  /** ∂L/∂γ, ∂L/∂β per channel as in BatchNorm; dx by the LayerNorm formula inside each group. */
  backward(dy: Matrix): Matrix;
  backward(dy: Tensor): Tensor;
  backward(dy: Value): Value {
    const { imageShape, batchSize } = savedForBackward(this.toString(), this.saved);
    if (imageShape !== null || dy instanceof Tensor) return this.backwardImages(dy, imageShape ?? [batchSize, this.numChannels]);
    const { xhat, invStd, batchSize: N } = this.checkGrad(this.saved, dy, this.saved?.batchSize ?? 0, this.numChannels);
    const xhatNC = new Matrix(N, this.numChannels, xhat.data);
    if (this.affine) {
      this.weight.grad.addInPlace(dy.mul(xhatNC).sumRows()); // ∂L/∂γ = Σᵢ dyᵢ·x̂ᵢ
      this.bias.grad.addInPlace(dy.sumRows()); //               ∂L/∂β = Σᵢ dyᵢ
    }
    const dxhat = this.affine ? dy.mul(this.gamma) : dy; //     dx̂ = dy·γ
    const dxhatGroups = new Matrix(N * this.numGroups, this.groupSize, dxhat.data);
    const dx = normInputGrad(dxhatGroups, xhat, invStd, "columns");
    return new Matrix(N, this.numChannels, dx.data);
  }

  private backwardImages(dyValue: Value, shape: readonly number[]): Tensor {
    const dy = checkGradTensor(this.toString(), dyValue, shape);
    const { xhat, invStd } = this.saved!;
    const xhatImages = new Tensor(shape, xhat.data);
    if (this.affine) {
      this.weight.grad.addInPlace(sumPerChannel(dy.mul(xhatImages))); // ∂L/∂γ = Σ dy·x̂ (over n, h, w)
      this.bias.grad.addInPlace(sumPerChannel(dy)); //                   ∂L/∂β = Σ dy
    }
    const gamma = this.gamma.data;
    const dxhat = this.affine ? mapPerChannel(dy, (v, c) => v * gamma[c]) : dy; // dx̂ = dy·γ
    const dx = normInputGrad(new Matrix(xhat.rows, xhat.cols, dxhat.data), xhat, invStd, "columns");
    return new Tensor(shape, dx.data);
  }

  ownParameters(): Parameter[] {
    return this.affine ? [this.weight, this.bias] : [];
  }

  toString(): string {
    const opts = [`eps=${formatNumber(this.eps)}`];
    if (!this.affine) opts.push("affine=false");
    return `GroupNorm(${this.numGroups}, ${this.numChannels}, ${opts.join(", ")})`;
  }
}

function divisors(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    small.push(d);
    if (d * d !== n) large.unshift(n / d);
  }
  return [...small, ...large];
}
