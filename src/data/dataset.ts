import { Matrix } from "../tensor/matrix";

/**
 * A labelled classification dataset: one example per row of `x`, its class in `y`.
 * `numClasses` is the number of classes C (labels are 0 … C−1).
 */
export interface Dataset {
  /** N × D inputs: rows are examples, columns are features. */
  x: Matrix;
  /** N labels, each an integer in [0, numClasses). */
  y: number[];
  numClasses: number;
  /** What it is, e.g. "MNIST train (8000)". */
  name: string;
}

/** The examples at `indices`, in that order. */
export function subset(dataset: Dataset, indices: readonly number[], name?: string): Dataset {
  return {
    x: dataset.x.selectRows(indices),
    y: indices.map((i) => dataset.y[i]),
    numClasses: dataset.numClasses,
    name: name ?? `${dataset.name} [${indices.length} of ${dataset.y.length}]`,
  };
}

/** How many examples of each class: counts[c] for c in 0 … numClasses−1. */
export function classCounts(dataset: Dataset): number[] {
  const counts = new Array<number>(dataset.numClasses).fill(0);
  for (const y of dataset.y) counts[y] += 1;
  return counts;
}

/** The indices of each class: byClass[c] lists the rows labelled c, in order. */
export function indicesByClass(labels: readonly number[], numClasses: number): number[][] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((y, i) => byClass[y].push(i));
  return byClass;
}
