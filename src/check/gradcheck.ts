import { Matrix, checkMatrix } from "../tensor/matrix";
import { ShapeError } from "../tensor/shape-error";
import { Rng } from "../random/rng";
import { AnyModule, Module } from "../nn/module";
import { Tensor, Value } from "../tensor/tensor";
import { checkArrayLike, checkFunction, checkNumber, checkOptions, describe } from "../validate/checks";

/**
 * Numerical gradient checking: compare the gradients a backward pass computes
 * (analytic) with central differences of the loss (numerical),
 *
 *   ∂L/∂mᵢ ≈ (L(mᵢ + h) − L(mᵢ − h)) / 2h,
 *
 * whose error is O(h²) plus rounding of order 1e-16·|L|/h. In float64 with
 * h = 1e-6, a correct backward agrees to about 1e-9 (relative); a missing term
 * (say, the path through μ in batch norm) shows up as an error near 1.
 */

/** The smallest denominator relativeError divides by, so that two all-zero gradients agree. */
const TINY = 1e-12;

/** A gradient whose entries are all below this fraction of the check's largest entry counts as zero. */
const ZERO_FRACTION = 1e-6;

/**
 * The relative error between two gradients of the same shape, CS231n's measure
 * taken over the whole matrix (a norm-wise version):
 *
 *   relativeError(a, n) = maxᵢ |aᵢ − nᵢ| / max(maxᵢ |aᵢ|, maxᵢ |nᵢ|, 1e-12)
 *
 * i.e. the largest disagreement, measured against the largest gradient entry.
 * CS231n's notes apply |a − n| / max(|a|, |n|) entry by entry; dividing by the
 * largest entry instead keeps entries that are nearly zero (where rounding
 * noise is all there is) from dominating. Rule of thumb: < 1e-7 is right,
 * 1e-4 … 1e-2 is suspicious (or a kink such as ReLU at 0), ≈ 1 is a bug.
 */
export function relativeError(a: Matrix, b: Matrix): number {
  checkMatrix("relativeError", "a", a);
  checkMatrix("relativeError", "b", b);
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError("relativeError", `two gradients of the same shape (the first is ${a.shapeString()})`, b.shapeString());
  }
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
  return diff / Math.max(a.maxAbs(), b.maxAbs(), TINY);
}

/**
 * ∂f/∂m by central differences: nudge one entry of m by ±eps (in place), call f,
 * and put the entry back exactly. f must read m, and be deterministic.
 */
export function numericalGradient(f: () => number, m: Matrix, eps = 1e-6): Matrix {
  checkFunction("numericalGradient", "f", f);
  checkMatrix("numericalGradient", "m", m);
  checkNumber("numericalGradient", "eps", eps, { min: 0, minInclusive: false, hint: "typically 1e-6 in float64" });
  return centralDifferences("numericalGradient", f, m, eps);
}

function centralDifferences(where: string, f: () => number, m: Matrix, eps: number): Matrix {
  const grad = new Matrix(m.rows, m.cols);
  for (let i = 0; i < m.data.length; i++) {
    const old = m.data[i];
    try {
      m.data[i] = old + eps;
      const fPlus = lossValue(where, f); //     L(mᵢ + h)
      m.data[i] = old - eps;
      const fMinus = lossValue(where, f); //    L(mᵢ − h)
      grad.data[i] = (fPlus - fMinus) / (2 * eps); // (L(mᵢ + h) − L(mᵢ − h)) / 2h
    } finally {
      m.data[i] = old; // put the entry back exactly, also when f throws
    }
  }
  return grad;
}

function lossValue(where: string, f: () => number): number {
  const v: unknown = f();
  if (typeof v !== "number") throw new TypeError(`${where}: f must return the loss as a number, got ${describe(v)}`);
  return v;
}

export interface GradcheckOptions {
  /** The step h of the central differences (default 1e-6). */
  eps?: number;
  /** `ok` means every relative error is below this (default 1e-7). */
  tolerance?: number;
}

/** One tensor to check: its current value (f reads it) and the gradient backward computed for it. */
export interface GradcheckInput {
  name: string;
  value: Matrix;
  grad: Matrix;
}

export interface GradcheckEntry {
  /** "dx", or a parameter's name ("weight", "0.bias", …). */
  name: string;
  /** See relativeError(). */
  relativeError: number;
  /**
   * True when both gradients are zero up to rounding: every entry is below 1e-6 × the
   * largest gradient entry of the whole check. A relative error means nothing then (it
   * compares rounding noise with rounding noise), so it does not count toward `ok`.
   * A zero gradient is informative in itself: e.g. a Linear bias right before BatchNorm
   * (the mean subtraction cancels it, and β does its job).
   */
  zero: boolean;
  /** maxᵢ |analyticᵢ − numericalᵢ|. */
  maxAbsError: number;
  /**
   * Where a gradient is not a finite number, e.g. "analytic[1, 0] is Infinity",
   * or null. A non-finite entry always fails the check: a relative error, and
   * whether a gradient is "zero", mean nothing then.
   */
  nonFinite: string | null;
  analytic: Matrix;
  numerical: Matrix;
}

