import { Matrix } from "../../tensor/matrix";
import { Tensor } from "../../tensor/tensor";
import { Rng } from "../../random/rng";
import { formatMatrix, formatNumber, hang } from "../compare";
import { ExerciseInputs, ExerciseSpec } from "../engine";
import { Malformed } from "../learner-code";
import { probesOn } from "../probes";
import { NOTEBOOK_SEED } from "../inputs";

/**
 * Exercise (lesson 8): spatial batch norm's training-mode forward on images [N, C, H, W]:
 * per channel, μ and the biased σ² over N, H and W; y = γ·(x − μ)/√(σ² + ε) + β.
 * γ and β are 1×C rows. (The CS231n way: reshape to (N·H·W) × C, reuse lesson 1's code.)
 */
export type SpatialBatchNormFn = (x: Tensor, gamma: Matrix, beta: Matrix, eps: number) => Tensor;

interface Input {
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
type Grouping = (n: number, c: number, h: number, w: number) => string;

/** Normalize x with the statistics of the groups `group` defines, then γ[c]·x̂ + β[c]; as an (N·C) × (H·W) matrix. */
/** The ways a learner may get the rest wrong: the variance, ε, or γ and β. */
interface Slip {
  mixup?: boolean;
  unbiased?: boolean;
  eps?: "inside" | "none" | "outside";
  affine?: "right" | "swapped" | "no-beta";
}

function normalizeBy(input: Input, group: Grouping, slip: Slip = {}): Matrix {
  const mixup = slip.mixup ?? false;
  const [N, C, H, W] = input.x.shape;
  // mixup: the (N·H·W) × C reshape WITHOUT moving C last, i.e. the raw memory read as rows of C
  const value = (n: number, c: number, h: number, w: number) => input.x.data[((n * C + c) * H + h) * W + w];
  const key = (n: number, c: number, h: number, w: number) => (mixup ? String(((n * C + c) * H + h) * W + w) : group(n, c, h, w));
  const sums = new Map<string, { s: number; s2: number; m: number }>();
  const each = (f: (n: number, c: number, h: number, w: number) => void) => {
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) f(n, c, h, w);
  };
  const colOf = (n: number, c: number, h: number, w: number) => (((n * C + c) * H + h) * W + w) % C; // the "channel" a wrong reshape assigns
  const g = mixup ? (n: number, c: number, h: number, w: number) => String(colOf(n, c, h, w)) : key;
  each((n, c, h, w) => {
    const k = g(n, c, h, w);
    const e = sums.get(k) ?? { s: 0, s2: 0, m: 0 };
    e.s += value(n, c, h, w);
    e.m += 1;
    sums.set(k, e);
  });
  each((n, c, h, w) => {
    const e = sums.get(g(n, c, h, w))!;
    e.s2 += (value(n, c, h, w) - e.s / e.m) ** 2;
  });
  const out = new Matrix(N * C, H * W);
  each((n, c, h, w) => {
    const e = sums.get(g(n, c, h, w))!;
    const variance = e.s2 / (slip.unbiased ? e.m - 1 : e.m);
    const eps = slip.eps ?? "inside";
    const xhat = (value(n, c, h, w) - e.s / e.m) / (eps === "outside" ? Math.sqrt(variance) + input.eps : Math.sqrt(variance + (eps === "none" ? 0 : input.eps)));
    const cc = mixup ? colOf(n, c, h, w) : c;
    const [scale, shift] = slip.affine === "swapped" ? [input.beta, input.gamma] : [input.gamma, input.beta];
    out.data[(n * C + c) * H * W + h * W + w] = scale.data[cc] * xhat + (slip.affine === "no-beta" ? 0 : shift.data[cc]);
  });
  return out;
}

const perChannel: Grouping = (_n, c) => `${c}`;

const label = (input: Input) => `x of shape ${input.x.shapeString()}, ε = ${formatNumber(input.eps)}`;
const bump = (row: Matrix) => row.map((v, _i, j) => v + 0.5 + 0.25 * j);
const channel1 = (row: Matrix) => row.map((v, _i, j) => (j === 1 ? v + 0.5 : v));

function cases(seed: string): Input[] {
  return SHAPES.map((shape, i) => {
    const rng = new Rng(`${seed}/spatialBatchNorm/${i}`);
    const C = shape[1];
    return {
      x: images(shape, `${seed}/spatialBatchNorm/x${i}`),
      gamma: Matrix.row(Array.from({ length: C }, () => 0.5 + rng.uniform())),
      beta: Matrix.row(Array.from({ length: C }, () => rng.normal())),
      eps: i === 1 ? 1e-3 : 1e-5,
    };
  });
}

