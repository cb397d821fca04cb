import { Matrix } from "../tensor/matrix";
import { checkArrayLike, checkInteger, checkLabels, describe } from "../validate/checks";

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

/**
 * Throw unless `dataset` is a Dataset whose parts agree: x a Matrix with one
 * row per label, numClasses an integer ≥ 1, and every label an integer class
 * index in [0, numClasses). `where` names the caller, `what` the argument.
 * (PyTorch's TensorDataset refuses x and y of different lengths too.)
 */
export function checkDataset(where: string, dataset: Dataset, what = "dataset"): Dataset {
  if (dataset === null || typeof dataset !== "object") {
    throw new TypeError(`${where}: ${what} must be a Dataset { x, y, numClasses, name } (e.g. from loadMnist() or twoSpirals()), got ${describe(dataset)}`);
  }
  if (!(dataset.x instanceof Matrix)) {
    throw new TypeError(`${where}: ${what}.x must be a Matrix (rows are examples), got ${describe(dataset.x)}`);
  }
  checkArrayLike(where, `${what}.y`, dataset.y);
  checkInteger(where, `${what}.numClasses`, dataset.numClasses, { min: 1 });
  if (dataset.x.rows !== dataset.y.length) {
    throw new RangeError(
      `${where}: ${what} has ${dataset.x.rows} rows in x but ${dataset.y.length} labels in y; ` +
        "expected one label per row (PyTorch refuses this too): check how x and y were built",
    );
  }
  checkLabels(where, `${what}.y`, dataset.y, dataset.numClasses);
  return dataset;
}

/** The examples at `indices`, in that order. */
export function subset(dataset: Dataset, indices: readonly number[], name?: string): Dataset {
  checkDataset("subset", dataset);
  checkArrayLike("subset", "indices", indices);
  if (name !== undefined && typeof name !== "string") throw new TypeError(`subset: name must be a string, got ${describe(name)}`);
  return {
    x: dataset.x.selectRows(indices),
    y: indices.map((i) => dataset.y[i]),
    numClasses: dataset.numClasses,
    name: name ?? `${dataset.name} [${indices.length} of ${dataset.y.length}]`,
  };
}

/** The indices of each class: byClass[c] lists the rows labelled c, in order. */
export function indicesByClass(labels: readonly number[], numClasses: number): number[][] {
  checkInteger("indicesByClass", "numClasses", numClasses, { min: 1 });
  checkLabels("indicesByClass", "labels", labels, numClasses);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((y, i) => byClass[y].push(i));
  return byClass;
}