export interface GradcheckResult {
  /** True when every gradient is finite and the relative error of every entry (except `zero` ones) is below the tolerance. */
  ok: boolean;
  /** The largest relative error over the entries that are not `zero`. */
  maxRelativeError: number;
  tolerance: number;
  entries: GradcheckEntry[];
}

/**
 * Check analytic gradients against numerical ones. `f` computes the loss from the
 * current values of the inputs; every input's `grad` is what backward said
 * ∂f/∂value is. The values are nudged in place and restored.
 */
export function gradcheck(f: () => number, inputs: GradcheckInput[], options: GradcheckOptions = {}): GradcheckResult {
  checkFunction("gradcheck", "f", f);
  checkArrayLike("gradcheck", "inputs", inputs);
  checkOptions("gradcheck", options);
  inputs.forEach((input, i) => {
    if (input === null || typeof input !== "object") throw new TypeError(`gradcheck: inputs[${i}] must be { name, value, grad }, got ${describe(input)}`);
    checkMatrix("gradcheck", `inputs[${i}].value`, input.value);
    checkMatrix("gradcheck", `inputs[${i}].grad`, input.grad);
    if (input.grad.rows !== input.value.rows || input.grad.cols !== input.value.cols) {
      throw new ShapeError(`gradcheck("${input.name}")`, `a gradient of the value's shape ${input.value.shapeString()}`, input.grad.shapeString());
    }
  });
  const eps = checkNumber("gradcheck", "eps", options.eps ?? 1e-6, { min: 0, minInclusive: false, hint: "typically 1e-6 in float64" });
  const tolerance = checkNumber("gradcheck", "tolerance", options.tolerance ?? 1e-7, { min: 0, minInclusive: false, hint: "typically 1e-7" });
  const measured = inputs.map(({ name, value, grad }) => {
    const numerical = centralDifferences("gradcheck", f, value, eps);
    const analytic = grad.clone();
    let maxAbsError = 0;
    for (let i = 0; i < analytic.data.length; i++) {
      maxAbsError = Math.max(maxAbsError, Math.abs(analytic.data[i] - numerical.data[i]));
    }
    const nonFinite = firstNonFinite("analytic", analytic) ?? firstNonFinite("numerical", numerical);
    return { name, relativeError: relativeError(analytic, numerical), maxAbsError, nonFinite, analytic, numerical };
  });
  // The scale of the check, from the finite entries only (one Infinity would make every other gradient look like zero).
  const largest = measured.reduce((m, e) => Math.max(m, finiteMaxAbs(e.analytic), finiteMaxAbs(e.numerical)), 0);
  const entries: GradcheckEntry[] = measured.map((e) => ({
    ...e,
    relativeError: e.nonFinite === null ? e.relativeError : NaN,
    zero: e.nonFinite === null && Math.max(e.analytic.maxAbs(), e.numerical.maxAbs()) <= ZERO_FRACTION * largest,
  }));
  const finite = entries.every((e) => e.nonFinite === null);
  const maxRelativeError = finite ? entries.reduce((m, e) => (e.zero ? m : Math.max(m, e.relativeError)), 0) : NaN;
  return { ok: finite && maxRelativeError < tolerance, maxRelativeError, tolerance, entries };
}

/** "analytic[1, 0] is Infinity" for the first entry that is NaN or ±Infinity, or null. */
function firstNonFinite(which: string, m: Matrix): string | null {
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) return `${which}[${Math.floor(i / m.cols)}, ${i % m.cols}] is ${m.data[i]}`;
  }
  return null;
}

function finiteMaxAbs(m: Matrix): number {
  let max = 0;
  for (const v of m.data) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return max;
}

export interface GradcheckModuleOptions extends GradcheckOptions {
  /** Seed of the fixed random projection R (default 0). */
  seed?: number | string;
  /** Called before every forward, e.g. to re-seed a Dropout so that every probe sees the same mask. */
  beforeForward?: () => void;
}

/**
 * Check a layer's (or a whole Sequential's) backward, in its current mode:
 *
 *   L = Σ y ⊙ R,  y = module.forward(x),  R fixed and random (seeded),
 *
 * so ∂L/∂y = R, and backward(R) must give ∂L/∂x ("dx") and every parameter's
 * gradient. Each is compared with central differences of L (see relativeError).
 *
 * State in, state out: buffers (running statistics, num_batches_tracked) are
 * restored before every probe — so a training-mode forward sees the same
 * running statistics each time (BatchRenorm1d's output depends on them) — and
 * again at the end, together with the parameters' `grad`s. x is not modified.
 *
 * Two layers need help: Dropout in training mode draws a new mask each forward
 * (re-seed it in `beforeForward`), and BatchRenorm1d's backward deliberately
 * ignores how r and d depend on the batch (call `freezeCorrection()` first).
 *
 *   gradcheckModule(new BatchNorm1d(4), x)  // { ok: true, maxRelativeError: 3e-10, entries: [dx, weight, bias] }
 *
 * Image layers work the same way with a Tensor x (e.g. [2, 3, 5, 5] for a
 * Conv2d or BatchNorm2d); "dx" is then reported flattened, as a 1 × size matrix.
 */
