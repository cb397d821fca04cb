import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { numericalGradient } from "../../check/gradcheck";
import { CheckResult } from "../check-result";
import { formatMatrix, formatNumber, hang } from "../compare";
import { perExampleShapes } from "../inputs";
import { CheckSpec, Mistake, Outputs, runCheck } from "../engine";
import { expectMatrix, field } from "../learner-code";
import { featureBatch, randomRow } from "../inputs";
import { MisconceptionId } from "../misconceptions";
import { RIGHT, normalizeVariant } from "../variants";

/** Exercise: the gradients of batch norm (training mode) given dy = ∂L/∂y. */
export type BatchNormBackwardFn = (
  dy: Matrix,
  x: Matrix,
  gamma: Matrix,
  eps: number,
) => { dx: Matrix; dgamma: Matrix; dbeta: Matrix };

interface Input {
  dy: Matrix;
  x: Matrix;
  gamma: Matrix;
  eps: number;
}

const KEYS = ["dx", "dgamma", "dbeta"] as const;

/** Which paths dx keeps: all, none through the statistics, or all but the one through μ or σ². */
type DxVariant = "full" | "constants" | "no-mean" | "no-variance";

const DX_IDS: Record<DxVariant, MisconceptionId[]> = {
  full: [],
  constants: ["backward-constant-stats"],
  "no-mean": ["backward-missing-mean-term"],
  "no-variance": ["backward-missing-variance-term"],
};

/** The analytic gradients, with the chosen mistakes. */
export function backwardVariant(input: Input, dxVariant: DxVariant, paramsPerExample: boolean): Outputs {
  const { dy, x, gamma, eps } = input;
  const n = x.rows;
  const mu = x.meanRows();
  const variance = x.sub(mu).map((d) => d * d).meanRows();
  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const xhat = x.sub(mu).mul(invStd);
  const dxhat = dy.mul(gamma);
  const meanDxhat = dxhat.sumRows().scale(1 / n);
  const meanDxhatXhat = dxhat.mul(xhat).sumRows().scale(1 / n);
  let inner = dxhat;
  if (dxVariant === "full" || dxVariant === "no-variance") inner = inner.sub(meanDxhat);
  if (dxVariant === "full" || dxVariant === "no-mean") inner = inner.sub(xhat.mul(meanDxhatXhat));
  const sum = (m: Matrix) => (paramsPerExample ? m.sumCols() : m.sumRows());
  return { dx: inner.mul(invStd), dgamma: sum(dy.mul(xhat)), dbeta: sum(dy) };
}

/** ∂(Σ dy·y)/∂x, ∂/∂γ, ∂/∂β by central differences of the forward pass (the ground truth). */
export function numericalBackward(input: Input): Outputs {
  const x = input.x.clone();
  const gamma = input.gamma.clone();
  const beta = Matrix.zeros(1, x.cols);
  const loss = () => normalizeVariant(x, input.eps, RIGHT).mul(gamma).add(beta).mul(input.dy).sum();
  return { dx: numericalGradient(loss, x), dgamma: numericalGradient(loss, gamma), dbeta: numericalGradient(loss, beta) };
}

function mistakes(): Mistake<Input>[] {
  const out: Mistake<Input>[] = [];
  for (const perExample of [false, true]) {
    for (const dxVariant of ["full", "constants", "no-mean", "no-variance"] as const) {
      const ids: MisconceptionId[] = [...DX_IDS[dxVariant], ...(perExample ? (["wrong-axis"] as const) : [])];
      if (ids.length === 0) continue;
      const mistake: Mistake<Input> = { ids, outputs: (input: Input) => backwardVariant(input, dxVariant, perExample) };
      if (ids.length === 1 && perExample) {
        mistake.message =
          "dγ and dβ are summed over the features of each example (N×1). γ and β are per feature, so their gradients " +
          "are sums over the batch (axis 0): dγ = Σᵢ dyᵢ·x̂ᵢ and dβ = Σᵢ dyᵢ, 1×D rows (sumRows()).";
      }
      out.push(mistake);
    }
  }
  return out.sort((a, b) => a.ids.length - b.ids.length);
}

function cases(): Array<{ label: string; input: Input }> {
  const rng = new Rng("bnlab/exercises/batchNormBackward");
  const make = (rows: number, means: number[], stds: number[], eps: number) => {
    const x = featureBatch(rng, rows, means, stds);
    const dy = featureBatch(rng, rows, means.map(() => 0), means.map(() => 1));
    const gamma = randomRow(rng, means.length, 0.5, 2.5);
    return { label: `a ${rows}×${means.length} batch, ε = ${formatNumber(eps)}`, input: { dy, x, gamma, eps } };
  };
  return [
    make(5, [1, -2, 0.5], [1.2, 0.6, 2], 1e-5),
    make(3, [0, 3, -1, 2], [1, 0.5, 1.5, 0.8], 1e-3),
    make(4, [2, -0.5], [0.7, 1.1], 1e-5),
  ];
}

export const batchNormBackwardSpec: CheckSpec<Input, BatchNormBackwardFn> = {
  exercise: "batchNormBackward",
  title: "Batch norm backward (dx, dγ, dβ)",
  cases: cases(),
  collect(fn, input, calls) {
    return { result: calls.call(fn, [input.dy, input.x, input.gamma, input.eps], ["dy", "x", "gamma", "eps"]).result };
  },
  read({ result }) {
    return {
      dx: expectMatrix(field(result, "dx", KEYS), "dx", "N×D, the shape of x"),
      dgamma: expectMatrix(field(result, "dgamma", KEYS), "dgamma", "1×D, one per feature"),
      dbeta: expectMatrix(field(result, "dbeta", KEYS), "dbeta", "1×D, one per feature"),
    };
  },
  reference: numericalBackward,
  // central differences are accurate to about 1e-9 here; every known mistake is off by O(1)
  tolerance: { atol: 1e-6, rtol: 1e-5 },
  mistakes: mistakes(),
  passMessage:
    "dx, dγ and dβ agree with a numerical gradient (central differences of Σ dy·y) on 3 batches, including the paths through μ and σ².",
  describeInput: (input) =>
    [
      hang("dy = ", formatMatrix(input.dy)),
      hang("x = ", formatMatrix(input.x)),
      hang("gamma = ", formatMatrix(input.gamma)),
      `eps = ${formatNumber(input.eps)}`,
    ].join("\n"),
  labels: { dgamma: "dγ", dbeta: "dβ" },
  axisShapes: (input) => perExampleShapes(input.x),
  shapeHint:
    "Per-feature quantities (μ, σ², dγ, dβ, Σdx̂) are 1×D rows (sumRows(), meanRows()), which broadcast over the N rows of x.",
};

export function checkBatchNormBackward(fn: BatchNormBackwardFn): CheckResult {
  return runCheck(batchNormBackwardSpec, fn);
}
