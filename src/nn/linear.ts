import { Matrix } from "../tensor/matrix";
import { Init, initWeights, pytorchInit, checkInit } from "../random/init";
import { Rng } from "../random/rng";
import { BackwardOptions, Module } from "./module";
import { Parameter } from "./parameter";
import { allocateLayer, checkBoolean, checkOptions, checkRng, checkSize } from "./layer-checks";

export interface LinearOptions {
  /** Add a learnable bias b (default true). Before a BatchNorm layer it is redundant: β does its job. */
  bias?: boolean;
  /** How to draw the initial weights (default: PyTorch's U(−1/√in, 1/√in)). */
  init?: Init;
  /** The random generator for the initial weights (default: a fixed seed). */
  rng?: Rng;
}

/**
 * A fully connected layer: y = x·Wᵀ + b.
 * `weight` is (outFeatures × inFeatures), as in PyTorch's nn.Linear.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  private x: Matrix | null = null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkSize("Linear", "inFeatures", inFeatures);
    checkSize("Linear", "outFeatures", outFeatures);
    checkOptions("Linear", options);
    const hasBias = checkBoolean("Linear", "bias", options.bias, true);
    const init = options.init === undefined ? pytorchInit() : checkInit("Linear", options.init);
    const rng = checkRng("Linear", options.rng);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const name = `Linear(${inFeatures}→${outFeatures})`;
    const sizes: Array<[string, number, number, boolean]> = [["weight", outFeatures, inFeatures, true]];
    if (hasBias) sizes.push(["bias", 1, outFeatures, true]);
    [this.weight, this.bias] = allocateLayer(name, sizes, () => [
      new Parameter("weight", initWeights(inFeatures, outFeatures, init, rng)),
      hasBias ? new Parameter("bias", initBias(inFeatures, outFeatures, init, rng)) : null,
    ]);
  }

  forward(x: Matrix): Matrix {
    this.checkInput(x, this.inFeatures);
    this.x = x;
    const y = x.matmulTransB(this.weight.value); // x·Wᵀ
    return this.bias ? y.addRowInPlace(this.bias.value) : y; // + b on every row
  }

  /** With `{ inputGrad: false }` only the parameters' gradients are computed (see BackwardOptions), and the result is null. */
  backward(dy: Matrix): Matrix;
  backward(dy: Matrix, options: BackwardOptions): Matrix | null;
  backward(dy: Matrix, options: BackwardOptions = {}): Matrix | null {
    const x = this.checkGrad(this.x, dy, this.x?.rows ?? 0, this.outFeatures);
    this.weight.grad.addMatmulTransA(dy, x); // ∂L/∂W += dyᵀ·x
    if (this.bias) this.bias.grad.addInPlace(dy.sumRows()); // ∂L/∂b += Σ over the batch
    if (options.inputGrad === false) return null; // the input needs no gradient
    return dy.matmul(this.weight.value); // ∂L/∂x = dy·W
  }

  ownParameters(): Parameter[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  toString(): string {
    return `Linear(${this.inFeatures}→${this.outFeatures}${this.bias ? "" : ", bias=false"})`;
  }
}

function initBias(inFeatures: number, outFeatures: number, init: Init, rng: Rng): Matrix {
  // PyTorch draws the bias from U(−1/√in, 1/√in); with an explicit init we start at zero.
  if (init.kind !== "pytorch") return Matrix.zeros(1, outFeatures);
  const a = 1 / Math.sqrt(inFeatures);
  return Matrix.row(Array.from({ length: outFeatures }, () => rng.uniform(-a, a)));
}
