/**
 * The CNN of `npm run bench`: LeNet-style, as bench/torch_bench.py's make_cnn.
 * PROVISIONAL: kernel calls standing in for the library's Conv2d/BatchNorm2d
 * layers until those land (issue 15); the bench must train the real layers.
 */
import { kernel } from "../src/tensor/kernel";
import { conv2dForwardFast, conv2dBackwardFast, ConvGeometry } from "../src/tensor/conv2d-fast";
import { Matrix } from "../src/tensor/matrix";
import { Linear } from "../src/nn/linear";
import { ReLU } from "../src/nn/activations";
import { Sequential } from "../src/nn/sequential";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { SGD } from "../src/optim/sgd";
import { Rng } from "../src/random/rng";
import type { ImageBatch, Step } from "./train-bench";

export const CNN_BATCH = 64;
export const CNN_LR = 0.05;

export function makeLenetStep(bn: boolean, batches: ImageBatch[]): Step {
  const rng = new Rng("bench/lenet");
  const N = CNN_BATCH;
  const g1: ConvGeometry = { n: N, inChannels: 1, h: 28, w: 28, outChannels: 6, kh: 5, kw: 5, stride: 1, padding: 2 };
  const g2: ConvGeometry = { n: N, inChannels: 6, h: 14, w: 14, outChannels: 16, kh: 5, kw: 5, stride: 1, padding: 0 };
  const w1 = Float64Array.from({ length: 150 }, () => rng.uniform(-0.2, 0.2)), b1 = new Float64Array(6);
  const w2 = Float64Array.from({ length: 2400 }, () => rng.uniform(-0.08, 0.08)), b2 = new Float64Array(16);
  const dw1 = new Float64Array(150), db1 = new Float64Array(6), dw2 = new Float64Array(2400), db2 = new Float64Array(16);
  const mlp = new Sequential(new Linear(400, 120, { rng }), new ReLU(), new Linear(120, 84, { rng }), new ReLU(), new Linear(84, 10, { rng }));
  const opt = new SGD(mlp.parameters(), { lr: CNN_LR });
  const lossFn = new CrossEntropyLoss();
  const gammas = [new Float64Array(6).fill(1), new Float64Array(16).fill(1)], betas = [new Float64Array(6), new Float64Array(16)];
  const dg = [new Float64Array(6), new Float64Array(16)], dbt = [new Float64Array(6), new Float64Array(16)];
  function bnF(x: Float64Array, c: number, p: number, l: number) {
    const k = kernel(); const mean = new Float64Array(c), v = new Float64Array(c);
    k.batchNorm2dStats(x, mean, v, N, c, p);
    const inv = v.map((q) => 1 / Math.sqrt(q + 1e-5));
    const xhat = new Float64Array(x.length), y = new Float64Array(x.length);
    k.batchNorm2dNormalize(x, mean, inv, gammas[l], betas[l], xhat, y, N, c, p);
    return { y, xhat, inv };
  }
  function bnB(dy: Float64Array, s: { xhat: Float64Array; inv: Float64Array }, c: number, p: number, l: number) {
    const dx = new Float64Array(dy.length);
    kernel().batchNorm2dBackward(dy, s.xhat, s.inv, gammas[l], dg[l], dbt[l], dx, N, c, p, true);
    return dx;
  }
  const relu = (x: Float64Array) => { const y = new Float64Array(x.length); kernel().relu(x, y, x.length); return y; };
  const reluB = (x: Float64Array, dy: Float64Array) => { const d = new Float64Array(x.length); kernel().reluBackward(x, dy, d, x.length); return d; };
  const pool = (x: Float64Array, c: number, h: number) => { const o = (h / 2) * (h / 2); const y = new Float64Array(N * c * o), a = new Int32Array(N * c * o); kernel().maxPool2d(x, y, a, N, c, h, h, 2, 2); return { y, a }; };
  const poolB = (dy: Float64Array, a: Int32Array, c: number, h: number) => { const dx = new Float64Array(N * c * h * h); kernel().maxPool2dBackward(dy, a, dx, N, c, h, h, 2, 2); return dx; };
  return (i) => {
    const { x, y } = batches[i % batches.length];
    const c1 = conv2dForwardFast(x, w1, b1, g1);
    const n1 = bn ? bnF(c1, 6, 784, 0) : { y: c1, xhat: c1, inv: c1 };
    const r1 = relu(n1.y);
    const p1 = pool(r1, 6, 28);
    const c2 = conv2dForwardFast(p1.y, w2, b2, g2);
    const n2 = bn ? bnF(c2, 16, 100, 1) : { y: c2, xhat: c2, inv: c2 };
    const r2 = relu(n2.y);
    const p2 = pool(r2, 16, 10);
    opt.zeroGrad(); dw1.fill(0); dw2.fill(0); db1.fill(0); db2.fill(0);
    const loss = lossFn.forward(mlp.forward(new Matrix(N, 400, p2.y)), y);
    const d = mlp.backward(lossFn.backward());
    const dn2 = reluB(n2.y, poolB(d.data, p2.a, 16, 10));
    const dc2 = conv2dBackwardFast(p1.y, bn ? bnB(dn2, n2, 16, 100, 1) : dn2, w2, dw2, db2, g2, true)!;
    const dn1 = reluB(n1.y, poolB(dc2, p1.a, 6, 28));
    conv2dBackwardFast(x, bn ? bnB(dn1, n1, 6, 784, 0) : dn1, w1, dw1, db1, g1, false);
    opt.step();
    for (const [w, dw] of [[w1, dw1], [b1, db1], [w2, dw2], [b2, db2]]) kernel().axpy(-CNN_LR, dw, w, w.length);
    return loss;
  };
}
