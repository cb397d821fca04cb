import { Matrix } from "../../tensor/matrix";
import { formatMatrix, hang } from "../compare";
import { ExerciseSpec, describeFields } from "../engine";
import { Malformed } from "../learner-code";
import { EpsPlacement } from "../variants";
import { SpatialBatchNormFn, Input, spatialBatchNormCollect } from "../collect/spatial-batchnorm";

type Grouping = (n: number, c: number, h: number, w: number) => string;

/** The ways a learner may get the rest wrong: the variance, ε, or γ and β. */
interface Slip {
  mixup?: boolean;
  unbiased?: boolean;
  eps?: EpsPlacement;
  affine?: "right" | "swapped" | "no-beta";
}

/** Normalize x with the statistics of the groups `group` defines, then γ[c]·x̂ + β[c]; as an (N·C) × (H·W) matrix. */
function normalizeBy(input: Input, group: Grouping, slip: Slip = {}): Matrix {
  const mixup = slip.mixup ?? false;
  const [N, C, H, W] = input.x.shape;
  // mixup: the (N·H·W) × C reshape WITHOUT moving C last, i.e. the raw memory read as rows of C
  const value = (n: number, c: number, h: number, w: number) => input.x.data[((n * C + c) * H + h) * W + w];
  const sums = new Map<string, { s: number; s2: number; m: number }>();
  const each = (f: (n: number, c: number, h: number, w: number) => void) => {
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) f(n, c, h, w);
  };
  const colOf = (n: number, c: number, h: number, w: number) => (((n * C + c) * H + h) * W + w) % C; // the "channel" a wrong reshape assigns
  const g = mixup ? (n: number, c: number, h: number, w: number) => String(colOf(n, c, h, w)) : group;
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

export const spatialBatchNormSpec: ExerciseSpec<Input, SpatialBatchNormFn> = {
  ...spatialBatchNormCollect,
  title: "Spatial batch norm (BatchNorm2d's forward)",
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
    describeFields<Input>(["gamma", "beta", "eps"])(input),
  labels: { y: "y (as (N·C) × (H·W))" },
};
