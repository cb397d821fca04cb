import { Sequential } from "../../../src/nn/sequential";
import { Linear } from "../../../src/nn/linear";
import { BatchNorm1d } from "../../../src/nn/batchnorm";
import { Sigmoid } from "../../../src/nn/activations";
import { Rng } from "../../../src/random/rng";
import { normalInit } from "../../../src/random/init";

/** Exercise 6.2: the Figure-1 network with batch norm (hidden layers Linear without bias → BN → Sigmoid). */
export function bnNet(seed: number): Sequential {
  const rng = new Rng(seed);
  const init = normalInit(0.05);
  return new Sequential(
    new Linear(784, 100, { bias: false, init, rng }), new BatchNorm1d(100), new Sigmoid(),
    new Linear(100, 100, { bias: false, init, rng }), new BatchNorm1d(100), new Sigmoid(),
    new Linear(100, 100, { bias: false, init, rng }), new BatchNorm1d(100), new Sigmoid(),
    new Linear(100, 10, { init, rng }),
  );
}
