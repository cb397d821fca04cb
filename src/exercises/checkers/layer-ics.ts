import { Matrix } from "../../tensor/matrix";
import { Rng } from "../../random/rng";
import { Sequential } from "../../nn/sequential";
import { Linear } from "../../nn/linear";
import { Tanh } from "../../nn/activations";
import { lossAndGradient } from "../../train/gradient-probe";
import { ExerciseInputs, ExerciseSpec, Outputs } from "../engine";
import { NOTEBOOK_SEED } from "../inputs";
import { argumentProbes } from "../probes";
import { MisconceptionId } from "../misconceptions";
import { expectNumber, field } from "../learner-code";
import { constantOutput, swappedFields } from "../generic-mistakes";

/** The gradient of a loss with respect to each weight matrix, at the given weights (bottom layer first). */
export type GradFn = (params: Matrix[]) => Matrix[];

/**
 * Exercise: Santurkar et al.'s gradient measure of internal covariate shift for layer `layer`:
 * G = gradFn(params)[layer]; params' = params with every index k < layer stepped, p − lr·g_k
 * (the layers below take their SGD step; the layer and those above do not); G' = gradFn(params')[layer];
 * return l2 = ‖G − G'‖ and cosine = ⟨G, G'⟩/(‖G‖‖G'‖). The params must not be modified.
 */
export type LayerIcsFn = (gradFn: GradFn, params: Matrix[], layer: number, lr: number) => { l2: number; cosine: number };

interface Input {
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


type Which = "below" | "own" | "above" | "all";
interface Variant {
  update?: Which;
  ascent?: boolean;
  dot?: boolean;
  normDifference?: boolean;
}

const norm = (m: Matrix) => Math.sqrt(m.mul(m).sum());

/** The measure, with each mistake switchable. */
function layerIcsVariant(gradFn: GradFn, params: Matrix[], layer: number, lr: number, v: Variant = {}): Outputs {
  const g = gradFn(params);
  const which = v.update ?? "below";
  const stepped = params.map((p, k) => {
    const moves = which === "below" ? k < layer : which === "own" ? k <= layer : which === "above" ? k > layer : true;
    return moves ? p.add(g[k].scale(v.ascent ? lr : -lr)) : p.clone();
  });
  const G = g[layer];
  const G2 = gradFn(stepped)[layer];
  const dot = G.mul(G2).sum();
  const l2 = v.normDifference ? Math.abs(norm(G) - norm(G2)) : norm(G.sub(G2));
  const cosine = v.dot ? dot : dot / (norm(G) * norm(G2));
  return { l2: Matrix.row([l2]), cosine: Matrix.row([cosine]) };
}

const MISTAKES: Array<{ ids: MisconceptionId[]; variant: Variant; message?: string }> = [
  { ids: ["ics-own-layer-updated"], variant: { update: "own" } },
  { ids: ["ics-layers-above"], variant: { update: "above" } },
  { ids: ["ics-all-layers-updated"], variant: { update: "all" } },
  { ids: ["ics-dot-not-cosine"], variant: { dot: true } },
  {
    ids: ["probe-norm-difference"],
    variant: { normDifference: true },
    message: "Your l2 is |‖G‖ − ‖G'‖|, which is 0 for a gradient that keeps its length but turns. The ICS is ‖G − G'‖: subtract, then take the norm.",
  },
  {
    ids: ["probe-ascent"],
    variant: { ascent: true },
    message: "Your lower layers step UP their gradient (p + lr·g). An SGD step is p − lr·g.",
  },
];

const label = (i: Input) => `a 4-5-4-3 tanh network, layer ${i.layer} (of 0, 1, 2), lr ${i.lr}`;
const input = (i: Input) => ({ ...tinyNetwork(i.seed), layer: i.layer, lr: i.lr });

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

export const layerIcsSpec: ExerciseSpec<Input, LayerIcsFn> = {
  exercise: "layerIcs",
  title: "Internal covariate shift through gradients (Santurkar et al.)",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect(fn, i, calls) {
    const { params, gradFn } = input(i);
    return { result: calls.call(fn, [gradFn, params, i.layer, i.lr], ["gradFn", "params", "layer", "lr"]).result };
  },
  read({ result }) {
    return {
      l2: Matrix.row([expectNumber(field(result, "l2", ["l2", "cosine"]), "l2")]),
      cosine: Matrix.row([expectNumber(field(result, "cosine", ["l2", "cosine"]), "cosine")]),
    };
  },
  reference: (i) => {
    const { params, gradFn } = input(i);
    return layerIcsVariant(gradFn, params, i.layer, i.lr);
  },
  mistakes: [
    ...MISTAKES.map(({ ids, variant, message }) => ({
      ids,
      message,
      outputs: (i: Input) => {
        const { params, gradFn } = input(i);
        return layerIcsVariant(gradFn, params, i.layer, i.lr, variant);
      },
    })),
    swappedFields<Input>("l2", "cosine", "l2 and cosine are swapped: return { l2: ‖G − G'‖, cosine: ⟨G, G'⟩/(‖G‖‖G'‖) }."),
    constantOutput<Input>(["l2", "cosine"]),
  ],
  passMessage: "Only the layers below step (p − lr·g); ‖G − G'‖ and cos(G, G') match on 3 cases (middle and top layer, three learning rates), params untouched.",
  describeInput: (i) => `weights of the 4-5-4-3 network (seeded), layer = ${i.layer}, lr = ${i.lr}`,
  labels: { l2: "l2 = ‖G − G'‖", cosine: "cosine" },
};
