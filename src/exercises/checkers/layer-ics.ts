import { Matrix } from "../../tensor/matrix";
import { ExerciseSpec, Outputs } from "../engine";
import { MisconceptionId } from "../misconceptions";
import { expectNumber, field } from "../learner-code";
import { constantOutput, swappedFields } from "../generic-mistakes";
import { Input, layerIcsCollect, LayerIcsFn, input } from "../collect/layer-ics";
import { norm } from "../collect/loss-along-gradient";

type Which = "below" | "own" | "above" | "all";
interface Variant {
  update?: Which;
  ascent?: boolean;
  dot?: boolean;
  normDifference?: boolean;
}

/** The measure on a case's network, with each mistake switchable. */
function layerIcsVariant(i: Input, v: Variant = {}): Outputs {
  const { params, gradFn } = input(i);
  const { layer, lr } = i;
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

export const layerIcsSpec: ExerciseSpec<Input, LayerIcsFn> = {
  ...layerIcsCollect,
  title: "Internal covariate shift through gradients (Santurkar et al.)",
  read({ result }) {
    return {
      l2: Matrix.row([expectNumber(field(result, "l2", ["l2", "cosine"]), "l2")]),
      cosine: Matrix.row([expectNumber(field(result, "cosine", ["l2", "cosine"]), "cosine")]),
    };
  },
  reference: (i) => layerIcsVariant(i),
  mistakes: [
    ...MISTAKES.map(({ ids, variant, message }) => ({
      ids,
      message,
      outputs: (i: Input) => layerIcsVariant(i, variant),
    })),
    swappedFields<Input>("l2", "cosine", "l2 and cosine are swapped: return { l2: ‖G − G'‖, cosine: ⟨G, G'⟩/(‖G‖‖G'‖) }."),
    constantOutput<Input>(["l2", "cosine"]),
  ],
  passMessage: "Only the layers below step (p − lr·g); ‖G − G'‖ and cos(G, G') match on 3 cases (middle and top layer, three learning rates), params untouched.",
  describeInput: (i) => `weights of the 4-5-4-3 network (seeded), layer = ${i.layer}, lr = ${i.lr}`,
  labels: { l2: "l2 = ‖G − G'‖", cosine: "cosine" },
};
