import { Matrix } from "../../tensor/matrix";
import { ExerciseCollect, callWithFields } from "../engine";
import { statsBatches } from "../inputs";
import { batchProbes } from "../probes";

/** Exercise: μ and σ² of a batch, per feature. */
export type BatchStatsFn = (x: Matrix) => { mu: Matrix; variance: Matrix };

export interface Input {
  x: Matrix;
}

function draw(seed: string) {
  const cases = statsBatches(`${seed}/batchStats`).map((b) => ({ label: b.label, input: { x: b.x } }));
  const x = cases[0].input.x;
  return { cases, probes: batchProbes(cases[0], [{ what: "feature 1 is multiplied by 3", input: { x: x.map((v, _r, j) => (j === 1 ? 3 * v : v)) }, scaledBy: 3 }]) };
}

export const batchStatsCollect: ExerciseCollect<Input, BatchStatsFn> = {
  exercise: "batchStats",
  draw,
  collect: callWithFields(["x"]),
};
