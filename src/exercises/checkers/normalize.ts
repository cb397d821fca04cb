import { Matrix } from "../../tensor/matrix";
import { perExampleShapes } from "../inputs";
import { ExerciseSpec, describeFields, readMatrix } from "../engine";
import { RIGHT, extraNormalizations, normalizeMistakes, normalizeVariant } from "../variants";
import { constantOutput, predicted, transposedOutput } from "../generic-mistakes";
import { statsVariant } from "../variants";
import { NormalizeFn, Input, normalizeCollect } from "../collect/normalize";

export const SHAPE_HINT =
  "A shape error often means statistics over the wrong axis: per-feature μ and σ² are 1×D rows (x.meanRows()), which broadcast over the N rows of x.";

/** x − μ and the biased variance σ² of a batch: what a normalization's output is fitted against. */
export function centeredFit(x: Matrix): { centered: Matrix; variance: Matrix } {
  const s = statsVariant(x, { axis: "features", unbiased: false });
  return { centered: x.sub(s.mu), variance: s.variance };
}

export const normalizeSpec: ExerciseSpec<Input, NormalizeFn> = {
  ...normalizeCollect,
  probeTerms: {
    fits: [{ key: "xhat", term: "(x − μ)", of: (i) => centeredFit(i.x).centered, divisor: (i) => ({ variance: centeredFit(i.x).variance, eps: i.eps }) }],
  },
  title: "Normalize a batch (x̂)",
  read: readMatrix("xhat", "x̂", "N×D, the shape of x"),
  reference: (input) => ({ xhat: normalizeVariant(input.x, input.eps, RIGHT) }),
  mistakes: [
    ...normalizeMistakes().map(({ ids, variant }) => ({
      ids,
      outputs: (input: Input) => ({ xhat: normalizeVariant(input.x, input.eps, variant) }),
    })),
    ...extraNormalizations().map((m) => predicted<Input>(m.ids, (input) => ({ xhat: m.xhat(input.x, input.eps) }), m.message)),
    transposedOutput<Input>(),
    constantOutput<Input>(["xhat"]),
  ],
  passMessage:
    "x̂ = (x − μ)/√(σ² + ε) per feature, biased variance, ε inside the root, with the eps you are given; checked on 5 batches (N = 2 to 6, ε from 1e-5 to 0.1), including a feature with variance near ε and a constant one.",
  describeInput: describeFields(["x", "eps"]),
  labels: { xhat: "x̂" },
  axisShapes: (input) => perExampleShapes(input.x),
  shapeHint: SHAPE_HINT,
};
