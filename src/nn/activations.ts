import { checkMatrix, Matrix } from "../tensor/matrix";
import { kernel } from "../tensor/kernel";
import { Module } from "./module";

/** ReLU(x) = max(0, x); its derivative is 1 where x > 0, else 0. */
export class ReLU extends Module {
  private x: Matrix | null = null;

  forward(x: Matrix): Matrix {
    checkMatrix(`${this.toString()}.forward`, "x", x);
    this.x = x;
    const y = new Matrix(x.rows, x.cols);
    for (let i = 0; i < x.size; i++) y.data[i] = x.data[i] > 0 ? x.data[i] : 0;
    return y;
  }

  backward(dy: Matrix): Matrix {
    const x = this.checkGrad(this.x, dy, this.x?.rows ?? 0, this.x?.cols ?? 0);
    const dx = new Matrix(dy.rows, dy.cols);
    for (let i = 0; i < dy.size; i++) dx.data[i] = x.data[i] > 0 ? dy.data[i] : 0; // 1 where x > 0, else 0
    return dx;
  }

  toString(): string {
    return "ReLU";
  }
}

/** σ(x) = 1 / (1 + e^−x); σ' = σ(1 − σ), flat (saturated) for large |x|. */
export class Sigmoid extends Module {
  private y: Matrix | null = null;
  /** Compute σ and its backward with the kernel's vectorized passes (default true); false runs the loops below, the reference the tests compare with. */
  fastPath = true;

  forward(x: Matrix): Matrix {
    checkMatrix(`${this.toString()}.forward`, "x", x);
    const y = new Matrix(x.rows, x.cols);
    if (this.fastPath) kernel().sigmoid(x.data, y.data, x.size); // fast path: the same σ, vectorized
    else for (let i = 0; i < x.size; i++) y.data[i] = sigmoid(x.data[i]);
    this.y = y;
    return y;
  }

  backward(dy: Matrix): Matrix {
    const y = this.checkGrad(this.y, dy, this.y?.rows ?? 0, this.y?.cols ?? 0);
    const dx = new Matrix(dy.rows, dy.cols);
    if (this.fastPath) {
      kernel().sigmoidBackward(y.data, dy.data, dx.data, dy.size); // fast path: the same loop, vectorized
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
  private y: Matrix | null = null;

  forward(x: Matrix): Matrix {
    checkMatrix(`${this.toString()}.forward`, "x", x);
    const y = new Matrix(x.rows, x.cols);
    for (let i = 0; i < x.size; i++) y.data[i] = Math.tanh(x.data[i]);
    this.y = y;
    return y;
  }

  backward(dy: Matrix): Matrix {
    const y = this.checkGrad(this.y, dy, this.y?.rows ?? 0, this.y?.cols ?? 0);
    const dx = new Matrix(dy.rows, dy.cols);
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
