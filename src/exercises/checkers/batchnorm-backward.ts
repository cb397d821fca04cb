import { Matrix } from "../../tensor/matrix";
import { DEFAULT_TOLERANCE, closeMatrices } from "../compare";
import { ExerciseSpec, readMatrixFields, describeFields, drawn, Mistake, Outputs } from "../engine";
import { perExampleShapes } from "../inputs";
import { MisconceptionId } from "../misconceptions";
import { EpsPlacement, RIGHT, denominator, normalizeVariant } from "../variants";
import { constantOutput, predicted, transposedOutput } from "../generic-mistakes";
import { BatchNormBackwardFn, Input, batchNormBackwardCollect } from "../collect/batchnorm-backward";

/** Which paths dx keeps: all, none through the statistics, or all but the one through μ or σ². */
type DxTerms = "full" | "constants" | "no-mean" | "no-variance";

/** The ways of getting dx wrong that the checker predicts (each false/default = right). */
interface DxVariant {
  terms: DxTerms;
  unbiased?: boolean;
  eps?: EpsPlacement;
  /** Σ instead of the mean in the correction terms. */
  sums?: boolean;
  /** × √(σ² + ε) instead of ÷. */
  timesStd?: boolean;
  /** No division by √(σ² + ε) at all. */
  noStd?: boolean;
  /** x − μ where x̂ belongs in the σ² term. */
  centered?: boolean;
  /** + instead of − before the μ term / the σ² term. */
  plusMean?: boolean;
  plusVariance?: boolean;
  /** dx̂ = dy (γ left out). */
  noGamma?: boolean;
}

/** dx with the chosen mistakes (the right one with { terms: "full" }). */
function dxVariant(input: Input, v: DxVariant): Matrix {
  const { dy, x, gamma, eps } = input;
  const n = x.rows;
  const mu = x.meanRows();
  const centeredX = x.sub(mu);
  const variance = centeredX.map((d) => d * d).sumRows().scale(1 / (v.unbiased ? n - 1 : n));
  const std = denominator(variance, eps, v.eps ?? "inside");
  const xhat = centeredX.div(std);
  const dxhat = v.noGamma ? dy : dy.mul(gamma);
  const reduce = (m: Matrix) => (v.sums ? m.sumRows() : m.sumRows().scale(1 / n));
  const along = v.centered ? centeredX : xhat;
  let inner = dxhat;
  if (v.terms === "full" || v.terms === "no-variance") inner = v.plusMean ? inner.add(reduce(dxhat)) : inner.sub(reduce(dxhat));
  if (v.terms === "full" || v.terms === "no-mean") {
    const term = along.mul(reduce(dxhat.mul(along)));
    inner = v.plusVariance ? inner.add(term) : inner.sub(term);
  }
  if (v.noStd) return inner;
  return v.timesStd ? inner.mul(std) : inner.div(std);
}

/** How dγ and dβ can go wrong. */
type ParamsVariant = "right" | "per-example" | "swapped" | "means" | "x-not-xhat";

function paramsVariant(input: Input, v: ParamsVariant): Outputs {
  const { dy, x, eps } = input;
  const xhat = normalizeVariant(x, eps, RIGHT);
  if (v === "per-example") return { dgamma: dy.mul(xhat).sumCols(), dbeta: dy.sumCols() };
  if (v === "swapped") return { dgamma: dy.sumRows(), dbeta: dy.mul(xhat).sumRows() };
  if (v === "means") return { dgamma: dy.mul(xhat).meanRows(), dbeta: dy.meanRows() };
  if (v === "x-not-xhat") return { dgamma: dy.mul(x).sumRows(), dbeta: dy.sumRows() };
  return { dgamma: dy.mul(xhat).sumRows(), dbeta: dy.sumRows() };
}

/** dx mistakes, one at a time, with their ids and wording (compared on dx only). */
const DX_MISTAKES: Array<{ ids: MisconceptionId[]; v: DxVariant; message?: string }> = [
  { ids: ["backward-constant-stats"], v: { terms: "constants" } },
  { ids: ["backward-missing-mean-term"], v: { terms: "no-mean" } },
  { ids: ["backward-missing-variance-term"], v: { terms: "no-variance" } },
  {
    ids: ["unbiased-variance"],
    v: { terms: "full", unbiased: true },
    message: "Your backward pass uses the unbiased variance (divide by N − 1): the forward pass normalized with the biased one (divide by N), so must the backward.",
  },
  { ids: ["eps-forgotten"], v: { terms: "full", eps: "none" }, message: "ε is missing in your backward pass: √(σ² + ε), as in the forward pass." },
  { ids: ["eps-outside-sqrt"], v: { terms: "full", eps: "outside" }, message: "Your backward pass divides by σ + ε: the forward pass divided by √(σ² + ε)." },
  { ids: ["backward-sum-not-mean"], v: { terms: "full", sums: true } },
  { ids: ["backward-times-std"], v: { terms: "full", timesStd: true } },
  { ids: ["backward-no-std"], v: { terms: "full", noStd: true } },
  { ids: ["backward-centered-not-normalized"], v: { terms: "full", centered: true } },
  { ids: ["backward-sign-error"], v: { terms: "full", plusMean: true }, message: "The μ term is subtracted: dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/√(σ² + ε); you added it." },
  { ids: ["backward-sign-error"], v: { terms: "full", plusVariance: true }, message: "The σ² term is subtracted: dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/√(σ² + ε); you added it." },
  { ids: ["backward-sign-error"], v: { terms: "full", plusMean: true, plusVariance: true }, message: "Both correction terms are subtracted: dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/√(σ² + ε); you added them." },
  { ids: ["backward-missing-gamma"], v: { terms: "full", noGamma: true } },
];

