/**
 * The parameters (or gradients) of a model as one long vector: a list of matrices, in
 * model.parameters() order, taken together. The gradient probes measure distances and
 * angles between such vectors.
 */
import { Matrix } from "../tensor/matrix";

/** Σ over the matrices, entry by entry in order, of term(aᵢ, bᵢ). */
function sumAll(a: readonly Matrix[], b: readonly Matrix[], term: (u: number, v: number) => number): number {
  let s = 0;
  a.forEach((m, k) => {
    const u = m.data, v = b[k].data;
    for (let i = 0; i < u.length; i++) s += term(u[i], v[i]);
  });
  return s;
}

/** The dot product of the two long vectors. */
const dotAll = (a: readonly Matrix[], b: readonly Matrix[]): number => sumAll(a, b, (u, v) => u * v);

/** The ℓ2 norm of all the matrices taken together. */
export function normAll(a: readonly Matrix[]): number {
  return Math.sqrt(dotAll(a, a));
}

/** ‖a − b‖ over all the matrices taken together. */
export function distanceAll(a: readonly Matrix[], b: readonly Matrix[]): number {
  return Math.sqrt(sumAll(a, b, (u, v) => (u - v) ** 2));
}

/** ⟨a, b⟩ / (‖a‖‖b‖), or 0 if either is zero. */
export function cosineAll(a: readonly Matrix[], b: readonly Matrix[]): number {
  const na = normAll(a), nb = normAll(b);
  return na === 0 || nb === 0 ? 0 : dotAll(a, b) / (na * nb);
}
