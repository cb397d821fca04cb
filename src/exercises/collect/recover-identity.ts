import { Matrix } from "../../tensor/matrix";
import { formatNumber } from "../compare";
import { ExerciseCollect, callWithFields } from "../engine";
import { STATS_EPS, statsBatches } from "../inputs";
import { batchProbes } from "../probes";

export type RecoverIdentityFn = (x: Matrix, eps: number) => { gamma: Matrix; beta: Matrix };

export interface Input {
  x: Matrix;
  eps: number;
}


/** γ as a function of the (biased or unbiased) variance. */
function draw(seed: string) {
  const cases = statsBatches(`${seed}/recoverIdentity`).map((b, i) => ({
    label: `${b.label}, ε = ${formatNumber(STATS_EPS[i])}`,
    input: { x: b.x, eps: STATS_EPS[i] },
  }));
  return { cases, probes: batchProbes(cases[0], [{ what: "ε changes", input: { ...cases[0].input, eps: 1e-3 }, ignored: "ε is never used" }]) };
}

export const recoverIdentityCollect: ExerciseCollect<Input, RecoverIdentityFn> = {
  exercise: "recoverIdentity",
  draw,
  collect: callWithFields(["x", "eps"]),
};
