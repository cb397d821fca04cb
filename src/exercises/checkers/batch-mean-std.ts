import { Matrix } from "../../tensor/matrix";
import { describeArguments } from "../probes";
import { ExerciseSpec, readNumber } from "../engine";
import { constantOutput } from "../generic-mistakes";
import { BatchMeanStdFn, Input, batchMeanStdCollect } from "../collect/batch-mean-std";

const scalar = (v: number) => ({ std: Matrix.row([v]) });

export const batchMeanStdSpec: ExerciseSpec<Input, BatchMeanStdFn> = {
  ...batchMeanStdCollect,
  title: "Spread of the batch mean (the 1/√B law)",
  read: readNumber("std", "The standard deviation"),
  reference: (i) => scalar(i.sigma / Math.sqrt(i.batchSize)),
  mistakes: [
    { ids: ["mean-spread-one-over-b"], outputs: (i) => scalar(i.sigma / i.batchSize) },
    { ids: ["mean-spread-constant"], outputs: (i) => scalar(i.sigma) },
    {
      ids: ["variance-std-confusion"],
      message: "σ²/B is the variance of the batch mean; its standard deviation is the square root, σ/√B.",
      outputs: (i) => scalar((i.sigma * i.sigma) / i.batchSize),
    },
    {
      ids: ["variance-std-confusion"],
      message: "√(σ/B) takes the root of a standard deviation: the variance of the mean is σ²/B, so its standard deviation is √(σ²/B) = σ/√B.",
      outputs: (i) => scalar(Math.sqrt(i.sigma / i.batchSize)),
    },
    {
      ids: ["variance-std-confusion"],
      message: "σ²/√B mixes a variance with the standard deviation's law: the standard deviation of the mean is σ/√B.",
      outputs: (i) => scalar((i.sigma * i.sigma) / Math.sqrt(i.batchSize)),
    },
    { ids: ["mean-spread-grows"], outputs: (i) => scalar(i.sigma * Math.sqrt(i.batchSize)) },
    { ids: ["mean-spread-unbiased"], outputs: (i) => scalar(i.sigma / Math.sqrt(i.batchSize - 1)) },
    {
      ids: ["ignores-argument"],
      message: "You return 1/√B: the standard deviation of the mean scales with the spread of one example, σ/√B (use sigma).",
      outputs: (i) => scalar(1 / Math.sqrt(i.batchSize)),
    },
    constantOutput<Input>(["std"]),
  ],
  passMessage: "The batch mean's standard deviation is σ/√B: four times the batch halves the noise.",
  describeInput: describeArguments,
  labels: { std: "standard deviation" },
};
