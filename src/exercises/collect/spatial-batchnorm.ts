import { Matrix } from "../../tensor/matrix";
import { Tensor } from "../../tensor/tensor";
import { Rng } from "../../random/rng";
import { formatNumber } from "../compare";
import { ExerciseCollect, ExerciseInputs } from "../engine";
import { bump, probesOn } from "../probes";

/**
 * Exercise (lesson 8): spatial batch norm's training-mode forward on images [N, C, H, W]:
 * per channel, μ and the biased σ² over N, H and W; y = γ·(x − μ)/√(σ² + ε) + β.
 * γ and β are 1×C rows. (The CS231n way: reshape to (N·H·W) × C, reuse lesson 1's code.)
 */
export type SpatialBatchNormFn = (x: Tensor, gamma: Matrix, beta: Matrix, eps: number) => Tensor;

export interface Input {
  x: Tensor;
  gamma: Matrix;
  beta: Matrix;
  eps: number;
}

/** Images whose channels, positions and examples all have different means and scales, so every wrong grouping gives other numbers. */
function images(shape: [number, number, number, number], seed: string): Tensor {
  const rng = new Rng(seed);
  const [N, C, H, W] = shape;
  const t = new Tensor(shape);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) t.data[((n * C + c) * H + h) * W + w] = (c + 1) * 2 - n * 0.7 + 0.5 * h - 0.3 * w + (0.5 + c) * rng.normal();
  return t;
}

const SHAPES: Array<[number, number, number, number]> = [[3, 2, 3, 4], [2, 3, 2, 2], [4, 2, 3, 3]];
const label = (input: Input) => `x of shape ${input.x.shapeString()}, ε = ${formatNumber(input.eps)}`;
const channel1 = (row: Matrix) => row.map((v, _i, j) => (j === 1 ? v + 0.5 : v));

/** The cases and probes, drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
  const inputs: Input[] = SHAPES.map((shape, i) => {
    const rng = new Rng(`${seed}/spatialBatchNorm/${i}`);
    const C = shape[1];
    return {
      x: images(shape, `${seed}/spatialBatchNorm/x${i}`),
      gamma: Matrix.row(Array.from({ length: C }, () => 0.5 + rng.uniform())),
      beta: Matrix.row(Array.from({ length: C }, () => rng.normal())),
      eps: i === 1 ? 1e-3 : 1e-5,
    };
  });
  const cases = inputs.map((input) => ({ label: label(input), input }));
  const base = inputs[0];
  const probes = probesOn(cases[0], [
    { what: "β changes", input: { ...base, beta: bump(base.beta) }, ignored: "β is never added" },
    { what: "γ changes", input: { ...base, gamma: bump(base.gamma) }, ignored: "γ is never applied" },
    { what: "ε changes", input: { ...base, eps: 1e-2 }, ignored: "ε is never used" },
    { what: "only channel 1's γ changes", input: { ...base, gamma: channel1(base.gamma) }, ignored: "channel 1 is not scaled by its own γ", leaks: "channel c uses γ[c] and nothing else" },
    { what: "only channel 1's β changes", input: { ...base, beta: channel1(base.beta) }, ignored: "channel 1 is not shifted by its own β", leaks: "channel c uses β[c] and nothing else" },
  ]);
  return { cases, probes };
}

export const spatialBatchNormCollect: ExerciseCollect<Input, SpatialBatchNormFn> = {
  exercise: "spatialBatchNorm",
  draw,
  collect(fn, input, calls) {
    const x = input.x.clone();
    const result: unknown = calls.call(fn, [x, input.gamma, input.beta, input.eps], ["x", "gamma", "beta", "eps"]).result;
    if (x.data.some((v, i) => !Object.is(v, input.x.data[i])) && !calls.mutated.includes("x")) calls.mutated.push("x");
    // A Tensor travels as its shape and its numbers (the judge rebuilds and checks it).
    if (result instanceof Tensor) return { tensorShape: result.shape.slice(), tensorData: new Matrix(1, result.data.length, result.data) };
    return { result };
  },
};
