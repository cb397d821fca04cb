import { checkMatrix, Matrix } from "../tensor/matrix";
import { describe } from "../validate/checks";

/** A learnable tensor: its current `value` and the `grad` that backward accumulates into. */
export class Parameter {
  readonly name: string;
  value: Matrix;
  grad: Matrix;

  constructor(name: string, value: Matrix) {
    if (typeof name !== "string" || name === "") throw new TypeError(`Parameter: name must be a non-empty string such as "weight", got ${describe(name)}`);
    checkMatrix("Parameter", "value", value);
    this.name = name;
    this.value = value;
    this.grad = Matrix.zeros(value.rows, value.cols);
  }

  zeroGrad(): void {
    this.grad.fill(0);
  }
}
