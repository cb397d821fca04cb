import { ExerciseCollect, ExerciseInputs, callWithFields } from "../engine";
import { Rng } from "../../random/rng";
import { Probes, describeArguments } from "../probes";

/**
 * Exercise: the weight of the new batch in the running average, PyTorch's rule:
 * momentum when it is a number, 1/numBatchesTracked when it is null (a cumulative average), where
 * numBatchesTracked already counts the current batch (1 on the first batch).
 */
export type NewBatchWeightFn = (momentum: number | null, numBatchesTracked: number) => number;

export interface Input {
  momentum: number | null;
  numBatchesTracked: number;
}

/**
 * Two momenta below ½ (so that 1 − m differs), 0, 1 and null; numBatchesTracked 1 (the first batch)
 * where it is 1, drawn from `seed` otherwise (2 to 12).
 */
function draw(seed: string): ExerciseInputs<Input> {
  const rng = new Rng(`${seed}/newBatchWeight`);
  const m = () => Math.round(rng.uniform(0.05, 0.45) * 100) / 100;
  const k = () => rng.int(2, 13);
  const inputs: Input[] = [
    { momentum: m(), numBatchesTracked: k() },
    { momentum: m(), numBatchesTracked: 1 },
    { momentum: null, numBatchesTracked: 1 },
    { momentum: null, numBatchesTracked: k() },
    { momentum: null, numBatchesTracked: k() },
    { momentum: 0, numBatchesTracked: k() },
    { momentum: 1, numBatchesTracked: k() },
  ];
  return { cases: [...inputs, PROBE_BASE].map((input) => ({ label: describeArguments(input), input })), probes: PROBES };
}

/** The probes' base (also the last case): the cumulative average on the 4th batch. */
const PROBE_BASE: Input = { momentum: null, numBatchesTracked: 4 };
const PROBES: Probes<Input> = {
  label: describeArguments(PROBE_BASE),
  base: PROBE_BASE,
  perturbations: [
    { what: "numBatchesTracked changes (momentum null)", input: { momentum: null, numBatchesTracked: 8 }, ignored: "with momentum null the weight must depend on numBatchesTracked" },
    { what: "momentum changes from null to 0.3", input: { momentum: 0.3, numBatchesTracked: 4 }, ignored: "the momentum argument is never used" },
  ],
  factors: () => ({ "k/(k+1): 1/(k + 1) instead of 1/k": 4 / 5, "k/(k−1): 1/(k − 1) instead of 1/k": 4 / 3 }),
};

export const newBatchWeightCollect: ExerciseCollect<Input, NewBatchWeightFn> = {
  exercise: "newBatchWeight",
  draw,
  collect: callWithFields(["momentum", "numBatchesTracked"]),
};
