import { Matrix } from "../tensor/matrix";
import { MisconceptionId } from "./misconceptions";

/**
 * The batch-norm computations with each known mistake switchable, so that a checker can predict
 * what a learner who made that mistake gets. With the default options they are the reference.
 */

/** "features": per feature, over the examples (axis 0, right); "examples": per example (axis 1). */
export type Axis = "features" | "examples";
/** Where ε goes: √(σ² + ε) (right), nowhere, or outside the root σ + ε. */
export type EpsPlacement = "inside" | "none" | "outside";

interface StatsVariant {
  axis: Axis;
  unbiased: boolean;
}

export interface NormalizeVariant extends StatsVariant {
  eps: EpsPlacement;
}

export const RIGHT: NormalizeVariant = { axis: "features", unbiased: false, eps: "inside" };

/** μ and σ²: 1×D per feature, or N×1 per example. */
export function statsVariant(x: Matrix, v: StatsVariant): { mu: Matrix; variance: Matrix } {
  const perFeature = v.axis === "features";
  const mu = perFeature ? x.meanRows() : x.meanCols();
  const n = perFeature ? x.rows : x.cols;
  const sq = x.sub(mu).map((d) => d * d);
  const sums = perFeature ? sq.sumRows() : sq.sumCols();
  return { mu, variance: sums.scale(1 / (v.unbiased ? n - 1 : n)) };
}

/** The denominator for each feature (or example): √(σ² + ε), √σ² or √σ² + ε. */
export function denominator(variance: Matrix, eps: number, placement: EpsPlacement): Matrix {
  if (placement === "inside") return variance.map((s) => Math.sqrt(s + eps));
  if (placement === "none") return variance.map((s) => Math.sqrt(s));
  return variance.map((s) => Math.sqrt(s) + eps);
}

/** x̂ with the given mistakes. */
export function normalizeVariant(x: Matrix, eps: number, v: NormalizeVariant): Matrix {
  const { mu, variance } = statsVariant(x, v);
  return x.sub(mu).div(denominator(variance, eps, v.eps));
}

/** Every normalization variant but the right one, single mistakes first, with the ids each makes. */
export function normalizeMistakes(): Array<{ ids: MisconceptionId[]; variant: NormalizeVariant }> {
  const out: Array<{ ids: MisconceptionId[]; variant: NormalizeVariant }> = [];
  for (const axis of ["features", "examples"] as const) {
    for (const unbiased of [false, true]) {
      for (const eps of ["inside", "none", "outside"] as const) {
        const ids: MisconceptionId[] = [];
        if (axis === "examples") ids.push("wrong-axis");
        if (unbiased) ids.push("unbiased-variance");
        if (eps === "none") ids.push("eps-forgotten");
        if (eps === "outside") ids.push("eps-outside-sqrt");
        if (ids.length > 0) out.push({ ids, variant: { axis, unbiased, eps } });
      }
    }
  }
  return out.sort((a, b) => a.ids.length - b.ids.length);
}

/** A normalization mistake outside the axis/N−1/ε-placement grid, with its wording. */
interface ExtraNormalization {
  ids: MisconceptionId[];
  message?: string;
  xhat(x: Matrix, eps: number): Matrix;
}

/** ε values a learner may hard-code instead of using the argument (the checkers vary ε). */
export const HARD_CODED_EPS = [1e-5, 1e-3, 1e-8, 1e-6, 1e-4, 1e-2];

/** Other ways of getting x̂ wrong: ε hard-coded, no division, a variance for a deviation, a sign, sums, x². */
export function extraNormalizations(): ExtraNormalization[] {
  const stats = (x: Matrix) => statsVariant(x, { axis: "features", unbiased: false });
  return [
    ...HARD_CODED_EPS.map((c) => ({
      ids: ["ignores-argument"] as MisconceptionId[],
      message: `You use ε = ${c} written in your code instead of the eps argument: the checker passes other values (use eps).`,
      xhat: (x: Matrix) => normalizeVariant(x, c, RIGHT),
    })),
    { ids: ["centered-not-normalized"], xhat: (x: Matrix) => x.sub(x.meanRows()) },
    {
      ids: ["variance-std-confusion"],
      message: "You divide by σ² + ε, a variance: divide by its square root, √(σ² + ε), a standard deviation.",
      xhat: (x: Matrix, eps: number) => {
        const s = stats(x);
        return x.sub(s.mu).div(s.variance.map((v) => v + eps));
      },
    },
    {
      ids: ["sign-error"],
      message: "Your x̂ has the wrong sign: x̂ = (x − μ)/√(σ² + ε), not (μ − x)/….",
      xhat: (x: Matrix, eps: number) => normalizeVariant(x, eps, RIGHT).scale(-1),
    },
    {
      ids: ["sum-not-mean"],
      message: "Your σ² is the SUM of the squared deviations: divide by N (meanRows(), not sumRows()).",
      xhat: (x: Matrix, eps: number) => {
        const s = stats(x);
        return x.sub(s.mu).div(s.variance.scale(x.rows).map((v) => Math.sqrt(v + eps)));
      },
    },
    {
      ids: ["variance-not-centered"],
      xhat: (x: Matrix, eps: number) => {
        const mu = x.meanRows();
        return x.sub(mu).div(x.map((v) => v * v).meanRows().map((v) => Math.sqrt(v + eps)));
      },
    },
    { ids: ["returns-input"], xhat: (x: Matrix) => x },
  ];
}
