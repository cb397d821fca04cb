import { Matrix } from "../tensor/matrix";
import { ShapeError } from "../tensor/shape-error";
import { Tensor, Value } from "../tensor/tensor";
import { Module } from "./module";
import { savedForBackward } from "./image-checks";

/**
 * Where image layers meet Linear: [N, C, H, W] → the Matrix N × (C·H·W), one row
 * per image (PyTorch's nn.Flatten). Row n holds image n's numbers in memory
 * order — channel 0's H·W pixels, then channel 1's, … — so nothing moves:
 * backward gives the gradient its image shape back.
 */
export class Flatten extends Module<Tensor, Matrix> {
  private inputShape: readonly number[] | null = null;

  forward(x: Tensor): Matrix {
    if (!(x instanceof Tensor) || x.ndim < 2) {
      throw new ShapeError("Flatten.forward", "a Tensor [N, C, H, W] (or any [N, …])", describe(x), "Flatten turns image batches into the Matrix that Linear takes");
    }
    this.inputShape = x.shape;
    return x.toMatrix(x.shape[0], x.size / x.shape[0]).clone();
  }

  backward(dy: Matrix): Tensor {
    const shape = savedForBackward("Flatten", this.inputShape);
    const cols = shape.slice(1).reduce((a, b) => a * b, 1);
    if (!(dy instanceof Matrix) || dy.rows !== shape[0] || dy.cols !== cols) {
      throw new ShapeError("Flatten.backward", `dy of shape [${shape[0]}, ${cols}] (the output's shape)`, describe(dy));
    }
    return Tensor.from(dy.data, shape);
  }

  toString(): string {
    return "Flatten";
  }
}

/**
 * The other way: each row of a Matrix N × (C·H·W) becomes an image [C, H, W]
 * (PyTorch's nn.Unflatten(1, (C, H, W))). Put it first in a Sequential to feed
 * MNIST's 784-pixel rows to a Conv2d: `new Unflatten([1, 28, 28])`; then the whole
 * network takes and returns matrices, and fit() and evaluate() train it as they train an MLP.
 */
export class Unflatten extends Module<Matrix, Tensor> {
  readonly imageShape: readonly number[];

  constructor(imageShape: readonly number[]) {
    super();
    if (!Array.isArray(imageShape)) throw new TypeError(`Unflatten: imageShape must be an array of positive integers like [1, 28, 28] (channels, height, width), got ${describe(imageShape)}`);
    if (imageShape.length === 0 || !imageShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new RangeError(`Unflatten: imageShape must be positive integers like [1, 28, 28] (channels, height, width), got [${imageShape.join(", ")}]`);
    }
    this.imageShape = imageShape.slice();
  }

  forward(x: Matrix): Tensor {
    const size = this.imageShape.reduce((a, b) => a * b, 1);
    if (!(x instanceof Matrix) || x.cols !== size) {
      throw new ShapeError(`${this.toString()}.forward`, `a Matrix [N, ${size}] (${this.imageShape.join("·")} numbers per row)`, describe(x));
    }
    return Tensor.from(x.data, [x.rows, ...this.imageShape]);
  }

  backward(dy: Tensor): Matrix {
    if (!(dy instanceof Tensor) || dy.ndim !== this.imageShape.length + 1 || !this.imageShape.every((d, i) => dy.shape[i + 1] === d)) {
      throw new ShapeError(`${this.toString()}.backward`, `dy of shape [N, ${this.imageShape.join(", ")}]`, describe(dy));
    }
    return new Matrix(dy.shape[0], dy.size / dy.shape[0], dy.data.slice());
  }

  toString(): string {
    return `Unflatten([${this.imageShape.join(", ")}])`;
  }
}

function describe(v: Value | unknown): string {
  if (v instanceof Matrix) return `a Matrix ${v.shapeString()}`;
  if (v instanceof Tensor) return `a Tensor ${v.shapeString()}`;
  return String(v);
}
