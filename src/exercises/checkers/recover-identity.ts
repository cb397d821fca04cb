import { Matrix } from "../../tensor/matrix";
import { ExerciseSpec, readMatrixFields, describeFields, Mistake, Outputs } from "../engine";
import { constantOutput, predicted, transposedOutput } from "../generic-mistakes";
import { MisconceptionId } from "../misconceptions";
import { Axis, HARD_CODED_EPS, statsVariant } from "../variants";
import { RecoverIdentityFn, Input, recoverIdentityCollect } from "../collect/recover-identity";

/** γ as a function of the (biased or unbiased) variance. */
type GammaRule = (variance: number, eps: number) => number;

function recovery(input: Input, rule: GammaRule, opts: { unbiased?: boolean; axis?: Axis; swapped?: boolean } = {}): Outputs {
  const s = statsVariant(input.x, { axis: opts.axis ?? "features", unbiased: opts.unbiased ?? false });
  const gamma = s.variance.map((v) => rule(v, input.eps));
  return opts.swapped ? { gamma: s.mu, beta: gamma } : { gamma, beta: s.mu };
}

const exact: GammaRule = (v, eps) => Math.sqrt(v + eps);

function mistakes(): Mistake<Input>[] {
  const m = (ids: MisconceptionId[], rule: GammaRule, opts: Parameters<typeof recovery>[2] = {}, message?: string) => predicted<Input>(ids, (input) => recovery(input, rule, opts), message);
  return [
    m(
      ["eps-forgotten"],
      (v) => Math.sqrt(v),
      {},
      "γ = σ forgets ε. It is close, but not exact: batch norm divides by √(σ² + ε), so γ = σ gives back only " +
        "σ/√(σ² + ε) of each deviation from the mean — about 71% for a feature whose variance equals ε. Exact recovery needs γ = √(σ² + ε).",
    ),
    m(["eps-outside-sqrt"], (v, eps) => Math.sqrt(v) + eps),
    m(
      ["variance-std-confusion"],
      (v) => v,
      {},
      "Your γ is the variance σ²; x̂ was divided by a standard deviation, √(σ² + ε), so γ must multiply it back: γ = √(σ² + ε).",
    ),
    m(
      ["variance-std-confusion"],
      (v, eps) => v + eps,
      {},
      "Your γ is σ² + ε, a variance; x̂ was divided by its square root, so γ = √(σ² + ε).",
    ),
    m(["unbiased-variance"], exact, { unbiased: true }),
    m(["unbiased-variance", "eps-forgotten"], (v) => Math.sqrt(v), { unbiased: true }),
    m(
      ["gamma-beta-swapped"],
      exact,
      { swapped: true },
      "γ and β are swapped: γ (the scale) undoes the division, γ = √(σ² + ε); β (the shift) undoes the subtraction, β = μ.",
    ),
    m(["wrong-axis"], exact, { axis: "examples" }),
    m(["inverse-scale"], (v, eps) => 1 / Math.sqrt(v + eps)),
    ...HARD_CODED_EPS.map((c) =>
      m(["ignores-argument"], (v) => Math.sqrt(v + c), {}, `You use ε = ${c} written in your code instead of the eps argument: the checker passes other values.`),
    ),
    {
      ids: ["sign-error"],
      message: "β = −μ subtracts the mean a second time: x̂·γ = x − μ, so β = +μ adds it back.",
      outputs: (input: Input) => {
        const r = recovery(input, exact);
        return { gamma: r.gamma, beta: r.beta.scale(-1) };
      },
    },
    {
      ids: ["constant-output"],
      message: "γ = 1 and β = 0 give back x̂, not x: γ must undo the division (γ = √(σ² + ε)) and β the subtraction (β = μ).",
      outputs: (input: Input) => ({ gamma: Matrix.ones(1, input.x.cols), beta: Matrix.zeros(1, input.x.cols) }),
    },
    {
      ids: ["centered-not-normalized"],
      message: "Your β is right but γ is 1: x̂ was divided by √(σ² + ε), so γ = √(σ² + ε) multiplies it back.",
      outputs: (input: Input) => ({ gamma: Matrix.ones(1, input.x.cols), beta: recovery(input, exact).beta }),
    },
    transposedOutput<Input>(),
    constantOutput<Input>(["gamma", "beta"]),
  ];
}

export const recoverIdentitySpec: ExerciseSpec<Input, RecoverIdentityFn> = {
  ...recoverIdentityCollect,
  title: "γ and β that recover the input",
  read: readMatrixFields({ gamma: "1×D, one per feature", beta: "1×D, one per feature" }),
  reference: (input) => recovery(input, exact),
  mistakes: mistakes(),
  passMessage:
    "γ = √(σ² + ε) and β = μ make batch norm give back its input exactly with the eps you are given (checked on 5 batches, ε from 1e-5 to 0.1, including a feature whose variance is near ε and a constant one).",
  describeInput: describeFields(["x", "eps"]),
  labels: { gamma: "γ", beta: "β" },
};
