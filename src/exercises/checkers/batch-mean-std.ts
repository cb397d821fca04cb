import { Matrix } from "../../tensor/matrix";
import { ExerciseSpec, callWithFields } from "../engine";
import { constantOutput } from "../generic-mistakes";
import { expectNumber } from "../learner-code";
import { argumentProbes } from "../probes";

/**
 * Exercise: the standard deviation of the mean of a batch of B independent examples of a feature
 * whose standard deviation is sigma (the noise in batch norm's μ).
 */
export type BatchMeanStdFn = (sigma: number, batchSize: number) => number;

interface Input {
  sigma: number;
  batchSize: number;
}

const CASES: Input[] = [
  { sigma: 3, batchSize: 4 },
  { sigma: 0.5, batchSize: 16 },
  { sigma: 2, batchSize: 100 },
  { sigma: 1.5, batchSize: 2 },
  { sigma: 0.2, batchSize: 64 },
];

const describe = (i: Input) => `sigma = ${i.sigma}, batchSize = ${i.batchSize}`;
const scalar = (v: number) => ({ std: Matrix.row([v]) });

const BASE = CASES[0];

export const batchMeanStdSpec: ExerciseSpec<Input, BatchMeanStdFn> = {
  exercise: "batchMeanStd",
  title: "Spread of the batch mean (the 1/√B law)",
  cases: CASES.map((input) => ({ label: describe(input), input })),
  probes: argumentProbes(describe(BASE), BASE, { sigma: 2 * BASE.sigma, batchSize: 4 * BASE.batchSize }),
  collect: callWithFields(["sigma", "batchSize"]),
  read({ result }) {
    return scalar(expectNumber(result, "The standard deviation"));
  },
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
  describeInput: describe,
  labels: { std: "standard deviation" },
};
