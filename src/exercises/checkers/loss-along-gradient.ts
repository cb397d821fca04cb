import { Matrix } from "../../tensor/matrix";
import { formatMatrix, hang } from "../compare";
import { ExerciseInputs, ExerciseSpec, Outputs } from "../engine";
import { NOTEBOOK_SEED } from "../inputs";
import { Rng } from "../../random/rng";
import { MisconceptionId } from "../misconceptions";
import { Malformed, expectNumber, field } from "../learner-code";
import { probesOn } from "../probes";

/** A loss and its gradient at θ (a 1×n row). */
export type LossAndGrad = (theta: Matrix) => { loss: number; grad: Matrix };

/**
 * Exercise: probe the landscape along the gradient (Santurkar et al. 2018, Figure 4). With
 * g = ∇L(θ), for each step size η: θ' = θ − η·g, losses = L(θ'), gradChanges = ‖∇L(θ') − g‖, and
 * beta = the largest ‖∇L(θ') − g‖ / ‖θ' − θ‖ = gradChange / (η·‖g‖).
 */
export type LossAlongGradientFn = (
  f: LossAndGrad,
  theta: Matrix,
  stepSizes: number[],
) => { losses: number[]; gradChanges: number[]; beta: number };

interface Input {
  name: string;
  f: LossAndGrad;
  theta: number[];
  stepSizes: number[];
}

const norm = (m: Matrix) => Math.sqrt(m.mul(m).sum());
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function quadratic(a: number[]): LossAndGrad {
  return (t) => ({ loss: 0.5 * t.mul(Matrix.row(a)).mul(t).sum(), grad: t.mul(Matrix.row(a)) });
}
function softplusQuartic(c: number[]): LossAndGrad {
  return (t) => {
    const v = Array.from(t.data);
    const loss = v.reduce((s, x, i) => s + Math.log1p(Math.exp(c[i] * x)) + x ** 4 / 4, 0);
    return { loss, grad: Matrix.row(v.map((x, i) => c[i] * sigmoid(c[i] * x) + x ** 3)) };
  };
}
const rosenbrock: LossAndGrad = (t) => {
  const [x, y] = t.data;
  return { loss: (1 - x) ** 2 + 10 * (y - x * x) ** 2, grad: Matrix.row([-2 * (1 - x) - 40 * x * (y - x * x), 20 * (y - x * x)]) };
};

/** The three landscapes, each probed from a θ drawn from `seed` near a fixed point; and the probes around the Rosenbrock valley. */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/lossAlongGradient`);
  const near = (theta: number[]) => theta.map((t) => Math.round((t + rng.uniform(-0.15, 0.15)) * 100) / 100);
  const inputs: Input[] = [
    { name: "an anisotropic quadratic ½Σ aᵢθᵢ², a = [1, 4, 0.5, 9]", f: quadratic([1, 4, 0.5, 9]), theta: near([1, -0.5, 2, 0.3]), stepSizes: [0.05, 0.1, 0.2, 0.3] },
    { name: "Σ log(1 + e^{cᵢθᵢ}) + θᵢ⁴/4, c = [1, −2, 3]", f: softplusQuartic([1, -2, 3]), theta: near([0.5, -1, 0.2]), stepSizes: [0.01, 0.1, 0.5] },
    { name: "a Rosenbrock valley (1 − x)² + 10(y − x²)²", f: rosenbrock, theta: near([-0.5, 0.8]), stepSizes: [0.001, 0.01, 0.03] },
  ];
  const valley = inputs[2];
  return {
    cases: inputs.map((input) => ({ label: input.name, input })),
    probes: probesOn({ label: valley.name, input: valley }, [{ what: "stepSizes[2] changes", input: { ...valley, stepSizes: [0.001, 0.01, 0.04] } }]),
  };
}

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
  exercise: "lossAlongGradient",
  title: "Probe the loss and the gradient along −∇L",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect(fn, input, calls) {
    return { result: calls.call(fn, [input.f, Matrix.row(input.theta), input.stepSizes.slice()], ["f", "theta", "stepSizes"]).result };
  },
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
