/**
 * Probes of the loss landscape and of "internal covariate shift" through gradients, after
 * Santurkar et al. (2018), "How does batch normalization help optimization?":
 *
 *   lossAndGradient      the loss of a batch and ∂loss/∂θ for every parameter, model state untouched
 *   probeAlongGradient   step along −∇L by several step sizes: the loss there, how much the gradient
 *                        changed, and the effective β-smoothness (Figure 4 of the paper)
 *   gradientIcs          a layer's gradient before vs after the layers below it take their SGD step:
 *                        ℓ2 difference and cosine (the paper's gradient definition of ICS, §3)
 *
 * Every probe runs the model in its current mode (training: batch statistics, as training sees
 * it) and leaves parameters, gradients and buffers (running statistics) as it found them.
 */
import { Matrix, checkMatrix } from "../tensor/matrix";
import { Module } from "../nn/module";
import { Parameter } from "../nn/parameter";
import { CrossEntropyLoss } from "../loss/cross-entropy";
import { ClassificationLoss, checkLoss } from "./evaluate";
import { checkArrayLike, checkNumber, describe } from "../validate/checks";
import { cosineAll, distanceAll, normAll } from "./parameter-vectors";

export interface ProbeBatch {
  x: Matrix;
  y: readonly number[];
}

/** Run `body`, then put back every parameter value, gradient and buffer of the model. */
function withRestoredState<T>(model: Module, body: () => T): T {
  const params = model.parameters();
  const values = params.map((p) => p.value.clone());
  const grads = params.map((p) => p.grad.clone());
  const buffers = model.namedBuffers().map(([, b]): [Matrix, Matrix] => [b, b.clone()]);
  try {
    return body();
  } finally {
    params.forEach((p, k) => {
      p.value.copyFrom(values[k]);
      p.grad.copyFrom(grads[k]);
    });
    buffers.forEach(([b, saved]) => b.copyFrom(saved));
  }
}

/**
 * The loss of `batch` and its gradient with respect to every parameter (in model.parameters()
 * order), at the current parameters, in the model's current mode. Gradients and buffers are
 * restored afterwards; the returned gradients are copies.
 */
export function lossAndGradient(model: Module, batch: ProbeBatch, loss: ClassificationLoss = new CrossEntropyLoss()): { loss: number; grads: Matrix[] } {
  checkProbe("lossAndGradient", model, batch, loss);
  return gradientAt(model, batch, loss);
}

/** What every probe takes: a model, a batch with one label per row, and a loss. */
function checkProbe(where: string, model: unknown, batch: unknown, loss: unknown): void {
  if (!(model instanceof Module)) throw new TypeError(`${where}: model must be a model (a Module), got ${describe(model)}`);
  if (batch === null || typeof batch !== "object") throw new TypeError(`${where}: batch must be { x: Matrix, y: labels }, got ${describe(batch)}`);
  const { x, y } = batch as Partial<ProbeBatch>;
  checkMatrix(where, "batch.x", x);
  const labels = checkArrayLike(where, "batch.y", y);
  if (labels.length !== x.rows) throw new RangeError(`${where}: batch.y must hold one label per row of batch.x (${x.rows}), got ${labels.length}`);
  checkLoss(where, loss);
}

function gradientAt(model: Module, batch: ProbeBatch, loss: ClassificationLoss): { loss: number; grads: Matrix[] } {
  return withRestoredState(model, () => {
    const value = loss.forward(model.forward(batch.x), batch.y);
    model.zeroGrad();
    model.backward(loss.backward(), { inputGrad: false });
    return { loss: value, grads: model.parameters().map((p) => p.grad.clone()) };
  });
}

/** Set parameter k to values[k] − eta·direction[k]. */
function setParams(params: readonly Parameter[], values: readonly Matrix[], direction: readonly Matrix[], eta: number, which: (k: number) => boolean = () => true): void {
  params.forEach((p, k) => {
    p.value.copyFrom(values[k]);
    if (which(k)) p.value.addInPlace(direction[k], -eta);
  });
}

export interface GradientProbe {
  /** The step sizes η of the probe. */
  stepSizes: number[];
  /** L(θ) and ‖∇L(θ)‖ at the starting point. */
  loss0: number;
  gradNorm: number;
  /** L(θ − η·∇L(θ)) for each η. */
  losses: number[];
  /** ‖∇L(θ − η·∇L(θ)) − ∇L(θ)‖ for each η ("gradient predictiveness": small = predictive). */
  gradChanges: number[];
  /**
   * The effective β-smoothness: the largest ‖∇L(θ') − ∇L(θ)‖ / ‖θ' − θ‖ over the probe, where
   * θ' − θ = −η·∇L(θ), i.e. gradChange / (η·‖∇L‖).
   */
  beta: number;
}

