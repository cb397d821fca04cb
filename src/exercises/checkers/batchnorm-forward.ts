import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { formatNumber } from "../compare";
import { perExampleShapes } from "../inputs";
import { ExerciseSpec, callWithFields, describeFields, Mistake } from "../engine";
import { expectMatrix } from "../learner-code";
import { NOTEBOOK_SEED, STATS_EPS, randomRow, statsBatches } from "../inputs";
import { MisconceptionId } from "../misconceptions";
import { NormalizeVariant, RIGHT, extraNormalizations, normalizeMistakes, normalizeVariant } from "../variants";
import { constantOutput, predicted, returnsInput, transposedOutput } from "../generic-mistakes";
import { SHAPE_HINT, centeredFit } from "./normalize";
import { batchProbes } from "../probes";

/** Exercise: y = γ·x̂ + β in training mode. */
export type BatchNormForwardFn = (x: Matrix, gamma: Matrix, beta: Matrix, eps: number) => Matrix;

interface Input {
  x: Matrix;
  gamma: Matrix;
  beta: Matrix;
  eps: number;
}

type Affine = "right" | "swapped" | "before" | "missing";

const AFFINE_IDS: Record<Affine, MisconceptionId[]> = {
  right: [],
  swapped: ["gamma-beta-swapped"],
  before: ["affine-before-normalize"],
  missing: ["affine-missing"],
};

/** y for a normalization variant and a way of applying γ and β. */
function forwardVariant(input: Input, norm: NormalizeVariant, affine: Affine): Matrix {
  const { x, gamma, beta, eps } = input;
  if (affine === "before") return normalizeVariant(x.mul(gamma).add(beta), eps, norm);
  const xhat = normalizeVariant(x, eps, norm);
  if (affine === "swapped") return xhat.mul(beta).add(gamma);
  if (affine === "missing") return xhat;
  return xhat.mul(gamma).add(beta);
}

function mistakes(): Mistake<Input>[] {
  const norms: Array<{ ids: MisconceptionId[]; variant: NormalizeVariant }> = [{ ids: [], variant: RIGHT }, ...normalizeMistakes()];
  const out: Mistake<Input>[] = [];
  for (const n of norms) {
    for (const affine of ["right", "swapped", "before", "missing"] as const) {
      const ids = [...n.ids, ...AFFINE_IDS[affine]];
      if (ids.length === 0) continue;
      out.push({ ids, outputs: (input: Input) => ({ y: forwardVariant(input, n.variant, affine) }) });
    }
  }
  out.sort((a, b) => a.ids.length - b.ids.length);
  for (const m of extraNormalizations()) {
    if (m.ids[0] === "returns-input") continue;
    out.push(predicted<Input>(m.ids, (i) => ({ y: m.xhat(i.x, i.eps).mul(i.gamma).add(i.beta) }), m.message));
  }
  out.push(
    predicted<Input>(
      ["sign-error"],
      (i) => ({ y: normalizeVariant(i.x, i.eps, RIGHT).mul(i.gamma).sub(i.beta) }),
      "You subtract β: y = γ·x̂ + β.",
    ),
    returnsInput<Input>("y", (i) => i.x),
    transposedOutput<Input>(),
    constantOutput<Input>(["y"]),
  );
  return out;
}

const EPS = STATS_EPS;

function cases(seed: string): Array<{ label: string; input: Input }> {
  const rng = new Rng(`${seed}/batchNormForward/gamma-beta`);
  return statsBatches(`${seed}/batchNormForward`).map((b, i) => {
    // γ away from 1 (one negative entry), β away from 0 and from γ
    const gamma = randomRow(rng, b.x.cols, 0.5, 3);
    gamma.set(0, b.x.cols - 1, -gamma.get(0, b.x.cols - 1));
    const beta = randomRow(rng, b.x.cols, -4, -0.5);
    return { label: `${b.label}, ε = ${formatNumber(EPS[i])}`, input: { x: b.x, gamma, beta, eps: EPS[i] } };
  });
}

const bump = (row: Matrix, j?: number) => row.map((v, _i, c) => (j === undefined || c === j ? v + 0.5 + 0.25 * c : v));

function draw(seed: string) {
  const drawn = cases(seed);
  const base = drawn[0].input;
  const probes = batchProbes(
    drawn[0],
    [
      { what: "β changes", input: { ...base, beta: bump(base.beta) }, ignored: "β is never added" },
      { what: "γ changes", input: { ...base, gamma: bump(base.gamma) }, ignored: "γ is never applied" },
      { what: "only feature 1's γ changes", input: { ...base, gamma: bump(base.gamma, 1) }, ignored: "feature 1 is not scaled by its own γ", leaks: "each feature must use its own γ" },
      { what: "only feature 1's β changes", input: { ...base, beta: bump(base.beta, 1) }, ignored: "feature 1 is not shifted by its own β", leaks: "each feature must use its own β" },
      { what: "ε changes", input: { ...base, eps: 1e-3 }, ignored: "ε is never used" },
    ],
    {
      fits: [{ key: "y", term: "(x − μ)", of: (i) => centeredFit(i.x).centered, divisor: (i) => ({ variance: centeredFit(i.x).variance, eps: i.eps, scale: { name: "γ", row: i.gamma } }) }],
      rows: (i) => ({ γ: i.gamma, β: i.beta }),
    },
  );
  return { cases: drawn, probes };
}

export const batchNormForwardSpec: ExerciseSpec<Input, BatchNormForwardFn> = {
  exercise: "batchNormForward",
  title: "Batch norm forward (y = γ·x̂ + β)",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect: callWithFields(["x", "gamma", "beta", "eps"]),
  read({ result }) {
    return { y: expectMatrix(result, "y", "N×D, the shape of x") };
  },
  reference: (input) => ({ y: forwardVariant(input, RIGHT, "right") }),
  mistakes: mistakes(),
  passMessage: "y = γ·x̂ + β with per-feature batch statistics, the biased variance and ε inside the root; with the eps you are given; checked on 5 batches (N = 2 to 6, ε from 1e-5 to 0.1, a constant feature) with γ ≠ 1 (one negative) and β ≠ 0.",
  describeInput: describeFields(["x", "gamma", "beta", "eps"]),
  axisShapes: (input) => perExampleShapes(input.x),
  shapeHint: SHAPE_HINT,
};
