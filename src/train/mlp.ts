import { Module } from "../nn/module";
import { Sequential } from "../nn/sequential";
import { Linear } from "../nn/linear";
import { ReLU, Sigmoid, Tanh } from "../nn/activations";
import { BatchNorm1d } from "../nn/batchnorm";
import { LayerNorm } from "../nn/layernorm";
import { GroupNorm } from "../nn/groupnorm";
import { BatchRenorm1d } from "../nn/batchrenorm";
import { Init } from "../random/init";
import { Rng } from "../random/rng";
import { checkBoolean, checkInteger, checkNumber, checkOneOf, describe } from "../validate/checks";

export type Activation = "sigmoid" | "relu" | "tanh";
export type NormKind = "batch" | "layer" | "group" | "renorm" | "none";

export interface MlpOptions {
  /** Layer widths from input to output, e.g. [784, 100, 100, 100, 10]. */
  sizes: number[];
  /** The nonlinearity after every hidden layer (default "sigmoid"). */
  activation?: Activation;
  /** Shorthand for norm: "batch" (default false). */
  batchNorm?: boolean;
  /** Normalization between each hidden Linear and its activation (default "none", or "batch" with batchNorm). */
  norm?: NormKind;
  /** Groups of GroupNorm (default: the largest divisor of the width that is ≤ 10). */
  groups?: number;
  /** Weight initialization (default: PyTorch's). */
  init?: Init;
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /** Biases in the Linear layers (default true, as in PyTorch; before a norm layer β makes them redundant). */
  bias?: boolean;
}

/**
 * A multilayer perceptron as a Sequential: for every hidden layer
 * Linear → [norm] → activation, then a final Linear that outputs the logits.
 *
 *   mlp({ sizes: [784, 100, 100, 100, 10], activation: "sigmoid", batchNorm: true })
 *   // Sequential(Linear(784→100), BatchNorm1d(100, …), Sigmoid, …, Linear(100→10))
 */
export function mlp(options: MlpOptions): Sequential {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`mlp: expected options with the layer widths, e.g. mlp({ sizes: [784, 100, 10] }), got ${describe(options)}`);
  }
  const { sizes } = options;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new RangeError(
      `mlp: sizes must list at least 2 widths (input … output), integers ≥ 1, got ${Array.isArray(sizes) ? `[${sizes.map((s) => describe(s)).join(", ")}]` : describe(sizes)}; e.g. [784, 100, 10]`,
    );
  }
  const norm = resolveNorm(options);
  const activation = checkOneOf("mlp", "activation", options.activation ?? "sigmoid", Object.keys(ACTIVATIONS) as Activation[]);
  if (options.groups !== undefined) checkInteger("mlp", "groups", options.groups, { min: 1 });
  if (options.seed !== undefined) checkNumber("mlp", "seed", options.seed);
  checkBoolean("mlp", "batchNorm", options.batchNorm, false);
  checkBoolean("mlp", "bias", options.bias, true);
  const rng = new Rng(`mlp/${options.seed ?? 0}`);
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const isHidden = i + 2 < sizes.length;
    layers.push(new Linear(sizes[i], sizes[i + 1], { bias: options.bias ?? true, init: options.init, rng }));
    if (!isHidden) break;
    const normLayer = makeNorm(norm, sizes[i + 1], options.groups);
    if (normLayer) layers.push(normLayer);
    layers.push(ACTIVATIONS[activation]());
  }
  return new Sequential(...layers);
}

function resolveNorm(options: MlpOptions): NormKind {
  if (options.batchNorm !== undefined && options.norm !== undefined && (options.norm === "batch") !== options.batchNorm) {
    throw new Error(`mlp: batchNorm: ${options.batchNorm} contradicts norm: "${options.norm}"; give one of them`);
  }
  const norm = options.norm ?? (options.batchNorm ? "batch" : "none");
  const kinds: NormKind[] = ["batch", "layer", "group", "renorm", "none"];
  checkOneOf("mlp", "norm", norm, kinds);
  return norm;
}

function makeNorm(norm: NormKind, width: number, groups?: number): Module | null {
  switch (norm) {
    case "batch":
      return new BatchNorm1d(width);
    case "layer":
      return new LayerNorm(width);
    case "group":
      return new GroupNorm(groups ?? largestDivisorUpTo(width, 10), width);
    case "renorm":
      return new BatchRenorm1d(width);
    case "none":
      return null;
  }
}

const ACTIVATIONS: Record<Activation, () => Module> = {
  sigmoid: () => new Sigmoid(),
  relu: () => new ReLU(),
  tanh: () => new Tanh(),
};

function largestDivisorUpTo(n: number, max: number): number {
  for (let d = Math.min(n, max); d > 1; d--) if (n % d === 0) return d;
  return 1;
}
