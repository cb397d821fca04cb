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
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { MaxPool2d } from "../src/nn/pooling";
import { Flatten } from "../src/nn/flatten";
import { Linear } from "../src/nn/linear";
import { ReLU } from "../src/nn/activations";
import { AnyModule } from "../src/nn/module";
import { Sequential } from "../src/nn/sequential";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { SGD } from "../src/optim/sgd";
import { Rng } from "../src/random/rng";
import type { ImageBatch, Step } from "./train-bench";

export const CNN_BATCH = 64;
export const CNN_LR = 0.05;

/** The LeNet-style CNN, with BatchNorm2d after each convolution when bn. */
export function lenet(bn: boolean, rng = new Rng("bench/lenet")): Sequential<Tensor, Matrix> {
  const layers: AnyModule[] = [new Conv2d(1, 6, 5, { padding: 2, rng })];
  if (bn) layers.push(new BatchNorm2d(6));
  layers.push(new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, 5, { rng }));
  if (bn) layers.push(new BatchNorm2d(16));
  layers.push(new ReLU(), new MaxPool2d(2), new Flatten());
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
