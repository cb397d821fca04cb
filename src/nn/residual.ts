import { Tensor } from "../tensor/tensor";
import { AnyModule, BackwardOptions, Module } from "./module";
import { Sequential } from "./sequential";
import { Conv2d } from "./conv2d";
import { BatchNorm2d } from "./batchnorm2d";
import { GroupNorm } from "./groupnorm";
import { ReLU } from "./activations";
import { Rng } from "../random/rng";
import { checkRng } from "./layer-checks";
import { checkGradTensor, checkImages, savedForBackward } from "./image-checks";
import { checkInteger, checkOneOf, checkOptions, describe } from "../validate/checks";

/**
 * A residual connection (He et al. 2016): y = x + body(x). The body must keep
 * the shape. Backward adds the two paths: dx = dy + body.backward(dy) — the
 * identity path carries the gradient through unchanged however deep the
 * network is, which is why residual networks train without BN too.
 */
export class Residual extends Module<Tensor, Tensor> {
  readonly body: Module<Tensor, Tensor>;
  private shape: readonly number[] | null = null;

  constructor(body: Module<Tensor, Tensor>) {
    super();
    if (!(body instanceof Module)) throw new TypeError(`Residual: body must be a layer (a Module), got ${describe(body)}`);
    this.body = body;
  }

  forward(x: Tensor): Tensor {
    checkImages(this.toString(), x);
    const fx = this.body.forward(x);
    if (!fx.sameShape(x)) {
      throw new Error(`Residual: the body must keep the shape to be added to its input (${x.shapeString()}), but it returned ${fx.shapeString()}; use padding = (kernelSize − 1)/2 and stride 1`);
    }
    this.shape = x.shape;
    return x.add(fx); //                                     y = x + F(x)
  }

  backward(dy: Tensor): Tensor;
  backward(dy: Tensor, options: BackwardOptions): Tensor | null;
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor | null {
    checkGradTensor(this.toString(), dy, savedForBackward(this.toString(), this.shape));
    const dBody = this.body.backward(dy); //                 ∂L/∂x through F
    if (options.inputGrad === false) return null;
    return dy.add(dBody); //                                 dx = dy + ∂L/∂x through F
  }

  children(): Module<Tensor, Tensor>[] {
    return [this.body];
  }

  toString(): string {
    return `Residual(${this.body.toString()})`;
  }
}

export interface BasicBlockOptions {
  /** The normalization after each convolution (default "batch"). */
  norm?: "batch" | "group" | "none";
  /** Groups of GroupNorm (default 2). */
  groups?: number;
  rng?: Rng;
}

/**
 * ResNet's basic block with an identity shortcut, keeping `channels` and the image size:
 *   ReLU(x + norm(conv3×3(ReLU(norm(conv3×3(x))))))
 * Convolutions have no bias when a normalization follows (its β does that job).
 */
export function basicBlock(channels: number, options: BasicBlockOptions = {}): Sequential<Tensor> {
  const where = "basicBlock";
  checkInteger(where, "channels", channels, { min: 1 });
  checkOptions(where, options);
  const norm = checkOneOf(where, "norm", options.norm ?? "batch", ["batch", "group", "none"] as const);
  const groups = checkInteger(where, "groups", options.groups ?? 2, { min: 1 });
  if (norm === "group" && channels % groups !== 0) throw new RangeError(`${where}: groups (${groups}) must divide channels (${channels}) for GroupNorm`);
  const rng = checkRng(where, options.rng);
  const normLayer = (): AnyModule[] =>
    norm === "batch" ? [new BatchNorm2d(channels)] : norm === "group" ? [new GroupNorm(groups, channels)] : [];
  const conv = () => new Conv2d(channels, channels, 3, { padding: 1, bias: norm === "none", rng });
  const body = new Sequential<Tensor>(conv(), ...normLayer(), new ReLU(), conv(), ...normLayer());
  return new Sequential<Tensor>(new Residual(body), new ReLU());
}
