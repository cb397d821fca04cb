import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { formatNumber } from "../compare";
import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { featureBatch, randomRow } from "../inputs";
import { batchProbes, bump } from "../probes";

/** Exercise: the gradients of batch norm (training mode) given dy = ∂L/∂y. */
export type BatchNormBackwardFn = (
  dy: Matrix,
  x: Matrix,
  gamma: Matrix,
  eps: number,
) => { dx: Matrix; dgamma: Matrix; dbeta: Matrix };

export interface Input {
  dy: Matrix;
  x: Matrix;
  gamma: Matrix;
  eps: number;
}

/** The cases and probes, drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/batchNormBackward`);
  const make = (rows: number, means: number[], stds: number[], eps: number, what = "") => {
    const x = featureBatch(rng, rows, means, stds);
    const dy = featureBatch(rng, rows, means.map(() => 0), means.map(() => 1));
    const gamma = randomRow(rng, means.length, 0.5, 2.5);
    gamma.set(0, 0, -gamma.get(0, 0));
    return { label: `a ${rows}×${means.length} batch${what}, ε = ${formatNumber(eps)}`, input: { dy, x, gamma, eps } };
  };
  const withConstant = make(6, [0.5, 1, -0.3], [1, 0.02, 1.4], 1e-4, " (feature 1 has σ = 0.02, feature 2 is constant)");
  for (let i = 0; i < withConstant.input.x.rows; i++) withConstant.input.x.set(i, 2, -0.3);
  const cases = [
    make(5, [1, -2, 0.5], [1.2, 0.6, 2], 1e-5),
    make(3, [0, 3, -1, 2], [1, 0.5, 1.5, 0.8], 1e-3),
    make(4, [2, -0.5], [0.7, 1.1], 1e-5),
    make(2, [1, -1, 0], [1, 2, 0.5], 0.01, " (N = 2)"),
    withConstant,
  ];
  const base = cases[0].input;
  return { cases, probes: batchProbes(
    cases[0],
    [
      { what: "dy changes", input: { ...base, dy: base.dy.map((v, i, j) => v + 0.5 * ((i + 2 * j) % 3) - 0.4) } },
      { what: "γ changes", input: { ...base, gamma: bump(base.gamma) }, ignored: "γ is never used (dx̂ = dy·γ)" },
      { what: "ε changes", input: { ...base, eps: 1e-2 }, ignored: "ε is never used" },
    ],
    {},
    " of x",
  ) };
}

export const batchNormBackwardCollect: ExerciseCollect<Input, BatchNormBackwardFn> = {
  exercise: "batchNormBackward",
  draw,
  collect: callWithFields(["dy", "x", "gamma", "eps"]),
};
