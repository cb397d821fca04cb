import { Matrix, checkMatrix } from "../tensor/matrix";
import { describe } from "../validate/checks";
import { Tensor, type Value } from "../tensor/tensor";
import { AnyModule, BackwardOptions, Module } from "./module";
import { Intermediates } from "./reuse";

/**
 * Layers applied one after another. `train()` and `eval()` reach every layer;
 * parameters are named by position ("0.weight", "1.running_mean"), as in PyTorch.
 *
 * X and Y are the kinds that go in and come out (default Matrix → Matrix); a
 * convolutional network that takes images and returns logits is
 * `new Sequential<Tensor, Matrix>(conv, bn, relu, pool, new Flatten(), linear)`.
 * Each layer checks at run time that it receives the kind and shape it expects.
 */
export class Sequential<X extends Value = Matrix, Y extends Value = X> extends Module<X, Y> {
  readonly layers: AnyModule[];
  /** The values between the layers that nothing reads any more, whose memory the next ones reuse (reuse.ts). */
  private readonly intermediates: Intermediates;

  constructor(...layers: AnyModule[]) {
    super();
    layers.forEach((layer, i) => {
      if (!(layer instanceof Module)) {
        const hint = Array.isArray(layer) ? " (spread an array of layers: new Sequential(...layers))" : " such as new Linear(4, 2) or new ReLU()";
        throw new TypeError(`Sequential: layer ${i} must be a layer (a Module)${hint}, got ${describe(layer)}`);
      }
    });
    this.layers = layers;
    this.intermediates = new Intermediates(layers);
  }

  forward(x: X): Y {
    if (!(x instanceof Tensor)) checkMatrix("Sequential.forward", "x", x);
    let h: Value = x;
    const outputs: Value[] = [];
    this.layers.forEach((layer, i) => {
      try {
        h = layer.forward(h);
      } catch (e) {
        this.intermediates.forwardDone([]);
        throw withLayerContext(e, i);
      }
      outputs.push(h);
      this.intermediates.forwardStep(i); // the last pass's value into layer i is not read any more: its memory is reused
    });
    this.intermediates.forwardDone(outputs);
    return h as Y; // what the last layer returns: Y by the declaration of this Sequential
  }

  /**
   * Backpropagate through the layers, last to first. With `{ inputGrad: false }`
   * (as fit does: the data needs no gradient) the first layer is told so, may skip
   * ∂loss/∂input, and the result is null; the parameters' gradients are the same.
   */
  backward(dy: Y): X;
  backward(dy: Y, options: BackwardOptions): X | null;
  backward(dy: Y, options: BackwardOptions = {}): X | null {
    let g: Value | null = dy;
    for (let i = this.layers.length - 1; i >= 0 && g !== null; i--) {
      const gradient: Value = g;
      try {
        g = i > 0 ? this.layers[i].backward(gradient) : this.layers[i].backward(gradient, options); // only the first layer's input is the data
      } catch (e) {
        throw withLayerContext(e, i);
      }
      this.intermediates.backwardStep(i, gradient); // the gradient layer i + 1 gave is not read any more: its memory is reused
    }
    return options.inputGrad === false ? null : (g as X); // the first layer's input gradient: X
  }

  children(): AnyModule[] {
    return this.layers;
  }

  /** The layer at position i. */
  at(i: number): AnyModule {
    const layer = typeof i === "number" && Number.isInteger(i) && i >= 0 ? this.layers[i] : undefined;
    if (!layer) {
      throw new RangeError(`Sequential: no layer ${describe(i)} (it has ${this.layers.length}); at(i) takes an index in [0, ${this.layers.length})`);
    }
    return layer;
  }

  get length(): number {
    return this.layers.length;
  }

  toString(): string {
    return `Sequential(${this.layers.map((l) => l.toString()).join(", ")})`;
  }

  /** One layer a line, PyTorch style. */
  summary(): string {
    const lines = this.layers.map((l, i) => `  (${i}): ${l.toString()}`);
    return `Sequential(\n${lines.join("\n")}\n)  — ${this.numParameters().toLocaleString("en-US")} parameters`;
  }
}

/** Prefix the layer's position; nested Sequentials give a path like parameter names: "Sequential layer 3.1: …". */
function withLayerContext(e: unknown, index: number): unknown {
  if (e instanceof Error) {
    const inner = /^Sequential layer ([\d.]+): /.exec(e.message);
    e.message = inner
      ? `Sequential layer ${index}.${inner[1]}: ${e.message.slice(inner[0].length)}`
      : `Sequential layer ${index}: ${e.message}`;
  }
  return e;
}
