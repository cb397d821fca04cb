import { Matrix } from "../../tensor/matrix";
import { ExerciseCollect, callWithFields } from "../engine";
import { Input, drawEpsBatches } from "./normalize";

export type { Input } from "./normalize";

/** Exercise: the γ and β for which batch norm (training mode) gives back its input exactly. */
export type RecoverIdentityFn = (x: Matrix, eps: number) => { gamma: Matrix; beta: Matrix };

export const recoverIdentityCollect: ExerciseCollect<Input, RecoverIdentityFn> = {
  exercise: "recoverIdentity",
  draw: drawEpsBatches("recoverIdentity"),
  collect: callWithFields(["x", "eps"]),
};
