import { Matrix } from "../../tensor/matrix";
import { perExampleShapes } from "../inputs";
import { ExerciseSpec, describeFields, Mistake, readMatrix } from "../engine";
import { MisconceptionId } from "../misconceptions";
import { NormalizeVariant, RIGHT, extraNormalizations, normalizeMistakes, normalizeVariant } from "../variants";
import { constantOutput, predicted, transposedOutput } from "../generic-mistakes";
import { SHAPE_HINT, centeredFit } from "./normalize";
import { BatchNormForwardFn, Input, batchNormForwardCollect } from "../collect/batchnorm-forward";

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
    predicted<Input>(["returns-input"], (i) => ({ y: i.x })),
    transposedOutput<Input>(),
    constantOutput<Input>(["y"]),
  );
  return out;
}

export const batchNormForwardSpec: ExerciseSpec<Input, BatchNormForwardFn> = {
  ...batchNormForwardCollect,
  probeTerms: {
    fits: [{ key: "y", term: "(x − μ)", of: (i) => centeredFit(i.x).centered, divisor: (i) => ({ variance: centeredFit(i.x).variance, eps: i.eps, scale: { name: "γ", row: i.gamma } }) }],
    rows: (i) => ({ γ: i.gamma, β: i.beta }),
  },
  title: "Batch norm forward (y = γ·x̂ + β)",
  read: readMatrix("y", "y", "N×D, the shape of x"),
  reference: (input) => ({ y: forwardVariant(input, RIGHT, "right") }),
  mistakes: mistakes(),
  passMessage: "y = γ·x̂ + β with per-feature batch statistics, the biased variance and ε inside the root; with the eps you are given; checked on 5 batches (N = 2 to 6, ε from 1e-5 to 0.1, a constant feature) with γ ≠ 1 (one negative) and β ≠ 0.",
  describeInput: describeFields(["x", "gamma", "beta", "eps"]),
  axisShapes: (input) => perExampleShapes(input.x),
  shapeHint: SHAPE_HINT,
};
