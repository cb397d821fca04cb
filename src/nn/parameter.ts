import { Matrix } from "../tensor/matrix";

/** A learnable tensor: its current `value` and the `grad` that backward accumulates into. */
export class Parameter {
  readonly name: string;
  value: Matrix;
  grad: Matrix;

  constructor(name: string, value: Matrix) {
    this.name = name;
    this.value = value;
    this.grad = Matrix.zeros(value.rows, value.cols);
  }

  zeroGrad(): void {
    this.grad.fill(0);
  }
}
