import { checkMatrix, Matrix } from "../tensor/matrix";
import { backend } from "../tensor/backend";
import { emptyLike, Tensor, Value, sameShape, zerosLike } from "../tensor/tensor";
import { ShapeError } from "../tensor/shape-error";
import { Module } from "./module";
import { savedForBackward } from "./image-checks";

// The activations work elementwise, so each takes a Matrix (an MLP's batch) or a
// Tensor (a convolutional network's [N, C, H, W] feature maps) and returns the same kind.

/** ReLU(x) = max(0, x); its derivative is 1 where x > 0, else 0. */
export class ReLU extends Module {
  private x: Value | null = null;
  /** Run the loops below as the backend's vectorized passes (default true; the same numbers, bit for bit); false runs them here. */
  fastPath = true;

  forward(x: Matrix): Matrix;
  forward(x: Tensor): Tensor;
  forward(x: Value): Value {
    if (!(x instanceof Tensor)) checkMatrix(`${this.toString()}.forward`, "x", x);
    this.x = x;
    const y = emptyLike(x); // both loops below write every entry
    if (this.fastPath) backend().relu(x.data, y.data, x.size); // fast path: the same loop, vectorized
    else for (let i = 0; i < x.size; i++) y.data[i] = x.data[i] > 0 ? x.data[i] : 0;
    return y;
  }

  backward(dy: Matrix): Matrix;
  backward(dy: Tensor): Tensor;
  backward(dy: Value): Value {
    const x = checkElementwiseGrad(this, this.x, dy);
    const dx = emptyLike(dy); // both loops below write every entry
    if (this.fastPath) backend().reluBackward(x.data, dy.data, dx.data, dy.size); // fast path: the same loop, vectorized
    else for (let i = 0; i < dy.size; i++) dx.data[i] = x.data[i] > 0 ? dy.data[i] : 0; // 1 where x > 0, else 0
    return dx;
  }

  toString(): string {
    return "ReLU";
  }
}

/** σ(x) = 1 / (1 + e^−x); σ' = σ(1 − σ), flat (saturated) for large |x|. */
export class Sigmoid extends Module {
  private y: Value | null = null;
  /** Compute σ and its backward with the backend's vectorized passes (default true); false runs the loops below, the reference the tests compare with. */
  fastPath = true;

  forward(x: Matrix): Matrix;
  forward(x: Tensor): Tensor;
  forward(x: Value): Value {
    if (!(x instanceof Tensor)) checkMatrix(`${this.toString()}.forward`, "x", x);
    const y = zerosLike(x);
    if (this.fastPath) backend().sigmoid(x.data, y.data, x.size); // fast path: the same σ, vectorized
    else for (let i = 0; i < x.size; i++) y.data[i] = sigmoid(x.data[i]);
    this.y = y;
    return y;
  }

  backward(dy: Matrix): Matrix;
  backward(dy: Tensor): Tensor;
  backward(dy: Value): Value {
    const y = checkElementwiseGrad(this, this.y, dy);
    const dx = zerosLike(dy);
    if (this.fastPath) {
      backend().sigmoidBackward(y.data, dy.data, dx.data, dy.size); // fast path: the same loop, vectorized
      return dx;
    }
    for (let i = 0; i < dy.size; i++) {
      const s = y.data[i];
      dx.data[i] = dy.data[i] * s * (1 - s); // σ' = σ(1 − σ)
    }
    return dx;
  }

  toString(): string {
    return "Sigmoid";
  }
}

/** tanh(x); tanh' = 1 − tanh². */
export class Tanh extends Module {
  private y: Value | null = null;

  forward(x: Matrix): Matrix;
  forward(x: Tensor): Tensor;
  forward(x: Value): Value {
    if (!(x instanceof Tensor)) checkMatrix(`${this.toString()}.forward`, "x", x);
    const y = zerosLike(x);
    for (let i = 0; i < x.size; i++) y.data[i] = Math.tanh(x.data[i]);
    this.y = y;
    return y;
  }

  backward(dy: Matrix): Matrix;
  backward(dy: Tensor): Tensor;
  backward(dy: Value): Value {
    const y = checkElementwiseGrad(this, this.y, dy);
    const dx = zerosLike(dy);
    for (let i = 0; i < dy.size; i++) {
      const t = y.data[i];
      dx.data[i] = dy.data[i] * (1 - t * t); // tanh' = 1 − tanh²
    }
    return dx;
  }

  toString(): string {
    return "Tanh";
  }
}

/** Numerically stable logistic function. */
export function sigmoid(v: number): number {
  if (typeof v !== "number") throw new TypeError(`sigmoid: v must be a number, got ${typeof v === "string" ? JSON.stringify(v) : typeof v === "object" && v !== null ? "an object" : String(v)}; for a Matrix use new Sigmoid().forward(x)`);
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Throw unless forward ran before backward and dy has the shape (and kind) of what forward saw. */
function checkElementwiseGrad(layer: Module, saved: Value | null, dy: Value): Value {
  const forwarded = savedForBackward(layer.toString(), saved);
  if (!sameShape(forwarded, dy)) {
    throw new ShapeError(`${layer.toString()}.backward`, `dy of shape ${forwarded.shapeString()} (the output's shape)`, dy.shapeString());
  }
  return forwarded;
}
