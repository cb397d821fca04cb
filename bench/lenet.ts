/**
 * The CNN of `npm run bench`, built from the library's layers as
 * bench/torch_bench.py's make_cnn: d2l's LeNet with ReLU and max pooling,
 *
 *   Conv2d(1→6, 5, padding 2) → [BatchNorm2d(6)] → ReLU → MaxPool2d(2)
 *   → Conv2d(6→16, 5) → [BatchNorm2d(16)] → ReLU → MaxPool2d(2)
 *   → Flatten (400) → Linear 120 → ReLU → Linear 84 → ReLU → Linear 10,
 *
 * trained with cross-entropy and plain SGD on batches of 64 images, float64.
 */
import { Matrix } from "../src/tensor/matrix";
import { Tensor } from "../src/tensor/tensor";
import { kernel } from "../src/tensor/kernel";
import { Conv2d } from "../src/nn/conv2d";
import { Flatten } from "../src/nn/flatten";
import { Linear } from "../src/nn/linear";
import { ReLU } from "../src/nn/activations";
import { AnyModule, Module } from "../src/nn/module";
import { Parameter } from "../src/nn/parameter";
import { Sequential } from "../src/nn/sequential";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { SGD } from "../src/optim/sgd";
import { Rng } from "../src/random/rng";
import type { ImageBatch, Step } from "./train-bench";

export const CNN_BATCH = 64;
export const CNN_LR = 0.05;

// PROVISIONAL stand-ins (kernel calls) until the library's BatchNorm2d and MaxPool2d land.
class StandInBatchNorm2d extends Module<Tensor, Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter;
  private saved: { xhat: Float64Array; invStd: Float64Array; shape: readonly number[] } | null = null;
  constructor(readonly c: number) {
    super();
    this.weight = new Parameter("weight", Matrix.row(new Array<number>(c).fill(1)));
    this.bias = new Parameter("bias", Matrix.row(new Array<number>(c).fill(0)));
  }
  forward(x: Tensor): Tensor {
    const [n, c, h, w] = x.shape;
    const mean = new Float64Array(c), variance = new Float64Array(c);
    kernel().batchNorm2dStats(x.data, mean, variance, n, c, h * w);
    const invStd = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
    const xhat = new Float64Array(x.size), y = new Tensor(x.shape);
    kernel().batchNorm2dNormalize(x.data, mean, invStd, this.weight.value.data, this.bias.value.data, xhat, y.data, n, c, h * w);
    this.saved = { xhat, invStd, shape: x.shape };
    return y;
  }
  backward(dy: Tensor): Tensor {
    const { xhat, invStd, shape } = this.saved!;
    const [n, c, h, w] = shape;
    const dx = new Tensor(shape);
    kernel().batchNorm2dBackward(dy.data, xhat, invStd, this.weight.value.data, this.weight.grad.data, this.bias.grad.data, dx.data, n, c, h * w, true);
    return dx;
  }
  ownParameters(): Parameter[] {
    return [this.weight, this.bias];
  }
  toString(): string {
    return `BatchNorm2d(${this.c})`;
  }
}

class StandInMaxPool2d extends Module<Tensor, Tensor> {
  private saved: { argmax: Int32Array; shape: readonly number[] } | null = null;
  forward(x: Tensor): Tensor {
    const [n, c, h, w] = x.shape;
    const y = new Tensor([n, c, Math.floor(h / 2), Math.floor(w / 2)]), argmax = new Int32Array(y.size);
    kernel().maxPool2d(x.data, y.data, argmax, n, c, h, w, 2, 2);
    this.saved = { argmax, shape: x.shape };
    return y;
  }
  backward(dy: Tensor): Tensor {
    const { argmax, shape } = this.saved!;
    const dx = new Tensor(shape);
    kernel().maxPool2dBackward(dy.data, argmax, dx.data, shape[0], shape[1], shape[2], shape[3], 2, 2);
    return dx;
  }
  toString(): string {
    return "MaxPool2d(2)";
  }
}

/** The LeNet-style CNN, with BatchNorm2d after each convolution when bn. */
export function lenet(bn: boolean, rng = new Rng("bench/lenet")): Sequential<Tensor, Matrix> {
  const layers: AnyModule[] = [new Conv2d(1, 6, 5, { padding: 2, rng })];
  if (bn) layers.push(new StandInBatchNorm2d(6));
  layers.push(new ReLU(), new StandInMaxPool2d(), new Conv2d(6, 16, 5, { rng }));
  if (bn) layers.push(new StandInBatchNorm2d(16));
  layers.push(new ReLU(), new StandInMaxPool2d(), new Flatten());
  layers.push(new Linear(400, 120, { rng }), new ReLU(), new Linear(120, 84, { rng }), new ReLU(), new Linear(84, 10, { rng }));
  return new Sequential<Tensor, Matrix>(...layers);
}

/** One training step per call, on batch k mod batches.length: zeroGrad → forward → loss → backward (no input gradient) → SGD. */
export function makeLenetStep(bn: boolean, batches: ImageBatch[]): Step {
  const model = lenet(bn).train();
  const lossFn = new CrossEntropyLoss();
  const opt = new SGD(model.parameters(), { lr: CNN_LR });
  const images = batches.map(({ x, y }) => ({ x: new Tensor([x.length / 784, 1, 28, 28], x), y }));
  return (k) => {
    const { x, y } = images[k % images.length];
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    model.backward(lossFn.backward(), { inputGrad: false });
    opt.step();
    return loss;
  };
}
