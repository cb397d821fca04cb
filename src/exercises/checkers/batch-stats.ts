import { Matrix } from "../../tensor/matrix";
import { CheckResult } from "../check-result";
import { formatMatrix, hang } from "../compare";
import { CheckSpec, Mistake, runCheck } from "../engine";
import { expectMatrix, field } from "../learner-code";
import { statsBatches } from "../inputs";
import { statsVariant } from "../variants";

/** Exercise: μ and σ² of a batch, per feature. */
export type BatchStatsFn = (x: Matrix) => { mu: Matrix; variance: Matrix };

interface Input {
  x: Matrix;
}

const KEYS = ["mu", "variance"] as const;

function mistakes(): Mistake<Input>[] {
  const stats = (axis: "features" | "examples", unbiased: boolean) => (i: Input) => statsVariant(i.x, { axis, unbiased });
  const stdInstead = (i: Input) => {
    const s = statsVariant(i.x, { axis: "features", unbiased: false });
    return { mu: s.mu, variance: s.variance.map(Math.sqrt) };
  };
  return [
    { ids: ["wrong-axis"], outputs: stats("examples", false) },
    { ids: ["unbiased-variance"], outputs: stats("features", true) },
    { ids: ["wrong-axis", "unbiased-variance"], outputs: stats("examples", true) },
    {
      ids: ["variance-std-confusion"],
      message: "Your `variance` is the standard deviation σ; return the variance σ² (the mean of the squared deviations).",
      outputs: stdInstead,
    },
  ];
}

export const batchStatsSpec: CheckSpec<Input, BatchStatsFn> = {
  exercise: "batchStats",
  title: "Batch statistics (μ and σ² per feature)",
  cases: statsBatches("bnlab/exercises/batchStats").map((b) => ({ label: b.label, input: { x: b.x } })),
  collect(fn, input, calls) {
    return { result: calls.call(fn, [input.x], ["x"]).result };
  },
  read({ result }) {
    return {
      mu: expectMatrix(field(result, "mu", KEYS), "mu", "1×D, one mean per feature"),
      variance: expectMatrix(field(result, "variance", KEYS), "variance", "1×D, one variance per feature"),
    };
  },
  reference: (input) => statsVariant(input.x, { axis: "features", unbiased: false }),
  mistakes: mistakes(),
  passMessage:
    "μ and σ² are per feature (1×D rows, over the examples) with the biased variance (divide by N); checked on batches of 5×3, 2×4 and 4×6.",
  describeInput: (input) => hang("x = ", formatMatrix(input.x)),
  labels: { mu: "μ", variance: "σ²" },
};

export function checkBatchStats(fn: BatchStatsFn): CheckResult {
  return runCheck(batchStatsSpec, fn);
}