/**
 * Move from the current parameters θ along the negative gradient by each step size η and measure
 * the loss and the gradient there, on the same batch (Santurkar et al. 2018, Figure 4). The model
 * is left exactly as it was (parameters, gradients, running statistics).
 */
export function probeAlongGradient(model: Module, batch: ProbeBatch, stepSizes: readonly number[], loss: ClassificationLoss = new CrossEntropyLoss()): GradientProbe {
  checkProbe("probeAlongGradient", model, batch, loss);
  if (!Array.isArray(stepSizes) || stepSizes.length === 0 || stepSizes.some((e) => typeof e !== "number" || !(e > 0))) {
    const got = Array.isArray(stepSizes) ? `[${stepSizes.join(", ")}]` : describe(stepSizes);
    throw new RangeError(`probeAlongGradient: stepSizes must be a non-empty list of numbers > 0, got ${got}`);
  }
  const start = gradientAt(model, batch, loss);
  const g = start.grads;
  const gradNorm = normAll(g);
  const params = model.parameters();
  const theta = params.map((p) => p.value.clone());
  const losses: number[] = [];
  const gradChanges: number[] = [];
  let beta = 0;
  withRestoredState(model, () => {
    for (const eta of stepSizes) {
      setParams(params, theta, g, eta); //                        θ' = θ − η·g
      const there = gradientAt(model, batch, loss);
      const change = distanceAll(there.grads, g); //               ‖∇L(θ') − ∇L(θ)‖
      losses.push(there.loss);
      gradChanges.push(change);
      if (gradNorm > 0) beta = Math.max(beta, change / (eta * gradNorm)); // ÷ ‖θ' − θ‖
    }
  });
  return { stepSizes: stepSizes.slice(), loss0: start.loss, gradNorm, losses, gradChanges, beta };
}

export interface LayerIcs {
  /** The weight's name in model.namedParameters(), e.g. "4.weight". */
  layer: string;
  /** ‖G − G'‖: G = the weight's gradient, G' = the same after the parameters below take their step. */
  l2: number;
  /** ‖G − G'‖ / ‖G‖. */
  relative: number;
  /** cos(G, G'): 1 = the layer's gradient did not turn at all. */
  cosine: number;
}

/**
 * Internal covariate shift as Santurkar et al. (2018, Definition 3.1) measure it: for each weight
 * W_i in `layers` (default: every 2-D parameter named "…weight" except the first),
 *
 *   G  = ∇_{W_i} L(W_1, …, W_k)                         at the current parameters, on `batch`
 *   G' = ∇_{W_i} L(W_1', …, W_{i−1}', W_i, …, W_k)      after every parameter BELOW W_i (earlier
 *        in model.parameters()) took its SGD step W' = W − lr·∇_W L; W_i and above unchanged
 *
 * and returns ‖G − G'‖ and cos(G, G'). The model is left as it was.
 */
export function gradientIcs(model: Module, batch: ProbeBatch, lr: number, layers?: readonly string[], loss: ClassificationLoss = new CrossEntropyLoss()): LayerIcs[] {
  checkProbe("gradientIcs", model, batch, loss);
  checkNumber("gradientIcs", "lr (the SGD step the lower layers take)", lr, { min: 0, minInclusive: false });
  if (layers !== undefined) checkArrayLike("gradientIcs", "layers", layers);
  const named = model.namedParameters();
  const names = named.map(([n]) => n);
  const wanted = layers ?? named.filter(([n, p]) => /(^|\.)weight$/.test(n) && p.value.rows > 1 && p.value.cols > 1).map(([n]) => n).slice(1);
  for (const name of wanted) {
    if (!names.includes(name)) throw new Error(`gradientIcs: no parameter "${name}" in the model; its parameters are ${names.join(", ")}`);
  }
  const params = named.map(([, p]) => p);
  const theta = params.map((p) => p.value.clone());
  const { grads } = gradientAt(model, batch, loss);
  return withRestoredState(model, () =>
    wanted.map((layer) => {
      const i = names.indexOf(layer);
      setParams(params, theta, grads, lr, (k) => k < i); //     the layers below step, the rest stay
      const after = gradientAt(model, batch, loss).grads[i];
      const G = [grads[i]], G2 = [after];
      const l2 = distanceAll(G, G2);
      const norm = normAll(G);
      return { layer, l2, relative: norm > 0 ? l2 / norm : 0, cosine: cosineAll(G, G2) };
    }),
  );
}
