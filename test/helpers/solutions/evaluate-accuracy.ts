import { Module } from "../../../src/nn/module";
import { LabelledData } from "../../../src/exercises/collect/evaluate-accuracy";

/** Accuracy in eval mode; the model goes back to the mode it was in. */
export function evaluateAccuracy(model: Module, data: LabelledData): number {
  const wasTraining = model.training;
  model.eval();
  const predicted = model.forward(data.x).argmaxRows();
  model.train(wasTraining);
  return predicted.filter((p, i) => p === data.y[i]).length / data.y.length;
}
