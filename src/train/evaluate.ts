import { Module } from "../nn/module";
import { CrossEntropyLoss } from "../loss/cross-entropy";
import { Dataset, checkDataset } from "../data/dataset";
import { Matrix } from "../tensor/matrix";
import { accuracy } from "./accuracy";
import { checkInteger, checkOptions, describe } from "../validate/checks";

/** A loss: an object with forward(logits, targets) and backward(). */
export function checkLoss(where: string, loss: unknown): void {
  const l = loss as ClassificationLoss | null;
  if (l === null || typeof l !== "object" || typeof l.forward !== "function" || typeof l.backward !== "function") {
    throw new TypeError(`${where}: loss must be a loss such as new CrossEntropyLoss() (with forward and backward), got ${describe(loss)}`);
  }
}

/** A classification loss: logits and labels in, a number out; backward gives ∂loss/∂logits. */
export interface ClassificationLoss {
  forward(logits: Matrix, targets: ArrayLike<number>): number;
  backward(): Matrix;
}

export interface EvaluateOptions {
  /** Examples per forward pass (default 1000; only memory depends on it in eval mode). */
  batchSize?: number;
  /** The loss to report (default CrossEntropyLoss). */
  loss?: ClassificationLoss;
}

export interface Evaluation {
  /** Fraction correct, 0 … 1. */
  accuracy: number;
  /** Mean loss per example. */
  loss: number;
}

/**
 * Accuracy and loss of a model on a dataset, in EVALUATION mode (batch norm
 * uses its running statistics, so each prediction depends on its own example
 * only). The model's previous mode is restored afterwards.
 */
export function evaluate(model: Module, dataset: Dataset, options: EvaluateOptions = {}): Evaluation {
  if (!(model instanceof Module)) throw new TypeError(`evaluate: model must be a model (a Module), got ${describe(model)}`);
  checkDataset("evaluate", dataset);
  checkOptions("evaluate", options);
  const batchSize = checkInteger("evaluate", "batchSize", options.batchSize ?? 1000, { min: 1 });
  if (options.loss !== undefined) checkLoss("evaluate", options.loss);
  const n = dataset.y.length;
  if (n === 0) throw new RangeError(`evaluate: the dataset "${dataset.name}" is empty`);
  const lossFn = options.loss ?? new CrossEntropyLoss();
  const wasTraining = model.training;
  model.eval();
  try {
    let correct = 0;
    let totalLoss = 0;
    for (let start = 0; start < n; start += batchSize) {
      const rows = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
      const x = start === 0 && rows.length === n ? dataset.x : dataset.x.selectRows(rows);
      const y = rows.map((i) => dataset.y[i]);
      const logits = model.forward(x);
      correct += accuracy(logits, y) * rows.length;
      totalLoss += lossFn.forward(logits, y) * rows.length;
    }
    return { accuracy: correct / n, loss: totalLoss / n };
  } finally {
    model.train(wasTraining);
  }
}