const PARAMS_MISTAKES: Array<{ ids: MisconceptionId[]; v: ParamsVariant; message?: string }> = [
  {
    ids: ["wrong-axis"],
    v: "per-example",
    message:
      "dγ and dβ are summed over the features of each example (N×1). γ and β are per feature, so their gradients " +
      "are sums over the batch (axis 0): dγ = Σᵢ dyᵢ·x̂ᵢ and dβ = Σᵢ dyᵢ, 1×D rows (sumRows()).",
  },
  { ids: ["swapped-fields"], v: "swapped", message: "dγ and dβ are swapped: dγ = Σᵢ dyᵢ·x̂ᵢ (γ multiplies x̂), dβ = Σᵢ dyᵢ." },
  { ids: ["mean-not-sum"], v: "means" },
  { ids: ["backward-centered-not-normalized"], v: "x-not-xhat", message: "dγ = Σᵢ dyᵢ·x̂ᵢ uses the NORMALIZED input x̂ (γ multiplies x̂, not x)." },
];

/** A pair of dx mistakes that changes something neither does alone (e.g. not "no σ division" with "× σ"). */
function pairMatters(a: DxVariant, b: DxVariant): boolean {
  const pair: DxVariant = { ...a, ...b, terms: a.terms !== "full" ? a.terms : b.terms };
  const inputs = drawn(batchNormBackwardCollect).cases.map((c) => c.input);
  const differs = (u: DxVariant, v: DxVariant) => inputs.some((i) => !closeMatrices(dxVariant(i, u), dxVariant(i, v), DEFAULT_TOLERANCE));
  return differs(pair, a) && differs(pair, b) && differs(pair, { terms: "full" });
}

function mistakes(): Mistake<Input>[] {
  const out: Mistake<Input>[] = [];
  // dx and (dγ, dβ) are diagnosed separately: a learner can get one right and the other wrong
  for (const m of DX_MISTAKES) out.push(predicted(m.ids, (i) => ({ dx: dxVariant(i, m.v) }), m.message, ["dx"]));
  // two dx mistakes at once (single ones first: a pair is named only when no single one explains dx)
  for (let a = 0; a < DX_MISTAKES.length; a++) {
    for (let b = a + 1; b < DX_MISTAKES.length; b++) {
      const A = DX_MISTAKES[a];
      const B = DX_MISTAKES[b];
      if (A.ids[0] === B.ids[0] || (A.v.terms !== "full" && B.v.terms !== "full") || !pairMatters(A.v, B.v)) continue;
      const v: DxVariant = { ...A.v, ...B.v, terms: A.v.terms !== "full" ? A.v.terms : B.v.terms };
      out.push(predicted([...A.ids, ...B.ids], (i) => ({ dx: dxVariant(i, v) }), undefined, ["dx"]));
    }
  }
  for (const m of PARAMS_MISTAKES) out.push(predicted(m.ids, (i) => paramsVariant(i, m.v), m.message, ["dgamma", "dbeta"]));
  out.push(
    predicted(["returns-input"], (i) => ({ dx: i.dy }), "Your dx is dy unchanged: the gradient must go back through x̂ = (x − μ)/√(σ² + ε) (and γ).", ["dx"]),
    transposedOutput<Input>(),
    constantOutput<Input>(["dx"]),
  );
  return out;
}

const xhatOf = (i: Input) => normalizeVariant(i.x, i.eps, RIGHT);

export const batchNormBackwardSpec: ExerciseSpec<Input, BatchNormBackwardFn> = {
  ...batchNormBackwardCollect,
  title: "Batch norm backward (dx, dγ, dβ)",
  read: readMatrixFields({ dx: "N×D, the shape of x", dgamma: "1×D, one per feature", dbeta: "1×D, one per feature" }),
  // the analytic gradients (test/exercises-backward.test.ts checks them against a numerical gradient):
  // as strict as the lesson's hidden gradient check, so that a ✓ here means it passes
  reference: (input) => ({ dx: dxVariant(input, { terms: "full" }), ...paramsVariant(input, "right") }),
  tolerance: { atol: 1e-9, rtol: 1e-7 },
  probeTerms: {
    fits: [
      { key: "dx", term: "x̂", of: xhatOf, residual: true, meaning: "the term through σ² (−x̂·Σ dx̂·x̂) is wrong" },
      { key: "dx", term: "1 (a constant)", of: (i) => i.x.map(() => 1), residual: true, meaning: "the term through μ (−Σ dx̂) is wrong" },
    ],
    rows: (i) => ({ γ: i.gamma, "1/γ": i.gamma.map((g) => 1 / g) }),
  },
  mistakes: mistakes(),
  passMessage:
    "dx, dγ and dβ agree with the analytic gradient (itself checked against a numerical gradient, central differences of Σ dy·y) on 5 batches " +
    "(N = 2 to 6, ε from 1e-5 to 0.01, a feature with σ = 0.02 and a constant one), including the paths through μ and σ².",
  describeInput: describeFields(["dy", "x", "gamma", "eps"]),
  labels: { dgamma: "dγ", dbeta: "dβ" },
  shapeHint:
    "Per-feature quantities (μ, σ², dγ, dβ, Σdx̂) are 1×D rows (sumRows(), meanRows()), which broadcast over the N rows of x.",
  axisShapes: (input) => perExampleShapes(input.x),
};
