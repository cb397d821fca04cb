import { Matrix } from "../tensor/matrix";
import { Rng } from "./rng";

/**
 * Weight initializers. Each fills a (fanOut × fanIn) weight matrix, PyTorch's
 * layout, which `Linear` uses (y = x·Wᵀ + b).
 */
export type Init =
  | { kind: "normal"; std: number }
  | { kind: "uniform"; bound: number }
  | { kind: "xavier" }
  | { kind: "kaiming" }
  | { kind: "pytorch" };

/** Normal(0, std²): Ioffe & Szegedy's "small Gaussian" initialization, or a weight-scale sweep. */
export function normalInit(std: number): Init {
  if (!(std >= 0)) throw new RangeError(`normalInit: std must be ≥ 0, got ${std}`);
  return { kind: "normal", std };
}

/** Xavier/Glorot uniform: U(−a, a) with a = √(6 / (fanIn + fanOut)). Suits tanh and sigmoid. */
export function xavierInit(): Init {
  return { kind: "xavier" };
}

/** He/Kaiming normal: N(0, 2 / fanIn). Suits ReLU. */
export function kaimingInit(): Init {
  return { kind: "kaiming" };
}

/** PyTorch's nn.Linear default: U(−1/√fanIn, 1/√fanIn). */
export function pytorchInit(): Init {
  return { kind: "pytorch" };
}

export function initWeights(fanIn: number, fanOut: number, init: Init, rng: Rng): Matrix {
  const w = new Matrix(fanOut, fanIn);
  const d = w.data;
  switch (init.kind) {
    case "normal":
      for (let i = 0; i < d.length; i++) d[i] = rng.normal(0, init.std);
      break;
    case "uniform":
      for (let i = 0; i < d.length; i++) d[i] = rng.uniform(-init.bound, init.bound);
      break;
    case "xavier": {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < d.length; i++) d[i] = rng.uniform(-a, a);
      break;
    }
    case "kaiming": {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < d.length; i++) d[i] = rng.normal(0, std);
      break;
    }
    case "pytorch": {
      const a = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < d.length; i++) d[i] = rng.uniform(-a, a);
      break;
    }
  }
  return w;
}
