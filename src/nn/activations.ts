import { Matrix } from "../tensor/matrix";
import { Module } from "./module";

/** ReLU(x) = max(0, x); its derivative is 1 where x > 0, else 0. */
export class ReLU extends Module {
  private x: Matrix | null = null;

  forward(x: Matrix): Matrix {
    this.x = x;
    return x.map((v) => (v > 0 ? v : 0));
  }

  backward(dy: Matrix): Matrix {
    const x = this.checkGrad(this.x, dy, this.x?.rows ?? 0, this.x?.cols ?? 0);
    return dy.map((g, i, j) => (x.get(i, j) > 0 ? g : 0));
  }

  toString(): string {
    return "ReLU";
  }
}

/** σ(x) = 1 / (1 + e^−x); σ' = σ(1 − σ), flat (saturated) for large |x|. */
export class Sigmoid extends Module {
  private y: Matrix | null = null;

  forward(x: Matrix): Matrix {
    const y = x.map(sigmoid);
    this.y = y;
    return y;
  }

  backward(dy: Matrix): Matrix {
    const y = this.checkGrad(this.y, dy, this.y?.rows ?? 0, this.y?.cols ?? 0);
    return dy.map((g, i, j) => {
      const s = y.get(i, j);
      return g * s * (1 - s);
    });
  }

  toString(): string {
    return "Sigmoid";
  }
}

/** tanh(x); tanh' = 1 − tanh². */
export class Tanh extends Module {
  private y: Matrix | null = null;

  forward(x: Matrix): Matrix {
    const y = x.map(Math.tanh);
    this.y = y;
    return y;
  }

  backward(dy: Matrix): Matrix {
    const y = this.checkGrad(this.y, dy, this.y?.rows ?? 0, this.y?.cols ?? 0);
    return dy.map((g, i, j) => {
      const t = y.get(i, j);
      return g * (1 - t * t);
    });
  }

  toString(): string {
    return "Tanh";
  }
}

/** Numerically stable logistic function. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}
