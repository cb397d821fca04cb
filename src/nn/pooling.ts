import { emptyFloat64, Tensor } from "../tensor/tensor";
import { backend } from "../tensor/backend";
import { outputSize } from "../tensor/im2col";
import { checkGradTensor, checkImages, savedForBackward } from "./image-checks";
import { Module } from "./module";

/** What both pools share, as PyTorch's _MaxPoolNd / _AvgPoolNd: a k×k window and its stride (default k), checked. */
abstract class Pool2d extends Module<Tensor, Tensor> {
  readonly kernelSize: number;
  readonly stride: number;

  constructor(kernelSize: number, stride?: number) {
    super();
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    for (const [name, v] of [["kernelSize", this.kernelSize], ["stride", this.stride]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${new.target.name}: ${name} must be an integer ≥ 1, got ${v}`);
    }
  }

  toString(): string {
    return `${this.constructor.name}(kernelSize=${this.kernelSize}${this.stride !== this.kernelSize ? `, stride=${this.stride}` : ""})`;
  }
}

/** The output shape [N, C, OH, OW] of a pooling window k with this stride (no padding). */
function pooledShape(layer: string, x: Tensor, k: number, stride: number): [number, number, number, number] {
  const [N, C, H, W] = x.shape;
  const OH = outputSize(H, k, stride, 0), OW = outputSize(W, k, stride, 0);
  if (OH < 1 || OW < 1) throw new RangeError(`${layer}.forward: a ${k}×${k} window does not fit in a ${H}×${W} image (input ${x.shapeString()})`);
  return [N, C, OH, OW];
}

/**
 * Max pooling, PyTorch's nn.MaxPool2d(kernelSize, stride = kernelSize): every
 * output is the largest of a k×k window of its channel, or NaN when the window
 * holds one. The gradient flows only to that input (the first one, in reading
 * order, on a tie; the last NaN, as PyTorch's).
 */
export class MaxPool2d extends Pool2d {
  /** Run forward/backward as the backend's passes (default true; the same numbers, bit for bit); false runs the loops below, the reference the tests compare with. */
  fastPath = true;
  private saved: { argmax: Int32Array; planeIndex?: boolean; inputShape: readonly number[]; outputShape: readonly number[] } | null = null;

  forward(x: Tensor): Tensor {
    checkImages(this.toString(), x);
    const [N, C, OH, OW] = pooledShape(this.toString(), x, this.kernelSize, this.stride);
    if (this.fastPath) return this.forwardFast(x, [N, C, OH, OW]); // same numbers, one backend pass (see the end)
    const [H, W] = [x.shape[2], x.shape[3]];
    const y = new Tensor([N, C, OH, OW]);
    const argmax = new Int32Array(y.size); // where each output came from (a flat index into x)
    for (let nc = 0; nc < N * C; nc++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let best = -Infinity, at = -1;
          for (let i = 0; i < this.kernelSize; i++) {
            for (let j = 0; j < this.kernelSize; j++) {
              const idx = (nc * H + oy * this.stride + i) * W + ox * this.stride + j;
              if (at < 0 || x.data[idx] > best || Number.isNaN(x.data[idx])) [best, at] = [x.data[idx], idx]; // a NaN wins, as in PyTorch
            }
          }
          const o = (nc * OH + oy) * OW + ox;
          y.data[o] = best;
          argmax[o] = at;
        }
      }
    }
    this.saved = { argmax, inputShape: x.shape, outputShape: y.shape };
    return y;
  }

  /** dx = dy at the position of each window's maximum, 0 elsewhere (summed where windows overlap). */
  backward(dy: Tensor): Tensor {
    const { argmax, inputShape, outputShape } = savedForBackward(this.toString(), this.saved);
    checkGradTensor(this.toString(), dy, outputShape);
    if (this.saved!.planeIndex) return this.backwardFast(dy); //          the fast path's argmax: one backend pass
    const dx = new Tensor(inputShape);
    for (let o = 0; o < dy.size; o++) dx.data[argmax[o]] += dy.data[o];
    return dx;
  }

  // ---- fast path: the same windows through the backend (maxPool2d, maxPool2dBackward) ----
  // Its argmax is a position within the image plane (iy·W + ix).

  private argmaxArray: Int32Array | null = null;

  private forwardFast(x: Tensor, shape: [number, number, number, number]): Tensor {
    const [N, C, H, W] = x.shape;
    const y = new Tensor(shape, emptyFloat64(shape.reduce((a, b) => a * b, 1))); // maxPool2d writes every entry
    if (this.argmaxArray === null || this.argmaxArray.length !== y.size) this.argmaxArray = new Int32Array(y.size);
    const argmax = this.argmaxArray; // only backward reads it, and only the last forward pass's: every pass writes the same array
    backend().maxPool2d(x.data, y.data, argmax, N, C, H, W, this.kernelSize, this.stride);
    this.saved = { argmax, planeIndex: true, inputShape: x.shape, outputShape: y.shape };
    return y;
  }

  private backwardFast(dy: Tensor): Tensor {
    const { argmax, inputShape } = this.saved!;
    const [N, C, H, W] = inputShape;
    const dx = new Tensor(inputShape, emptyFloat64(N * C * H * W)); // maxPool2dBackward zeroes it first
    backend().maxPool2dBackward(dy.data, argmax, dx.data, N, C, H, W, this.kernelSize, this.stride);
    return dx;
  }
}

/**
 * Average pooling, PyTorch's nn.AvgPool2d(kernelSize, stride = kernelSize): every
 * output is the mean of a k×k window; each input of the window gets 1/k² of its gradient.
 */
export class AvgPool2d extends Pool2d {
  private saved: { inputShape: readonly number[]; outputShape: readonly number[] } | null = null;

  forward(x: Tensor): Tensor {
    checkImages(this.toString(), x);
    const [N, C, OH, OW] = pooledShape(this.toString(), x, this.kernelSize, this.stride);
    const [H, W] = [x.shape[2], x.shape[3]];
    const k = this.kernelSize;
    const y = new Tensor([N, C, OH, OW]);
    for (let nc = 0; nc < N * C; nc++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let sum = 0;
          for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sum += x.data[(nc * H + oy * this.stride + i) * W + ox * this.stride + j];
          y.data[(nc * OH + oy) * OW + ox] = sum / (k * k);
        }
      }
    }
    this.saved = { inputShape: x.shape, outputShape: y.shape };
    return y;
  }

  backward(dy: Tensor): Tensor {
    const { inputShape, outputShape } = savedForBackward(this.toString(), this.saved);
    checkGradTensor(this.toString(), dy, outputShape);
    const [N, C, H, W] = inputShape;
    const [OH, OW] = [outputShape[2], outputShape[3]];
    const k = this.kernelSize;
    const dx = new Tensor(inputShape);
    for (let nc = 0; nc < N * C; nc++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const g = dy.data[(nc * OH + oy) * OW + ox] / (k * k);
          for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) dx.data[(nc * H + oy * this.stride + i) * W + ox * this.stride + j] += g;
        }
      }
    }
    return dx;
  }
}