/** The cases and probes, drawn from `seed`. */
function draw(seed: string): ExerciseInputs<Input> {
  const drawn = cases(seed).map((input) => ({ label: label(input), input }));
  const base = drawn[0].input;
  const probes = probesOn(drawn[0], [
    { what: "β changes", input: { ...base, beta: bump(base.beta) }, ignored: "β is never added" },
    { what: "γ changes", input: { ...base, gamma: bump(base.gamma) }, ignored: "γ is never applied" },
    { what: "ε changes", input: { ...base, eps: 1e-2 }, ignored: "ε is never used" },
    { what: "only channel 1's γ changes", input: { ...base, gamma: channel1(base.gamma) }, ignored: "channel 1 is not scaled by its own γ", leaks: "channel c uses γ[c] and nothing else" },
    { what: "only channel 1's β changes", input: { ...base, beta: channel1(base.beta) }, ignored: "channel 1 is not shifted by its own β", leaks: "channel c uses β[c] and nothing else" },
  ]);
  return { cases: drawn, probes };
}

export const spatialBatchNormSpec: ExerciseSpec<Input, SpatialBatchNormFn> = {
  exercise: "spatialBatchNorm",
  title: "Spatial batch norm (BatchNorm2d's forward)",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect(fn, input, calls) {
    const x = input.x.clone();
    const result: unknown = calls.call(fn, [x, input.gamma, input.beta, input.eps], ["x", "gamma", "beta", "eps"]).result;
    if (x.data.some((v, i) => !Object.is(v, input.x.data[i])) && !calls.mutated.includes("x")) calls.mutated.push("x");
    // A Tensor travels as its shape and its numbers (the judge rebuilds and checks it).
    if (result instanceof Tensor) return { tensorShape: result.shape.slice(), tensorData: new Matrix(1, result.data.length, result.data) };
    return { result };
  },
  read(values, input) {
    const { tensorShape, tensorData, result } = values;
    const want = input.x.shape;
    if (!Array.isArray(tensorShape) || !(tensorData instanceof Matrix)) {
      const got = result instanceof Matrix ? `a Matrix ${result.shapeString()}` : typeof result;
      throw new Malformed("wrong-type", `y should be a Tensor of x's shape [${want.join(", ")}], got ${got}. Turn your (N·H·W) × C result back into [N, C, H, W] (and move C back to position 1).`);
    }
    const same = tensorShape.length === want.length && tensorShape.every((d, i) => d === want[i]) && tensorData.size === input.x.size;
    if (!same) throw new Malformed("wrong-shape", `y should have x's shape [${want.join(", ")}], got [${tensorShape.map(String).join(", ")}].`);
    const [N, C, H, W] = want;
    return { y: new Matrix(N * C, H * W, Float64Array.from(tensorData.data)) };
  },
  reference: (input) => ({ y: normalizeBy(input, perChannel) }),
  mistakes: [
    { ids: ["per-position-statistics"], outputs: (input) => ({ y: normalizeBy(input, (_n, c, h, w) => `${c},${h},${w}`) }) },
    { ids: ["per-example-statistics"], outputs: (input) => ({ y: normalizeBy(input, (n) => `${n}`) }) },
    { ids: ["per-instance-statistics"], outputs: (input) => ({ y: normalizeBy(input, (n, c) => `${n},${c}`) }) },
    { ids: ["reshape-without-transpose"], outputs: (input) => ({ y: normalizeBy(input, perChannel, { mixup: true }) }) },
    { ids: ["unbiased-variance"], outputs: (input) => ({ y: normalizeBy(input, perChannel, { unbiased: true }) }) },
    { ids: ["eps-forgotten"], outputs: (input) => ({ y: normalizeBy(input, perChannel, { eps: "none" }) }) },
    { ids: ["eps-outside-sqrt"], outputs: (input) => ({ y: normalizeBy(input, perChannel, { eps: "outside" }) }) },
    { ids: ["gamma-beta-swapped"], outputs: (input) => ({ y: normalizeBy(input, perChannel, { affine: "swapped" }) }) },
    {
      ids: ["affine-missing"],
      message: "Your y is γ·x̂ without β: add β[c] to every number of channel c, y = γ[c]·x̂ + β[c].",
      outputs: (input) => ({ y: normalizeBy(input, perChannel, { affine: "no-beta" }) }),
    },
  ],
  passMessage: "One μ and σ² per channel over all N·H·W numbers of that channel, then γ[c]·x̂ + β[c]; checked on 3 batches of images.",
  describeInput: (input) =>
    `x of shape ${input.x.shapeString()} (shown as its (N·C) × (H·W) rows)\n${hang("x = ", formatMatrix(input.x.toMatrix(input.x.shape[0] * input.x.shape[1], input.x.shape[2] * input.x.shape[3])))}\n` +
    `${hang("gamma = ", formatMatrix(input.gamma))}\n${hang("beta = ", formatMatrix(input.beta))}\neps = ${formatNumber(input.eps)}`,
  labels: { y: "y (as (N·C) × (H·W))" },
  shapeHint: "Reshape x [N, C, H, W] to (N·H·W) × C by moving C LAST first (index ((n·H + h)·W + w, c)), normalize the columns, and move C back.",
};
