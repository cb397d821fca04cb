import { Matrix } from "../../tensor/matrix";
import { ExerciseCollect, callWithFields } from "../engine";
import { epsBatches } from "../inputs";
import { batchProbes } from "../probes";

/** Exercise: x̂ = (x − μ)/√(σ² + ε) with the batch's per-feature statistics. */
export type NormalizeFn = (x: Matrix, eps: number) => Matrix;

export interface Input {
  x: Matrix;
  eps: number;
}

function draw(seed: string) {
  const cases = epsBatches(`${seed}/normalize`);
  const probes = batchProbes(cases[0], [{ what: "ε changes", input: { ...cases[0].input, eps: 1e-3 }, ignored: "ε is never used" }]);
  return { cases, probes };
}

export const normalizeCollect: ExerciseCollect<Input, NormalizeFn> = {
  exercise: "normalize",
  draw,
  collect: callWithFields(["x", "eps"]),
};
