/**
 * `npx tsx bench/layer-bench.ts`: microseconds per forward + backward of each
 * layer of the reference MLP on a batch of 60, to see where a step's time goes.
 */
import { Matrix } from "../src/tensor/matrix";
import { backend } from "../src/tensor/backend";
import { Linear } from "../src/nn/linear";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Sigmoid } from "../src/nn/activations";
import { Module } from "../src/nn/module";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { SGD } from "../src/optim/sgd";
import { Rng } from "../src/random/rng";

const rng = new Rng("layer-bench");
function random(rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.uniform(-1, 1);
  return m;
}

/** Fastest microseconds per call of `f` over batches of 20 calls (the machine may be busy; the minimum is the least disturbed). */
function time(f: () => void, seconds = 0.4): number {
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    for (let r = 0; r < 20; r++) f();
    samples.push(((performance.now() - t0) * 1000) / 20);
  }
  samples.sort((a, b) => a - b);
  return samples[0];
}

const rows: Array<[string, () => void]> = [];
function layer(label: string, m: Module, inputs: number) {
  const x = random(60, inputs);
  const dy = m.forward(x).clone().fill(0.01);
  rows.push([label, () => void m.backward((m.forward(x), dy))]);
}
layer("Linear(784→100) fwd+bwd", new Linear(784, 100), 784);
layer("Linear(100→100) fwd+bwd", new Linear(100, 100), 100);
layer("Linear(100→10) fwd+bwd", new Linear(100, 10), 100);
layer("BatchNorm1d(100) fwd+bwd", new BatchNorm1d(100), 100);
layer("Sigmoid (60×100) fwd+bwd", new Sigmoid(), 100);
const logits = random(60, 10);
const labels = Array.from({ length: 60 }, (_, i) => i % 10);
const ce = new CrossEntropyLoss();
rows.push(["CrossEntropyLoss fwd+bwd", () => void (ce.forward(logits, labels), ce.backward())]);
const sgd = new SGD(new Linear(784, 100).parameters(), { lr: 0.1 });
rows.push(["SGD step + zeroGrad, 784×100", () => (sgd.step(), sgd.zeroGrad())]);

console.log(`backend "${backend().name}": µs per call (best batch)`);
for (const [label, f] of rows) {
  time(f, 0.1);
  console.log(`${label.padEnd(32)}${time(f).toFixed(1).padStart(8)}`);
}
