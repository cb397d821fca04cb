import { Matrix } from "../../../src/tensor/matrix";

/** A batch of one has variance 0: refuse it in training (eval mode uses the running statistics). */
export function guardBatch(x: Matrix, training: boolean): void {
  if (training && x.rows < 2) {
    throw new Error(`Expected more than 1 example per batch when training, got a batch of ${x.rows}`);
  }
}