export function gradcheckModule(module: AnyModule, x: Value, options: GradcheckModuleOptions = {}): GradcheckResult {
  if (!(module instanceof Module)) throw new TypeError(`gradcheckModule: module must be a layer or model (a Module), got ${describe(module)}`);
  if (!(x instanceof Tensor)) checkMatrix("gradcheckModule", "x", x);
  checkOptions("gradcheckModule", options);
  if (options.eps !== undefined) checkNumber("gradcheckModule", "eps", options.eps, { min: 0, minInclusive: false, hint: "typically 1e-6 in float64" });
  if (options.tolerance !== undefined) checkNumber("gradcheckModule", "tolerance", options.tolerance, { min: 0, minInclusive: false, hint: "typically 1e-7" });
  if (options.beforeForward !== undefined) checkFunction("gradcheckModule", "beforeForward", options.beforeForward);
  const buffers = module.namedBuffers().map(([, b]): [Matrix, Matrix] => [b, b.clone()]);
  const params = module.namedParameters();
  const grads = params.map(([, p]) => p.grad.clone());
  const restoreBuffers = () => buffers.forEach(([b, saved]) => b.copyFrom(saved));
  const xProbe = x.clone();
  const forward = (): Value => {
    restoreBuffers();
    options.beforeForward?.();
    return module.forward(xProbe);
  };

  try {
    const y = forward();
    const rng = new Rng(options.seed ?? 0);
    const R = y instanceof Matrix ? new Matrix(y.rows, y.cols, rng.normalArray(y.size)) : new Tensor(y.shape, rng.normalArray(y.size)); // the fixed projection, ∂L/∂y
    const loss = (): number => { //                                     L = Σ y ⊙ R
      const out = forward();
      return out instanceof Matrix && R instanceof Matrix ? out.mul(R).sum() : dot(out.data, R.data);
    };

    const again = forward();
    if (!sameNumbers(asRow(again), asRow(y))) {
      throw new Error(
        `gradcheckModule: ${module.toString()} gave different outputs for the same input, so central differences ` +
          "cannot work. Dropout in training mode draws a new mask every forward: call eval(), use p = 0, " +
          "or re-seed it in options.beforeForward (e.g. () => { dropout.rng = new Rng(1); }).",
      );
    }
    module.zeroGrad();
    const dx = module.backward(R); // the forward just before was `again`, on the same xProbe
    const inputs: GradcheckInput[] = [
      xProbe instanceof Matrix && dx instanceof Matrix ? { name: "dx", value: xProbe, grad: dx } : { name: "dx", value: asRow(xProbe), grad: asRow(dx) },
      ...params.map(([name, p]): GradcheckInput => ({ name, value: p.value, grad: p.grad.clone() })),
    ];
    return gradcheck(loss, inputs, options);
  } catch (e) {
    if (e instanceof Error && !e.message.startsWith("gradcheckModule")) e.message = `gradcheckModule: ${e.message}`;
    throw e;
  } finally {
    restoreBuffers();
    params.forEach(([, p], i) => p.grad.copyFrom(grads[i]));
  }
}

/** One line, for a notebook: "ok  dx 2.1e-10  0.weight 8.7e-11  0.bias zero  1.weight 4.0e-11 …". */
export function formatGradcheck(result: GradcheckResult): string {
  if (result === null || typeof result !== "object" || !Array.isArray(result.entries) || typeof result.tolerance !== "number") {
    throw new TypeError(`formatGradcheck: expected what gradcheck or gradcheckModule returned ({ ok, tolerance, entries, … }), got ${describe(result)}`);
  }
  const head = result.ok ? "ok" : `FAILED (tolerance ${result.tolerance.toExponential(0)})`;
  const parts = result.entries.map((e) =>
    e.nonFinite !== null ? `${e.name} NOT FINITE (${e.nonFinite})` : `${e.name} ${e.zero ? "zero" : e.relativeError.toExponential(1)}`,
  );
  return `${head}  ${parts.join("  ")}`;
}

/** Equal entry by entry, NaN equal to NaN (a NaN output is the same output twice, not a different one). */
function sameNumbers(a: Matrix, b: Matrix): boolean {
  if (a.rows !== b.rows || a.cols !== b.cols) return false;
  for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i]) && a.data[i] !== b.data[i]) return false;
  return true;
}

/** Σᵢ aᵢ·bᵢ. */
function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A Matrix or Tensor as a 1 × size Matrix over the same numbers (shared, so nudging it nudges the original). */
function asRow(v: Value): Matrix {
  return new Matrix(1, v.data.length, v.data);
}
