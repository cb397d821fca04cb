import { Matrix } from "../../tensor/matrix";
import { ExerciseCollect, callWithFields } from "../engine";
import { epsBatches } from "../inputs";
import { batchProbes } from "../probes";

/** Exercise: the γ and β for which batch norm (training mode) gives back its input exactly. */
export type RecoverIdentityFn = (x: Matrix, eps: number) => { gamma: Matrix; beta: Matrix };

export interface Input {
  x: Matrix;
  eps: number;
}

function draw(seed: string) {
  const cases = epsBatches(`${seed}/recoverIdentity`);
  return { cases, probes: batchProbes(cases[0], [{ what: "ε changes", input: { ...cases[0].input, eps: 1e-3 }, ignored: "ε is never used" }]) };
}

export const recoverIdentityCollect: ExerciseCollect<Input, RecoverIdentityFn> = {
  exercise: "recoverIdentity",
  draw,
  collect: callWithFields(["x", "eps"]),
};
