import { checkMatrix, Matrix } from "../tensor/matrix";
import type { Value } from "../tensor/tensor";
import { ShapeError } from "../tensor/shape-error";
import { Parameter } from "./parameter";
import { savedForBackward } from "./image-checks";
import { describe } from "../validate/checks";

/** Options of backward. */
export interface BackwardOptions {
  /**
   * Compute ∂loss/∂input (default true). Training needs no gradient for the
   * data: with `false` the layers that can skip it do (a Linear saves its
   * dy·W product, a third of its work), and backward returns null, as PyTorch
   * computes no gradient for an input with requires_grad = False.
   */
  inputGrad?: boolean;
}

/** A layer of any input and output kind (what Sequential holds). */
export type AnyModule = Module<Value, Value>;

/** Saved parameters and buffers, keyed like PyTorch's state_dict ("0.weight", "1.running_mean", …). */
export type StateDict = Record<string, number[]>;

/**
 * The base of every layer, after PyTorch's nn.Module.
 *
 * - `forward(x)` computes the output and remembers what backward needs.
 * - `backward(dy)` takes ∂loss/∂output, accumulates ∂loss/∂parameter into each
 *   parameter's `grad`, and returns ∂loss/∂input. `backward(dy, { inputGrad: false })`
 *   may skip ∂loss/∂input (and then returns null): training needs no gradient for the data.
 * - `train()` / `eval()` flip `training` here and in every child.
 *
 * X and Y are what goes in and comes out: a Matrix (rows = examples) for the
 * MLP layers (the default), a Tensor ([N, C, H, W] images) for Conv2d,
 * BatchNorm2d, MaxPool2d, …; Flatten takes a Tensor and gives a Matrix.
 */
export abstract class Module<X extends Value = Matrix, Y extends Value = X> {
  /** True in training mode (batch statistics), false in evaluation mode. */
  training = true;

  abstract forward(x: X): Y;
  abstract backward(dy: Y): X;
  abstract backward(dy: Y, options: BackwardOptions): X | null;
  /** A short description, e.g. "BatchNorm1d(100, eps=1e-5, momentum=0.1)". */
  abstract toString(): string;

  /** Sub-modules, for containers. */
  children(): AnyModule[] {
    return [];
  }

  /** This module and every module inside it, depth first (PyTorch's `modules()`). */
  modules(): AnyModule[] {
    return [this as AnyModule, ...this.children().flatMap((child) => child.modules())];
  }

  /** Parameters owned by this module itself, by name ("weight", "bias"). */
  ownParameters(): Parameter[] {
    return [];
  }

  /** Buffers: state that is saved but not learned by gradient descent (running_mean, …). */
  ownBuffers(): Array<[string, Matrix]> {
    return [];
  }

  /** All parameters of this module and its children. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedParameters(prefix = ""): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = this.ownParameters().map((p) => [prefix + p.name, p]);
    this.children().forEach((child, i) => out.push(...child.namedParameters(`${prefix}${i}.`)));
    return out;
  }

  namedBuffers(prefix = ""): Array<[string, Matrix]> {
    const out: Array<[string, Matrix]> = this.ownBuffers().map(([name, m]) => [prefix + name, m]);
    this.children().forEach((child, i) => out.push(...child.namedBuffers(`${prefix}${i}.`)));
    return out;
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Training mode (the default); with `false` the same as eval(). Returns this, like PyTorch. */
  train(mode = true): this {
    if (typeof mode !== "boolean") {
      throw new TypeError(`${this.toString()}.train: mode must be true (training) or false (evaluation, same as eval()), got ${describe(mode)}`);
    }
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode: normalization layers use their running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Number of learnable numbers. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.value.size, 0);
  }

  /** Parameters and buffers as plain arrays, keyed like PyTorch ("2.running_var"). */
  stateDict(): StateDict {
    const state: StateDict = {};
    for (const [name, p] of this.namedParameters()) state[name] = Array.from(p.value.data);
    for (const [name, b] of this.namedBuffers()) state[name] = Array.from(b.data);
    return state;
  }

  /**
   * Load what stateDict() saved; every key must be present, every size must
   * match and every entry must be a number. All or nothing: everything is
   * checked before the first value is written, so a bad state leaves the model
   * as it was.
   */
  loadStateDict(state: StateDict): void {
    const where = `loadStateDict(${this.toString()})`;
    if (state === null || typeof state !== "object" || Array.isArray(state)) {
      throw new TypeError(
        `${where}: expected an object mapping names ("0.weight", "1.running_mean", …) to arrays of numbers, as stateDict() returns, got ${describe(state)}`,
      );
    }
    const targets: Array<[string, Matrix]> = [
      ...this.namedParameters().map(([n, p]): [string, Matrix] => [n, p.value]),
      ...this.namedBuffers(),
    ];
    const expected = new Set(targets.map(([n]) => n));
    const unexpected = Object.keys(state).filter((k) => !expected.has(k));
    if (unexpected.length > 0) {
      throw new Error(
        `loadStateDict: unexpected keys ${unexpected.join(", ")} for ${this.toString()}; expected exactly ${[...expected].join(", ") || "no keys"}`,
      );
    }
    for (const [name, m] of targets) {
      const values: unknown = state[name];
      if (values === undefined) {
        throw new Error(`loadStateDict: missing key "${name}" for ${this.toString()}; a state of this model has ${[...expected].join(", ")}`);
      }
      if (!Array.isArray(values) && !(values instanceof Float64Array)) {
        throw new TypeError(`loadStateDict("${name}"): expected an array of ${m.size} numbers (${m.shapeString()}), got ${describe(values)}`);
      }
      if (values.length !== m.size) {
        throw new ShapeError(`loadStateDict("${name}")`, `${m.size} values (${m.shapeString()})`, `${values.length} values`);
      }
      for (let i = 0; i < values.length; i++) {
        if (typeof values[i] !== "number") {
          throw new TypeError(`loadStateDict("${name}"): entry ${i} must be a number, got ${describe(values[i])}; nothing was loaded`);
        }
      }
    }
    for (const [name, m] of targets) m.data.set(state[name]); // every check passed: now write
  }

  /** Throw an actionable error unless x is a batch with `features` columns. */
  protected checkInput(x: Matrix, features: number): void {
    checkMatrix(`${this.toString()}.forward`, "x", x);
    if (x.cols !== features) {
      throw new ShapeError(
        `${this.toString()}.forward`,
        `[batch, ${features}]`,
        x.shapeString(),
        "Rows are examples and columns are features",
      );
    }
  }

  /** Throw unless forward ran before backward and dy has the output's shape. */
  protected checkGrad<T>(saved: T | null, dy: Matrix, rows: number, cols: number): T {
    checkMatrix(`${this.toString()}.backward`, "dy", dy);
    const forwarded = savedForBackward(this.toString(), saved);
    if (dy.rows !== rows || dy.cols !== cols) {
      throw new ShapeError(`${this.toString()}.backward`, `dy of shape [${rows}, ${cols}] (the output's shape)`, dy.shapeString());
    }
    return forwarded;
  }
}
