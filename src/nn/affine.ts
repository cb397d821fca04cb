import { Matrix } from "../tensor/matrix";
import type { Value } from "../tensor/tensor";
import { Module } from "./module";
import { Parameter } from "./parameter";

/**
 * A normalization layer's learnable scale γ (`weight`) and shift β (`bias`), one
 * per feature or channel, under the names the lessons use: `gamma` and `beta`.
 */
export abstract class AffineNorm<X extends Value = Matrix> extends Module<X, X> {
  abstract readonly weight: Parameter;
  abstract readonly bias: Parameter;

  /** γ (an alias of weight.value). */
  get gamma(): Matrix {
    return this.weight.value;
  }

  /** β (an alias of bias.value). */
  get beta(): Matrix {
    return this.bias.value;
  }
}
