import { Matrix } from "../tensor/matrix";
import { Rng } from "./rng";
import { checkAllocation, checkInteger, checkNumber, describe } from "../validate/checks";

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
  checkNumber("normalInit", "std", std, { min: 0 });
  return { kind: "normal", std };
}

/** init, if it is one of the Init values normalInit(), xavierInit(), kaimingInit(), pytorchInit() (or { kind: "uniform", bound }) make. */
export function checkInit(where: string, init: Init): Init {
  const kinds = ["normal", "uniform", "xavier", "kaiming", "pytorch"];
  const kind = init !== null && typeof init === "object" ? (init as { kind?: unknown }).kind : undefined;
  if (typeof kind !== "string" || !kinds.includes(kind)) {
    throw new TypeError(
      `${where}: init must be one of normalInit(std), xavierInit(), kaimingInit(), pytorchInit() or { kind: "uniform", bound }, got ${describe(init)}`,
    );
  }
  if (init.kind === "normal") checkNumber(where, "init.std", init.std, { min: 0 });
  if (init.kind === "uniform") checkNumber(where, "init.bound", init.bound, { min: 0 });
  return init;
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
  checkInteger("initWeights", "fanIn", fanIn, { min: 1 });
  checkInteger("initWeights", "fanOut", fanOut, { min: 1 });
  checkInit("initWeights", init);
  if (!(rng instanceof Rng)) throw new TypeError(`initWeights: rng must be an Rng (e.g. new Rng(0)), got ${describe(rng)}`);
  checkAllocation("initWeights", "the weight matrix (fanOut × fanIn)", fanOut, fanIn);
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
