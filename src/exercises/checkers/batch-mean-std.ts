import { Matrix } from "../../tensor/matrix";
import { ExerciseInputs, ExerciseSpec, callWithFields } from "../engine";
import { NOTEBOOK_SEED } from "../inputs";
import { Rng } from "../../random/rng";
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

/** Five batch sizes (2 among them, where N − 1 shows) with a σ drawn from `seed` around each of 3, 0.5, 2, 1.5, 0.2; probes around the first. */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/batchMeanStd`);
  const inputs = [3, 0.5, 2, 1.5, 0.2].map((sigma, i) => ({ sigma: Math.round(sigma * rng.uniform(0.7, 1.5) * 100) / 100, batchSize: [4, 16, 100, 2, 64][i] }));
  const base = inputs[0];
  return {
    cases: inputs.map((input) => ({ label: describe(input), input })),
    probes: argumentProbes(describe(base), base, { sigma: 2 * base.sigma, batchSize: 4 * base.batchSize }),
  };
}

const describe = (i: Input) => `sigma = ${i.sigma}, batchSize = ${i.batchSize}`;
const scalar = (v: number) => ({ std: Matrix.row([v]) });


export const batchMeanStdSpec: ExerciseSpec<Input, BatchMeanStdFn> = {
  exercise: "batchMeanStd",
  title: "Spread of the batch mean (the 1/√B law)",
  ...draw(NOTEBOOK_SEED),
  draw,
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
