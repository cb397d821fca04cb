import { Matrix } from "../../../src/tensor/matrix";
import { normalize } from "./normalize";

/** y = γ·x̂ + β (training mode). */
export function batchNormForward(x: Matrix, gamma: Matrix, beta: Matrix, eps: number): Matrix {
  return normalize(x, eps).mul(gamma).add(beta);
}
