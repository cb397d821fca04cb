import { Matrix } from "../../../src/tensor/matrix";
import type { GradFn } from "../../../src/exercises/collect/layer-ics";

const norm = (m: Matrix) => Math.sqrt(m.mul(m).sum());

/** Exercise 7.1: layer `layer`'s gradient before and after the layers below take their SGD step. */
export function layerIcs(gradFn: GradFn, params: Matrix[], layer: number, lr: number): { l2: number; cosine: number } {
  const g = gradFn(params);
  const stepped = params.map((p, k) => (k < layer ? p.sub(g[k].scale(lr)) : p));
  const G = g[layer];
  const G2 = gradFn(stepped)[layer];
  return { l2: norm(G.sub(G2)), cosine: G.mul(G2).sum() / (norm(G) * norm(G2)) };
}
