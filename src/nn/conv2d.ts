import { Matrix } from "../tensor/matrix";
import { Tensor } from "../tensor/tensor";
import { col2im, im2col, outputSize } from "../tensor/im2col";
import { checkInit, Init, initWeights, pytorchInit } from "../random/init";
import { Rng } from "../random/rng";
import { BackwardOptions, Module } from "./module";
import { Parameter } from "./parameter";
import { checkBoolean, checkOptions, checkRng, checkSize } from "./layer-checks";
import { checkInteger } from "../validate/checks";
import { checkGradTensor, checkImages, savedForBackward } from "./image-checks";
import { sumPerChannel } from "./channels";
import { conv2dBackwardFast, conv2dForwardFast, ConvGeometry } from "../tensor/conv2d-fast";
import { addChannelBias } from "../tensor/conv-passes";

export interface Conv2dOptions {
  /** Step between neighbouring output positions (default 1). */
  stride?: number;
  /** Zeros added on every side of the image (default 0). */
  padding?: number;
  /** Add a learnable bias per output channel (default true). Before BatchNorm2d it is redundant: β does its job. */
  bias?: boolean;
  /** How to draw the initial weights (default: PyTorch's U(−1/√fanIn, 1/√fanIn), fanIn = inChannels·k·k). */
  init?: Init;
  /** The random generator for the initial weights (default: a fixed seed). */
  rng?: Rng;
}

/** What forward keeps for backward. */
interface Saved {
  cols: Float64Array | null; // im2col(x): [N, C·k·k, OH·OW] (null on the fast path, which keeps x instead)
  x?: Tensor; // the input, on the fast path
  inputShape: readonly number[];
  outputShape: readonly number[];
}

/**
 * A 2-D convolution, PyTorch's nn.Conv2d (square kernel, NCHW):
 *
 *   y[n, o, oy, ox] = b[o] + Σ_{c, i, j} W[o, c, i, j] · x[n, c, oy·stride − padding + i, ox·stride − padding + j]
 *
 * Every output channel o is ONE feature detector (the k×k weights W[o]) applied at
 * every position of the image: that is why BatchNorm2d keeps one μ and σ² per
 * channel, over all images AND positions.
 *
 * It reads like Linear: im2col lays every k×k patch of image n out as a column, so
 * that the convolution is the product W·cols (W as an out × C·k·k matrix),
 * and backward is Linear's backward on those columns:
 *   ∂L/∂W += Σₙ dyₙ·colsₙᵀ,  ∂L/∂b += Σ dy,  ∂L/∂colsₙ = Wᵀ·dyₙ, then col2im (adds each column back onto its pixels).
 *
 * `weight.value` is the (out × in·k·k) matrix; its numbers are PyTorch's
 * [out, in, k, k] weight in the same memory order.
 */
