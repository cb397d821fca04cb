import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { Rng } from "../../random/rng";
import { argumentCases } from "../probes";

/**
 * Exercise: the standard deviation of the mean of a batch of B independent examples of a feature
 * whose standard deviation is sigma (the noise in batch norm's μ).
 */
export type BatchMeanStdFn = (sigma: number, batchSize: number) => number;

export interface Input {
  sigma: number;
  batchSize: number;
}

/** Five batch sizes (2 among them, where N − 1 shows) with a σ drawn from `seed` around each of 3, 0.5, 2, 1.5, 0.2; probes around the first. */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/batchMeanStd`);
  const inputs = [3, 0.5, 2, 1.5, 0.2].map((sigma, i) => ({ sigma: Math.round(sigma * rng.uniform(0.7, 1.5) * 100) / 100, batchSize: [4, 16, 100, 2, 64][i] }));
  return argumentCases(inputs, { sigma: 2 * inputs[0].sigma, batchSize: 4 * inputs[0].batchSize });
}

export const batchMeanStdCollect: ExerciseCollect<Input, BatchMeanStdFn> = {
  exercise: "batchMeanStd",
  draw,
  collect: callWithFields(["sigma", "batchSize"]),
};
