import { Matrix } from "../../tensor/matrix";
import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { epsBatches } from "../inputs";
import { batchProbes } from "../probes";

/** Exercise: x̂ = (x − μ)/√(σ² + ε) with the batch's per-feature statistics. */
export type NormalizeFn = (x: Matrix, eps: number) => Matrix;

export interface Input {
  x: Matrix;
  eps: number;
}

/** The inputs of an exercise that takes (x, eps): the statistics batches with their ε, probed around the first (ε changed too). */
export function drawEpsBatches(exercise: string): (seed: string) => ExerciseInputs<Input> {
  return (seed) => {
    const cases = epsBatches(`${seed}/${exercise}`);
    return { cases, probes: batchProbes(cases[0], [{ what: "ε changes", input: { ...cases[0].input, eps: 1e-3 }, ignored: "ε is never used" }]) };
  };
}

export const normalizeCollect: ExerciseCollect<Input, NormalizeFn> = {
  exercise: "normalize",
  draw: drawEpsBatches("normalize"),
  collect: callWithFields(["x", "eps"]),
};
