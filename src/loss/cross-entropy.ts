import { checkMatrix, Matrix } from "../tensor/matrix";
import { checkArrayLike, describe } from "../validate/checks";
import { ShapeError } from "../tensor/shape-error";
import { logSoftmax, softmax } from "./softmax";

/** What forward keeps for backward. */
interface Saved {
  probs: Matrix;
  targets: number[];
}

/**
 * Softmax cross-entropy for classification, like torch.nn.CrossEntropyLoss:
 * raw scores (logits) in, class indices as targets, the MEAN over the batch out.
 *
 *   loss = (1/N) Σᵢ −log softmax(zᵢ)[yᵢ] = (1/N) Σᵢ (logsumexp(zᵢ) − zᵢ,yᵢ)
 *   ∂loss/∂z = (softmax(z) − onehot(y)) / N
 */
export class CrossEntropyLoss {
  private saved: Saved | null = null;

  forward(logits: Matrix, targets: ArrayLike<number>): number {
    const labels = checkTargets(logits, targets);
    const logp = logSoftmax(logits); //                        log pᵢⱼ = zᵢⱼ − log Σₖ e^zᵢₖ, stably
    let total = 0;
    labels.forEach((y, i) => (total -= logp.get(i, y))); //   −log pᵢ,yᵢ
    this.saved = { probs: softmax(logits), targets: labels };
    return total / logits.rows; //                             mean over the batch
  }

  /** ∂loss/∂logits = (softmax − onehot) / N. */
  backward(): Matrix {
    if (this.saved === null) throw new Error("CrossEntropyLoss.backward: call forward(logits, targets) before backward()");
    const { probs, targets } = this.saved;
    const grad = probs.clone();
    targets.forEach((y, i) => (grad.data[i * grad.cols + y] -= 1)); // softmax − onehot
    return grad.scaleInPlace(1 / probs.rows); //                       … / N
  }

  toString(): string {
    return "CrossEntropyLoss";
  }
}

/** Targets must be one class index in [0, C) per row of logits. */
function checkTargets(logits: Matrix, targets: ArrayLike<number>): number[] {
  checkMatrix("CrossEntropyLoss.forward", "logits", logits);
  checkArrayLike("CrossEntropyLoss.forward", "targets (one class index per row of logits)", targets);
  const C = logits.cols;
  if (logits.rows < 1 || C < 1) {
    throw new ShapeError(
      "CrossEntropyLoss.forward",
      "logits [batch ≥ 1, classes ≥ 1]",
      logits.shapeString(),
      logits.rows < 1 ? "The batch is empty: the mean loss over zero examples is undefined (PyTorch returns NaN); pass at least one example" : "The logits need one column per class",
    );
  }
  if (targets.length !== logits.rows) {
    throw new RangeError(
      `CrossEntropyLoss.forward: expected ${logits.rows} targets (one class index per row of logits ` +
        `${logits.shapeString()}), got ${targets.length}`,
    );
  }
  const labels = Array.from(targets);
  labels.forEach((y, i) => {
    if (typeof y !== "number") {
      throw new TypeError(
        `CrossEntropyLoss.forward: target ${i} is ${describe(y)}, but a class index must be a number: an integer in [0, ${C}) ` +
          `for logits with ${C} columns${typeof y === "string" ? ". Convert string labels with labels.map(Number)" : ""}`,
      );
    }
    if (!Number.isInteger(y) || y < 0 || y >= C) {
      throw new RangeError(
        `CrossEntropyLoss.forward: target ${i} is ${y}, but a class index must be an integer in [0, ${C}) ` +
          `for logits with ${C} columns`,
      );
    }
  });
  return labels;
}
