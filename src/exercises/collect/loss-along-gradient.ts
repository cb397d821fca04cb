import { Matrix } from "../../tensor/matrix";
import { ExerciseCollect, ExerciseInputs } from "../engine";
import { Rng } from "../../random/rng";
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

export interface Input {
  name: string;
  f: LossAndGrad;
  theta: number[];
  stepSizes: number[];
}

export const norm = (m: Matrix) => Math.sqrt(m.mul(m).sum());
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

export const lossAlongGradientCollect: ExerciseCollect<Input, LossAlongGradientFn> = {
  exercise: "lossAlongGradient",
  draw,
  collect(fn, input, calls) {
    return { result: calls.call(fn, [input.f, Matrix.row(input.theta), input.stepSizes.slice()], ["f", "theta", "stepSizes"]).result };
  },
};
