import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { formatNumber } from "../compare";
import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { batchProbes } from "../probes";

/**
 * Exercise: ghost batch normalization without γ and β: split the rows of x into consecutive ghost
 * batches of `virtualBatchSize` (the last may be smaller) and normalize each one with its own
 * per-feature mean and biased variance, x̂ = (x − μ_G)/√(σ²_G + ε).
 */
export type GhostBatchNormFn = (x: Matrix, virtualBatchSize: number, eps: number) => Matrix;

export interface Input {
  x: Matrix;
  virtualBatchSize: number;
  eps: number;
}

function batch(seed: string, rows: number, cols: number): Matrix {
  const rng = new Rng(seed);
  // feature 0 has a tiny spread (variance near ε, where ε's placement shows); the others are wide and shifted
  return new Matrix(rows, cols).map((_, i, j) => (j === 0 ? 2 + 0.003 * rng.normal() : 3 * j - 1 + (1 + j) * rng.normal()) + 0.2 * i);
}


const label = (input: Input) => `a ${input.x.rows}×${input.x.cols} batch, virtualBatchSize ${input.virtualBatchSize}, ε = ${formatNumber(input.eps)}`;

/** The cases and probes, drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
  const inputs: Input[] = [
    { x: batch(`${seed}/ghostBatchNorm/1`, 10, 3), virtualBatchSize: 4, eps: 1e-5 },
    { x: batch(`${seed}/ghostBatchNorm/2`, 12, 2), virtualBatchSize: 3, eps: 1e-5 },
    { x: batch(`${seed}/ghostBatchNorm/3`, 7, 4), virtualBatchSize: 5, eps: 1e-3 },
  ];
  const cases = inputs.map((input) => ({ label: label(input), input }));
  const base = inputs[0];
  const probes = batchProbes(cases[0], [
    { what: "ε changes", input: { ...base, eps: 1e-3 }, ignored: "ε is never used" },
    { what: "virtualBatchSize changes", input: { ...base, virtualBatchSize: base.virtualBatchSize + 1 }, ignored: "virtualBatchSize is never used" },
  ]);
  return { cases, probes };
}

export const ghostBatchNormCollect: ExerciseCollect<Input, GhostBatchNormFn> = {
  exercise: "ghostBatchNorm",
  draw,
  collect: callWithFields(["x", "virtualBatchSize", "eps"]),
};
