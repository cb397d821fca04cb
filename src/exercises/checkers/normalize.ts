import { Matrix } from "../../tensor/matrix";
import { formatNumber } from "../compare";
import { perExampleShapes } from "../inputs";
import { ExerciseSpec, callWithFields, describeFields } from "../engine";
import { expectMatrix } from "../learner-code";
import { NOTEBOOK_SEED, STATS_EPS, statsBatches } from "../inputs";
import { RIGHT, extraNormalizations, normalizeMistakes, normalizeVariant } from "../variants";
import { constantOutput, predicted, transposedOutput } from "../generic-mistakes";
import { batchProbes } from "../probes";
import { statsVariant } from "../variants";

/** Exercise: x̂ = (x − μ)/√(σ² + ε) with the batch's per-feature statistics. */
export type NormalizeFn = (x: Matrix, eps: number) => Matrix;

interface Input {
  x: Matrix;
  eps: number;
}

const EPS = STATS_EPS;

export const SHAPE_HINT =
  "A shape error often means statistics over the wrong axis: per-feature μ and σ² are 1×D rows (x.meanRows()), which broadcast over the N rows of x.";

function draw(seed: string) {
  const cases = statsBatches(`${seed}/normalize`).map((b, i) => ({
    label: `${b.label}, ε = ${formatNumber(EPS[i])}`,
    input: { x: b.x, eps: EPS[i] },
  }));
  const probes = batchProbes(cases[0], [{ what: "ε changes", input: { ...cases[0].input, eps: 1e-3 }, ignored: "ε is never used" }], {
    fits: [{ key: "xhat", term: "(x − μ)", of: (i) => centeredFit(i.x).centered, divisor: (i) => ({ variance: centeredFit(i.x).variance, eps: i.eps }) }],
  });
  return { cases, probes };
}

/** x − μ and the biased variance σ² of a batch: what a normalization's output is fitted against. */
export function centeredFit(x: Matrix): { centered: Matrix; variance: Matrix } {
  const s = statsVariant(x, { axis: "features", unbiased: false });
  return { centered: x.sub(s.mu), variance: s.variance };
}

export const normalizeSpec: ExerciseSpec<Input, NormalizeFn> = {
  exercise: "normalize",
  title: "Normalize a batch (x̂)",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect: callWithFields(["x", "eps"]),
  read({ result }) {
    return { xhat: expectMatrix(result, "x̂", "N×D, the shape of x") };
  },
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
