import { Matrix } from "../../tensor/matrix";
import { DEFAULT_TOLERANCE } from "../compare";
import { ExerciseSpec, agrees, readMatrixFields, describeFields, Mistake, Outputs } from "../engine";
import { perExampleShapes } from "../inputs";
import { statsVariant } from "../variants";
import { constantOutput, predicted, swappedFields, transposedOutput } from "../generic-mistakes";
import { BatchStatsFn, Input, batchStatsCollect } from "../collect/batch-stats";

const right = (i: Input) => statsVariant(i.x, { axis: "features", unbiased: false });

/** μ and σ² dividing by a fixed k instead of N. */
function fixedN(x: Matrix, k: number): Outputs {
  const mu = x.sumRows().scale(1 / k);
  return { mu, variance: x.sub(mu).map((d) => d * d).sumRows().scale(1 / k) };
}

function mistakes(): Mistake<Input>[] {
  const stats = (axis: "features" | "examples", unbiased: boolean) => (i: Input) => statsVariant(i.x, { axis, unbiased });
  const withVariance = (f: (x: Matrix, s: Outputs) => Matrix) => (i: Input) => {
    const s = right(i);
    return { mu: s.mu, variance: f(i.x, s) };
  };
  return [
    predicted(["wrong-axis"], stats("examples", false)),
    predicted(["unbiased-variance"], stats("features", true)),
    predicted(["wrong-axis", "unbiased-variance"], stats("examples", true)),
    predicted(
      ["variance-std-confusion"],
      withVariance((_x, s) => s.variance.map(Math.sqrt)),
      "Your `variance` is the standard deviation σ; return the variance σ² (the mean of the squared deviations).",
    ),
    predicted(
      ["variance-std-confusion", "unbiased-variance"],
      (i) => {
        const s = statsVariant(i.x, { axis: "features", unbiased: true });
        return { mu: s.mu, variance: s.variance.map(Math.sqrt) };
      },
      "Your `variance` is the unbiased standard deviation (√ of Σ(x − μ)²/(N − 1)): return the variance σ² and divide by N.",
    ),
    predicted(["variance-not-centered"], withVariance((x) => x.map((v) => v * v).meanRows())),
    predicted(
      ["sum-not-mean"],
      withVariance((x, s) => x.sub(s.mu).map((d) => d * d).sumRows()),
      "Your σ² is the SUM of the squared deviations: divide it by N (meanRows() instead of sumRows()).",
    ),
    predicted(
      ["sum-not-mean"],
      (i) => ({ mu: i.x.sumRows(), variance: i.x.sub(i.x.sumRows()).map((d) => d * d).sumRows() }),
      "You sum where batch norm averages: μ = (1/N) Σᵢ xᵢ and σ² = (1/N) Σᵢ (xᵢ − μ)² (meanRows(), not sumRows()).",
    ),
    swappedFields("mu", "variance", "μ and σ² are swapped: return { mu: the mean, variance: the variance }."),
    transposedOutput(),
    {
      ids: ["demo-values-hard-coded"],
      message: "You divide by a fixed batch size (from the lesson's demo batch?) instead of N = x.rows: the checker's batches have other sizes.",
      matchesAll: (got, inputs) => {
        // N as the learner's μ of feature 0 implies it: Σx / μ
        const k = inputs[0].x.sumRows().get(0, 0) / got[0].mu.get(0, 0);
        if (!Number.isFinite(k) || Math.abs(k - Math.round(k)) > 1e-6 || Math.round(k) < 1) return false;
        const kk = Math.round(k);
        if (inputs.every((i) => i.x.rows === kk)) return false;
        return inputs.every((input, n) => agrees(got[n], fixedN(input.x, kk), DEFAULT_TOLERANCE, true));
      },
    },
    constantOutput(["mu", "variance"], "Your μ and σ² are the same for every batch: compute them from x (hard-coded values, e.g. from the lesson's demo batch, cannot be right for other batches)."),
  ];
}

export const batchStatsSpec: ExerciseSpec<Input, BatchStatsFn> = {
  ...batchStatsCollect,
  title: "Batch statistics (μ and σ² per feature)",
  read: readMatrixFields({ mu: "1×D, one mean per feature", variance: "1×D, one variance per feature" }),
  reference: right,
  mistakes: mistakes(),
  passMessage:
    "μ and σ² are per feature (1×D rows, over the examples) with the biased variance (divide by N); checked on 5 batches (5×3, 2×4, 4×6, 3×5 with a constant feature, 6×2 far from 0).",
  describeInput: describeFields(["x"]),
  labels: { mu: "μ", variance: "σ²" },
  shapeHint: "Per-feature statistics are 1×D rows: x.meanRows() averages each column over the N examples.",
  axisShapes: (input) => perExampleShapes(input.x),
};
