import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { Sequential } from "../../nn/sequential";
import { Linear } from "../../nn/linear";
import { Tanh } from "../../nn/activations";
import { lossAndGradient } from "../../train/gradient-probe";
import { ExerciseCollect, ExerciseInputs } from "../engine";
import { argumentProbes } from "../probes";

/** The gradient of a loss with respect to each weight matrix, at the given weights (bottom layer first). */
export type GradFn = (params: Matrix[]) => Matrix[];

/**
 * Exercise: Santurkar et al.'s gradient measure of internal covariate shift for layer `layer`:
 * G = gradFn(params)[layer]; params' = params with every index k < layer stepped, p − lr·g_k
 * (the layers below take their SGD step; the layer and those above do not); G' = gradFn(params')[layer];
 * return l2 = ‖G − G'‖ and cosine = ⟨G, G'⟩/(‖G‖‖G'‖). The params must not be modified.
 */
export type LayerIcsFn = (gradFn: GradFn, params: Matrix[], layer: number, lr: number) => { l2: number; cosine: number };

export interface Input {
  /** The network's seed. */
  seed: string;
  layer: number;
  lr: number;
}

const SIZES = [4, 5, 4, 3];

/** A 3-layer tanh network 4-5-4-3 on a fixed batch of 8 (seeded): its weights and its gradient function. */
function tinyNetwork(seed: string): { params: Matrix[]; gradFn: GradFn } {
  const rng = new Rng(seed);
  const linears = SIZES.slice(1).map((n, i) => new Linear(SIZES[i], n, { bias: false, rng }));
  const model = new Sequential(linears[0], new Tanh(), linears[1], new Tanh(), linears[2]);
  const batch = { x: new Matrix(8, 4, rng.normalArray(32, 0, 1.5)), y: [0, 1, 2, 0, 1, 2, 1, 0] };
  const params = linears.map((l) => l.weight.value.clone());
  const gradFn: GradFn = (ps) => {
    if (!Array.isArray(ps) || ps.length !== 3 || ps.some((p, k) => !(p instanceof Matrix) || p.rows !== params[k].rows || p.cols !== params[k].cols)) {
      throw new Error(`gradFn: expected an array of 3 weight matrices shaped like params (${params.map((p) => p.shapeString()).join(", ")})`);
    }
    linears.forEach((l, k) => l.weight.value.copyFrom(ps[k]));
    return lossAndGradient(model, batch).grads;
  };
  return { params, gradFn };
}


const label = (i: Input) => `a 4-5-4-3 tanh network, layer ${i.layer} (of 0, 1, 2), lr ${i.lr}`;
export const input = (i: Input) => ({ ...tinyNetwork(i.seed), layer: i.layer, lr: i.lr });

/** The cases and probes, drawn from `seed` (the networks' weights and batches). */
function draw(seed: string): ExerciseInputs<Input> {
  const inputs: Input[] = [
    { seed: `${seed}/layer-ics/1`, layer: 1, lr: 0.5 },
    { seed: `${seed}/layer-ics/2`, layer: 2, lr: 0.3 },
    { seed: `${seed}/layer-ics/3`, layer: 1, lr: 2 },
  ];
  const cases = inputs.map((i) => ({ label: label(i), input: i }));
  return { cases, probes: argumentProbes(cases[0].label, inputs[0], { lr: 1, layer: 2 }) };
}

export const layerIcsCollect: ExerciseCollect<Input, LayerIcsFn> = {
  exercise: "layerIcs",
  draw,
  collect(fn, i, calls) {
    const { params, gradFn } = input(i);
    return { result: calls.call(fn, [gradFn, params, i.layer, i.lr], ["gradFn", "params", "layer", "lr"]).result };
  },
};