export class Conv2d extends Module<Tensor, Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  /** W, stored as (out × in·k·k): the same numbers, in the same order, as PyTorch's [out, in, k, k]. */
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  /** Run forward/backward through the backend, one image at a time (src/tensor/conv2d-fast.ts; default true); false runs the code below, the reference the tests compare with. */
  fastPath = true;
  private saved: Saved | null = null;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv2dOptions = {}) {
    super();
    checkSize("Conv2d", "inChannels", inChannels);
    checkSize("Conv2d", "outChannels", outChannels);
    checkSize("Conv2d", "kernelSize", kernelSize);
    checkOptions("Conv2d", options);
    const stride = checkSize("Conv2d", "stride", options.stride ?? 1);
    const padding = checkInteger("Conv2d", "padding", options.padding ?? 0);
    const hasBias = checkBoolean("Conv2d", "bias", options.bias, true);
    const init = options.init === undefined ? pytorchInit() : checkInit("Conv2d", options.init);
    const rng = checkRng("Conv2d", options.rng);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
    const fanIn = inChannels * kernelSize * kernelSize;
    this.weight = new Parameter("weight", initWeights(fanIn, outChannels, init, rng));
    const a = 1 / Math.sqrt(fanIn); // PyTorch's bias: U(−1/√fanIn, 1/√fanIn); with an explicit init, zeros
    const b = init.kind === "pytorch" ? Array.from({ length: outChannels }, () => rng.uniform(-a, a)) : new Array<number>(outChannels).fill(0);
    this.bias = !hasBias ? null : new Parameter("bias", Matrix.row(b));
  }

  /** The output's [OH, OW] for an H × W input: ⌊(H + 2·padding − k) / stride⌋ + 1 each. */
  outputSize(height: number, width: number): [number, number] {
    return [outputSize(height, this.kernelSize, this.stride, this.padding), outputSize(width, this.kernelSize, this.stride, this.padding)];
  }

  forward(x: Tensor): Tensor {
    const [N, C, H, W] = checkImages(this.toString(), x, this.inChannels).shape;
    const k = this.kernelSize;
    const [OH, OW] = this.outputSize(H, W);
    if (OH < 1 || OW < 1) {
      throw new RangeError(`${this.toString()}.forward: a ${k}×${k} kernel does not fit in a ${H}×${W} image with padding ${this.padding}; use a larger image, more padding or a smaller kernel`);
    }
    if (this.fastPath) return this.forwardFast(x); //                      same numbers, backend passes (see the end)
    const P = OH * OW, K = C * k * k;
    const cols = new Float64Array(N * K * P);
    im2col(x.data, cols, N, C, H, W, k, k, this.stride, this.padding); //    every k×k patch as a column
    const y = new Tensor([N, this.outChannels, OH, OW]);
    for (let n = 0; n < N; n++) {
      const yn = this.weight.value.matmul(columnsOf(cols, n, K, P)); //     yₙ = W·colsₙ   (out × OH·OW)
      y.data.set(yn.data, n * this.outChannels * P);
    }
    if (this.bias) addChannelBias(y.data, this.bias.value.data, N, this.outChannels, P); // + b[o] at every position
    this.saved = { cols, inputShape: x.shape, outputShape: y.shape };
    return y;
  }

  /** With `{ inputGrad: false }` only the parameters' gradients are computed, and the result is null. */
  backward(dy: Tensor): Tensor;
  backward(dy: Tensor, options: BackwardOptions): Tensor | null;
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor | null {
    const { cols, x, inputShape, outputShape } = savedForBackward(this.toString(), this.saved);
    checkGradTensor(this.toString(), dy, outputShape);
    if (cols === null) return this.backwardFast(x!, dy, options.inputGrad !== false);
    const [N, C, H, W] = inputShape;
    const k = this.kernelSize, O = this.outChannels;
    const P = outputShape[2] * outputShape[3], K = C * k * k;
    for (let n = 0; n < N; n++) {
      const dyn = new Matrix(O, P, dy.data.subarray(n * O * P, (n + 1) * O * P));
      this.weight.grad.addInPlace(dyn.matmulTransB(columnsOf(cols, n, K, P))); //  ∂L/∂W += dyₙ·colsₙᵀ
    }
    if (this.bias) this.bias.grad.addInPlace(sumPerChannel(dy)); //                ∂L/∂b += Σ dy over n and positions
    if (options.inputGrad === false) return null;
    const dcols = new Float64Array(N * K * P);
    for (let n = 0; n < N; n++) {
      const dyn = new Matrix(O, P, dy.data.subarray(n * O * P, (n + 1) * O * P));
      dcols.set(this.weight.value.matmulTransA(dyn).data, n * K * P); //          ∂L/∂colsₙ = Wᵀ·dyₙ
    }
    const dx = new Tensor(inputShape);
    col2im(dcols, dx.data, N, C, H, W, k, k, this.stride, this.padding); //       each column back onto its pixels
    return dx;
  }

  // ---- fast path -----------------------------------------------------------
  // The same products as above, through the backend (src/tensor/backend.ts), one
  // image at a time so that its columns stay in the cache; backward unfolds the
  // image again instead of keeping every image's columns. Equal to the code
  // above but for the order of the bias gradient's sum (tested to 1e-12).

  private geometry(shape: readonly number[]): ConvGeometry {
    const [n, inChannels, h, w] = shape;
    const k = this.kernelSize;
    return { n, inChannels, h, w, outChannels: this.outChannels, kh: k, kw: k, stride: this.stride, padding: this.padding };
  }

  private forwardFast(x: Tensor): Tensor {
    const [OH, OW] = this.outputSize(x.shape[2], x.shape[3]);
    const data = conv2dForwardFast(x.data, this.weight.value.data, this.bias ? this.bias.value.data : null, this.geometry(x.shape));
    const y = new Tensor([x.shape[0], this.outChannels, OH, OW], data);
    this.saved = { cols: null, x, inputShape: x.shape, outputShape: y.shape };
    return y;
  }

  private backwardFast(x: Tensor, dy: Tensor, inputGrad: boolean): Tensor | null {
    const dBias = this.bias ? this.bias.grad.data : null;
    const dx = conv2dBackwardFast(x.data, dy.data, this.weight.value.data, this.weight.grad.data, dBias, this.geometry(x.shape), inputGrad);
    return dx === null ? null : new Tensor(x.shape, dx);
  }

  ownParameters(): Parameter[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  toString(): string {
    const opts = [`kernelSize=${this.kernelSize}`];
    if (this.stride !== 1) opts.push(`stride=${this.stride}`);
    if (this.padding !== 0) opts.push(`padding=${this.padding}`);
    if (!this.bias) opts.push("bias=false");
    return `Conv2d(${this.inChannels}→${this.outChannels}, ${opts.join(", ")})`;
  }
}

/** Image n's columns, a (K × P) view into cols. */
function columnsOf(cols: Float64Array, n: number, K: number, P: number): Matrix {
  return new Matrix(K, P, cols.subarray(n * K * P, (n + 1) * K * P));
}
