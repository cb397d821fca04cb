import { Parameter } from "../nn/parameter";
import { describe } from "../validate/checks";

/**
 * The base of every optimizer, after torch.optim.Optimizer: it holds the
 * parameters and a learning rate, `step()` updates the parameters from their
 * `grad`, and `zeroGrad()` clears the gradients before the next backward pass.
 * `lr` can be changed between steps (a learning-rate schedule).
 */
export abstract class Optimizer {
  /** "SGD", "Adam", … (used in error messages). */
  readonly name: string;
  readonly params: Parameter[];
  /** How many times step() has run. */
  stepCount = 0;
  private learningRate: number;

  constructor(name: string, params: readonly Parameter[], lr: number) {
    if (!Array.isArray(params)) {
      throw new TypeError(`${name}: params must be an array of parameters, e.g. model.parameters(), got ${describe(params)}`);
    }
    params.forEach((p, i) => {
      if (!(p instanceof Parameter)) {
        throw new TypeError(`${name}: params[${i}] must be a Parameter (pass model.parameters()), got ${describe(p)}`);
      }
    });
    if (params.length === 0) {
      throw new Error(`${name}: got an empty parameter list; pass model.parameters() of a model that has parameters`);
    }
    this.params = Array.from(new Set(params));
    this.learningRate = checkLr(name, lr);
    this.name = name;
  }

  get lr(): number {
    return this.learningRate;
  }

  set lr(value: number) {
    this.learningRate = checkLr(this.name, value);
  }

  /** Update every parameter once from its current gradient. */
  abstract step(): void;

  /** Set every gradient to zero (backward adds into grad, so clear it each step). */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  abstract toString(): string;
}

function checkLr(name: string, lr: number): number {
  if (typeof lr !== "number" || !(lr >= 0) || !Number.isFinite(lr)) {
    throw new RangeError(`${name}: learning rate lr must be a finite number ≥ 0, got ${describe(lr)}`);
  }
  return lr;
}

/** Throw unless `value` is a finite number in [low, high) (or [low, high] when `inclusive`). */
export function checkRange(where: string, what: string, value: number, low: number, high: number, inclusive = false): number {
  const ok = typeof value === "number" && value >= low && (inclusive ? value <= high : value < high);
  if (!ok) {
    const range = `[${low}, ${high === Infinity ? "∞" : high}${inclusive ? "]" : ")"}`;
    throw new RangeError(`${where}: ${what} must be in ${range}, got ${describe(value)}`);
  }
  return value;
}
