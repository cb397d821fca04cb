/** Exercise checkers that name the mistake (see README.md in this folder). */
export { check, checkers } from "./check";
export { EXERCISE_IDS } from "./registry";
export type { ExerciseId, ExerciseFn } from "./registry";
export type { CheckResult, CheckKind } from "./check-result";
export { report, formatResult, assertPasses, CheckFailedError, CHECK_MARKER } from "./report";
export { MISCONCEPTIONS, MISCONCEPTION_IDS, misconception, isMisconceptionId } from "./misconceptions";
export type { MisconceptionId } from "./misconceptions";
export { collectors, judges, judgeFor } from "./protocol";
export type { Judge } from "./protocol";
export { PROTOCOL } from "./protocol-types";
export { withTimeLimit, TimedOut, DEFAULT_TIME_LIMIT_SECONDS } from "./time-limit";
// The values the learners' functions take (each function's type: ExerciseFn<"batchStats">).
export type { RunningStats } from "./collect/running-stats";
export type { BnState } from "./collect/forward-with-mode";
export type { LabelledData } from "./collect/evaluate-accuracy";
export type { LossAndGrad } from "./collect/loss-along-gradient";
export type { GradFn } from "./collect/layer-ics";
