import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { epsBatches, randomRow } from "../inputs";
import { batchProbes, bump } from "../probes";

/** Exercise: y = γ·x̂ + β in training mode. */
export type BatchNormForwardFn = (x: Matrix, gamma: Matrix, beta: Matrix, eps: number) => Matrix;

export interface Input {
  x: Matrix;
  gamma: Matrix;
  beta: Matrix;
  eps: number;
}

/** The cases and probes, drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/batchNormForward/gamma-beta`);
  const cases = epsBatches(`${seed}/batchNormForward`).map(({ label, input: { x, eps } }) => {
    // γ away from 1 (one negative entry), β away from 0 and from γ
    const gamma = randomRow(rng, x.cols, 0.5, 3);
    gamma.set(0, x.cols - 1, -gamma.get(0, x.cols - 1));
    const beta = randomRow(rng, x.cols, -4, -0.5);
    return { label, input: { x, gamma, beta, eps } };
  });
  const base = cases[0].input;
  const probes = batchProbes(
    cases[0],
    [
      { what: "β changes", input: { ...base, beta: bump(base.beta) }, ignored: "β is never added" },
      { what: "γ changes", input: { ...base, gamma: bump(base.gamma) }, ignored: "γ is never applied" },
      { what: "only feature 1's γ changes", input: { ...base, gamma: bump(base.gamma, 1) }, ignored: "feature 1 is not scaled by its own γ", leaks: "each feature must use its own γ" },
      { what: "only feature 1's β changes", input: { ...base, beta: bump(base.beta, 1) }, ignored: "feature 1 is not shifted by its own β", leaks: "each feature must use its own β" },
      { what: "ε changes", input: { ...base, eps: 1e-3 }, ignored: "ε is never used" },
    ],
  );
  return { cases, probes };
}

export const batchNormForwardCollect: ExerciseCollect<Input, BatchNormForwardFn> = {
  exercise: "batchNormForward",
  draw,
  collect: callWithFields(["x", "gamma", "beta", "eps"]),
};
