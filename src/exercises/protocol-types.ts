import { Encoded } from "./codec";

/**
 * The data a collector hands to a judge (JSON): what the learner's function did on each of the
 * checker's cases. Produced where the learner's code runs (the kernel); judged where it does not.
 * A judge treats it as untrusted (see judgeData in engine.ts).
 */
export const PROTOCOL = "bnlab-check/1";

/** How a case ended early: the function threw, or did not return in time. */
export type CollectedFailure =
  | {
      kind: "threw";
      /** The thrown Error's name ("ShapeError", "TypeError") or "" for a non-Error value. */
      name: string;
      /** "ShapeError: Matrix.add: …", or a description of a non-Error value. */
      message: string;
      /** The exercise stub's "TODO: implement …" error. */
      stub: boolean;
      /** What the checker was doing, e.g. "evaluating a single example", or null. */
      during: string | null;
    }
  | { kind: "timeout"; seconds: number; during: string | null };

export interface CollectedCase {
  /** Named results and observations (e.g. "result", "trainingAfter", "stateAfterTrain"), encoded. */
  values: Record<string, Encoded>;
  /** Inputs the function modified in place (paths such as "x" or "running.mean"), in order. */
  mutated: string[];
  failure: CollectedFailure | null;
}

export interface Collected {
  protocol: typeof PROTOCOL;
  exercise: string;
  /** Set when the checker was handed something that is not a function (its typeof). */
  notFunction: string | null;
  /** One per case, in the checker's order, up to and including the first failure. */
  cases: CollectedCase[];
  /** The influence probes' runs (see probes.ts), when every case ran without failure. */
  probes?: CollectedCase[];
}
