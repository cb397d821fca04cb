import { CheckResult } from "./check-result";
import { CheckSpec, collectWith, judgeWith } from "./engine";
import { Collected } from "./protocol-types";
import { batchStatsSpec } from "./checkers/batch-stats";
import { normalizeSpec } from "./checkers/normalize";
import { batchNormForwardSpec } from "./checkers/batchnorm-forward";
import { batchNormBackwardSpec } from "./checkers/batchnorm-backward";
import { recoverIdentitySpec } from "./checkers/recover-identity";
import { updateRunningStatsSpec } from "./checkers/running-stats";
import { newBatchWeightSpec } from "./checkers/new-batch-weight";
import { forwardWithModeSpec } from "./checkers/forward-with-mode";
import { evaluateAccuracySpec } from "./checkers/evaluate-accuracy";
import { guardBatchSpec } from "./checkers/guard-batch";
import { batchMeanStdSpec } from "./checkers/batch-mean-std";
import { stepsToTargetSpec } from "./checkers/steps-to-target";
import { bnNetSpec } from "./checkers/bn-net";
import { lossAlongGradientSpec } from "./checkers/loss-along-gradient";
import { layerIcsSpec } from "./checkers/layer-ics";
import { ghostBatchNormSpec } from "./checkers/ghost-batch-norm";
import { spatialBatchNormSpec } from "./checkers/spatial-batchnorm";
import { foldBatchNormSpec } from "./checkers/fold-batchnorm";
import { convOutputSizeSpec } from "./checkers/conv-output-size";

/**
 * The checkers as a two-part protocol, for a grader that runs learner code in a sandbox:
 *
 *   const data = collectors.batchStats(batchStats);   // in the kernel: runs the learner's function
 *   const json = JSON.stringify(data);                 // … crosses the process boundary …
 *   const result = judges.batchStats(JSON.parse(json)); // in the grader: pure, runs no learner code
 *
 * `collect` runs the learner's function on the checker's seeded inputs (copies, under a time limit)
 * and returns JSON data; `judge` recomputes the expected values from the same seeded inputs and
 * returns the CheckResult. A judge treats its data as untrusted: malformed or forged data gives an
 * "error" result, never an exception. checkX(fn) = judgeX(collectX(fn)).
 */

type AnySpec = CheckSpec<unknown, unknown>;
/** Each spec's input and function types differ; the protocol handles them as unknown. */
const SPECS: Record<string, AnySpec> = Object.fromEntries(
  Object.entries({
  batchStats: batchStatsSpec,
  normalize: normalizeSpec,
  batchNormForward: batchNormForwardSpec,
  batchNormBackward: batchNormBackwardSpec,
  recoverIdentity: recoverIdentitySpec,
  updateRunningStats: updateRunningStatsSpec,
  newBatchWeight: newBatchWeightSpec,
  forwardWithMode: forwardWithModeSpec,
  evaluateAccuracy: evaluateAccuracySpec,
  guardBatch: guardBatchSpec,
  batchMeanStd: batchMeanStdSpec,
  stepsToTarget: stepsToTargetSpec,
  bnNet: bnNetSpec,
  lossAlongGradient: lossAlongGradientSpec,
  layerIcs: layerIcsSpec,
  ghostBatchNorm: ghostBatchNormSpec,
  spatialBatchNorm: spatialBatchNormSpec,
  foldBatchNorm: foldBatchNormSpec,
  convOutputSize: convOutputSizeSpec,
  }).map(([id, spec]) => [id, spec as unknown as AnySpec]),
);

/** Every exercise id with a collector and a judge (the capstone's stepsToTarget and bnNet included). */
export const PROTOCOL_EXERCISES = Object.freeze(Object.keys(SPECS));

/** Run the learner's function on the checker's inputs; JSON-serializable data. Never throws. */
export type Collector = (fn: unknown) => Collected;
/** Judge collected (untrusted) data. Pure; never throws. */
export type Judge = (data: unknown) => CheckResult;

function byId<T>(make: (spec: AnySpec) => T): Readonly<Record<string, T>> {
  const out: Record<string, T> = Object.create(null) as Record<string, T>;
  for (const id of Object.keys(SPECS)) out[id] = make(SPECS[id]);
  return Object.freeze(out);
}

export const collectors: Readonly<Record<string, Collector>> = byId((spec) => (fn: unknown) => collectWith(spec, fn));
export const judges: Readonly<Record<string, Judge>> = byId((spec) => (data: unknown) => judgeWith(spec, data));

/** The collector of an exercise id, or undefined (own keys only: "constructor" is not an id). */
export function collectorFor(exercise: string): Collector | undefined {
  return Object.prototype.hasOwnProperty.call(collectors, exercise) ? collectors[exercise] : undefined;
}

/** The judge of an exercise id, or undefined (own keys only). */
export function judgeFor(exercise: string): Judge | undefined {
  return Object.prototype.hasOwnProperty.call(judges, exercise) ? judges[exercise] : undefined;
}

/**
 * Judge data whose exercise id is inside it (e.g. a grader's stored record): picks the judge by
 * `data.exercise`, and reports unknown ids as an error result. Never throws.
 */
export function judgeAny(data: unknown): CheckResult {
  const exercise = data !== null && typeof data === "object" && Object.prototype.hasOwnProperty.call(data, "exercise") ? (data as { exercise: unknown }).exercise : undefined;
  const judge = typeof exercise === "string" ? judgeFor(exercise) : undefined;
  if (!judge) {
    const id = typeof exercise === "string" ? exercise.slice(0, 60) : "?";
    return { ok: false, exercise: id, title: "unknown exercise", kind: "error", message: `No checker for the exercise ${JSON.stringify(id)}.`, points: 0 };
  }
  return judge(data);
}
