import { checkMatrix, Matrix } from "../tensor/matrix";
import { checkArrayLike } from "../validate/checks";

/** The fraction of rows whose largest logit is at the true label (0 … 1). */
export function accuracy(logits: Matrix, labels: ArrayLike<number>): number {
  checkMatrix("accuracy", "logits", logits);
  checkArrayLike("accuracy", "labels", labels);
  if (labels.length !== logits.rows) {
    throw new RangeError(`accuracy: expected ${logits.rows} labels (one per row of logits ${logits.shapeString()}), got ${labels.length}`);
  }
  if (logits.rows === 0) return 0;
  const predicted = logits.argmaxRows();
  let correct = 0;
  predicted.forEach((p, i) => {
    if (p === labels[i]) correct += 1;
  });
  return correct / logits.rows;
}
