import { Matrix } from "../../tensor/matrix";
import { formatMatrix, hang } from "../compare";
import { ExerciseSpec, Outputs } from "../engine";
import { MisconceptionId } from "../misconceptions";
import { Malformed, expectNumber, field } from "../learner-code";
import { LossAlongGradientFn, Input, lossAlongGradientCollect, norm, LossAndGrad } from "../collect/loss-along-gradient";

interface Variant {
  ascent?: boolean;
  normDifference?: boolean;
  cumulative?: boolean;
  betaPerStep?: boolean;
  betaMean?: boolean;
  lossDifference?: boolean;
}

/** The probe, with each mistake switchable. */
function lossAlongGradientVariant(f: LossAndGrad, theta: Matrix, stepSizes: readonly number[], v: Variant = {}): Outputs {
  const { grad: g, loss: loss0 } = f(theta);
  const losses: number[] = [];
  const changes: number[] = [];
  const ratios: number[] = [];
  let point = theta;
  for (const eta of stepSizes) {
    const from = v.cumulative ? point : theta;
    point = from.add(g.scale(v.ascent ? eta : -eta));
    const there = f(point);
    const change = v.normDifference ? Math.abs(norm(there.grad) - norm(g)) : norm(there.grad.sub(g));
    losses.push(v.lossDifference ? there.loss - loss0 : there.loss);
    changes.push(change);
    ratios.push(change / (v.betaPerStep ? eta : eta * norm(g)));
  }
  const beta = v.betaMean ? ratios.reduce((a, b) => a + b, 0) / ratios.length : Math.max(...ratios);
  return { losses: Matrix.row(losses), gradChanges: Matrix.row(changes), beta: Matrix.row([beta]) };
}

const MISTAKES: Array<{ ids: MisconceptionId[]; variant: Variant }> = [
  { ids: ["probe-ascent"], variant: { ascent: true } },
  { ids: ["probe-cumulative-steps"], variant: { cumulative: true } },
  { ids: ["probe-norm-difference"], variant: { normDifference: true } },
  { ids: ["beta-per-step-size"], variant: { betaPerStep: true } },
  { ids: ["beta-mean-not-max"], variant: { betaMean: true } },
  { ids: ["beta-per-step-size", "beta-mean-not-max"], variant: { betaPerStep: true, betaMean: true } },
  { ids: ["probe-loss-difference"], variant: { lossDifference: true } },
];

const KEYS = ["losses", "gradChanges", "beta"];

function numbers(v: unknown, what: string, n: number): Matrix {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "number")) {
    throw new Malformed("wrong-type", `${what} should be an array of ${n} numbers (one per step size), got ${v instanceof Matrix ? "a Matrix" : typeof v}.`);
  }
  if (v.length !== n) throw new Malformed("wrong-shape", `${what} should have one number per step size (${n}), got ${v.length}.`);
  return Matrix.row(v as number[]);
}

export const lossAlongGradientSpec: ExerciseSpec<Input, LossAlongGradientFn> = {
  ...lossAlongGradientCollect,
  title: "Probe the loss and the gradient along −∇L",
  read({ result }, input) {
    const n = input.stepSizes.length;
    return {
      losses: numbers(field(result, "losses", KEYS), "losses", n),
      gradChanges: numbers(field(result, "gradChanges", KEYS), "gradChanges", n),
      beta: Matrix.row([expectNumber(field(result, "beta", KEYS), "beta")]),
    };
  },
  reference: (i) => lossAlongGradientVariant(i.f, Matrix.row(i.theta), i.stepSizes),
  mistakes: MISTAKES.map(({ ids, variant }) => ({ ids, outputs: (i: Input) => lossAlongGradientVariant(i.f, Matrix.row(i.theta), i.stepSizes, variant) })),
  passMessage:
    "θ' = θ − η·g from the same θ for every η; L(θ'), ‖∇L(θ') − g‖ and β = max ‖∇L(θ') − g‖/(η‖g‖) match on a quadratic, a softplus-quartic and a Rosenbrock valley.",
  describeInput: (i) => `${hang("θ = ", formatMatrix(Matrix.row(i.theta)))}\nstepSizes = [${i.stepSizes.join(", ")}]`,
  labels: { gradChanges: "gradChanges", beta: "β" },
};
