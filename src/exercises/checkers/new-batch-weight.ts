import { Matrix } from "../../tensor/matrix";
import { ExerciseInputs, ExerciseSpec, callWithFields, Mistake } from "../engine";
import { NOTEBOOK_SEED } from "../inputs";
import { Rng } from "../../random/rng";
import { Probes } from "../probes";
import { constantOutput } from "../generic-mistakes";
import { expectNumber } from "../learner-code";

/**
 * Exercise: the weight of the new batch in the running average, PyTorch's rule:
 * momentum when it is a number, 1/numBatchesTracked when it is null (a cumulative average), where
 * numBatchesTracked already counts the current batch (1 on the first batch).
 */
export type NewBatchWeightFn = (momentum: number | null, numBatchesTracked: number) => number;

interface Input {
  momentum: number | null;
  numBatchesTracked: number;
}

const scalar = (v: number) => ({ weight: Matrix.row([v]) });
const describe = (i: Input) => `momentum = ${i.momentum}, numBatchesTracked = ${i.numBatchesTracked}`;

function weight(input: Input, opts: { reversed?: boolean; offset?: number } = {}): number {
  if (input.momentum === null) return 1 / (input.numBatchesTracked + (opts.offset ?? 0));
  return opts.reversed ? 1 - input.momentum : input.momentum;
}

function mistakes(): Mistake<Input>[] {
  const cumulative = (i: Input) => 1 / i.numBatchesTracked;
  const when = (ids: Mistake<Input>["ids"], f: (i: Input) => number, message?: string): Mistake<Input> => ({
    ids,
    outputs: (i: Input) => scalar(f(i)),
    ...(message ? { message } : {}),
  });
  return [
    when(
      ["momentum-reversed"],
      (i) => weight(i, { reversed: true }),
      "You return 1 − momentum, the weight of the OLD value. In PyTorch's convention momentum itself is the weight of the new batch.",
    ),
    when(
      ["momentum-reversed"],
      (i) => (i.momentum === null ? 1 - cumulative(i) : i.momentum),
      "With momentum = null you return 1 − 1/k, the weight of the OLD average: the k-th batch's own weight is 1/k.",
    ),
    when(["cumulative-off-by-one"], (i) => weight(i, { offset: 1 })),
    when(["cumulative-off-by-one"], (i) => weight(i, { offset: -1 })),
    when(
      ["ignores-argument"],
      cumulative,
      "You always return 1/k: when momentum is a number, it IS the weight of the new batch; 1/k is only for momentum = null.",
    ),
    ...[0.1, 0, 1].map((c) =>
      when(
        ["ignores-argument"],
        (i) => (i.momentum === null ? c : i.momentum),
        `With momentum = null you return ${c}: null means a cumulative average, where the k-th batch gets weight 1/k (k = numBatchesTracked).`,
      ),
    ),
    when(["momentum-zero-as-null"], (i) => (i.momentum || cumulative(i))),
    when(["momentum-zero-as-null", "cumulative-off-by-one"], (i) => (i.momentum || 1 / (i.numBatchesTracked + 1))),
    when(["momentum-zero-as-null", "momentum-reversed"], (i) => (i.momentum ? 1 - i.momentum : cumulative(i))),
    constantOutput<Input>(["weight"]),
  ];
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
  return { cases: [...inputs, PROBE_BASE].map((input) => ({ label: describe(input), input })), probes: PROBES };
}

/** The probes' base (also the last case): the cumulative average on the 4th batch. */
const PROBE_BASE: Input = { momentum: null, numBatchesTracked: 4 };
const PROBES: Probes<Input> = {
  label: describe(PROBE_BASE),
  base: PROBE_BASE,
  perturbations: [
    { what: "numBatchesTracked changes (momentum null)", input: { momentum: null, numBatchesTracked: 8 }, ignored: "with momentum null the weight must depend on numBatchesTracked" },
    { what: "momentum changes from null to 0.3", input: { momentum: 0.3, numBatchesTracked: 4 }, ignored: "the momentum argument is never used" },
  ],
  factors: () => ({ "k/(k+1): 1/(k + 1) instead of 1/k": 4 / 5, "k/(k−1): 1/(k − 1) instead of 1/k": 4 / 3 }),
};


export const newBatchWeightSpec: ExerciseSpec<Input, NewBatchWeightFn> = {
  exercise: "newBatchWeight",
  title: "Weight of the new batch (momentum or cumulative average)",
  ...draw(NOTEBOOK_SEED),
  draw,
  collect: callWithFields(["momentum", "numBatchesTracked"]),
  read({ result }) {
    return scalar(expectNumber(result, "The weight"));
  },
  reference: (i) => scalar(weight(i)),
  mistakes: mistakes(),
  passMessage: "momentum is the weight of the new batch (0 and 1 included), and momentum = null gives 1/k on the k-th batch (a plain average of all batches so far).",
  describeInput: describe,
  labels: { weight: "weight" },
};
