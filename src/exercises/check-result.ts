import { MisconceptionId } from "./misconceptions";

/**
 * What a checker found:
 * - "pass": correct on every test input;
 * - "misconception": wrong, and the answers match a named mistake (`misconception`);
 * - "counterexample": wrong, no known mistake matches; `details` shows input, expected and got;
 * - "not-implemented": the exercise stub ("TODO: implement …") is still there;
 * - "error": the function threw; "wrong-type": it returned something that is not the expected kind;
 * - "wrong-shape": a matrix of the wrong shape; "nan": NaN in the output;
 * - "timeout": it did not return within the time limit (an infinite loop?).
 */
export type CheckKind =
  | "pass"
  | "misconception"
  | "counterexample"
  | "not-implemented"
  | "error"
  | "wrong-type"
  | "wrong-shape"
  | "nan"
  | "timeout";

export interface CheckResult {
  ok: boolean;
  /** The checker's id, e.g. "batchStats" (stable; the grader keys on it). */
  exercise: string;
  /** What the exercise is, e.g. "Batch statistics (μ and σ² per feature)". */
  title: string;
  kind: CheckKind;
  /** One paragraph for the learner: what was verified, or what is wrong. */
  message: string;
  /** The named mistake the answer matches (the first one if it matches a combination). */
  misconception?: MisconceptionId;
  /** Every mistake of a matched combination, when there is more than one. */
  misconceptions?: MisconceptionId[];
  /** Evidence: the input, the expected and the learner's output (several lines). */
  details?: string;
  /** 1 for a pass, 0 otherwise. */
  points?: number;
}

/** The exercise a result belongs to. */
export interface ExerciseInfo {
  exercise: string;
  title: string;
}

export function passed(info: ExerciseInfo, message: string): CheckResult {
  return { ok: true, exercise: info.exercise, title: info.title, kind: "pass", message, points: 1 };
}

export function failed(
  info: ExerciseInfo,
  kind: Exclude<CheckKind, "pass">,
  message: string,
  extra: { misconceptions?: readonly MisconceptionId[]; details?: string } = {},
): CheckResult {
  const result: CheckResult = { ok: false, exercise: info.exercise, title: info.title, kind, message, points: 0 };
  const ids = extra.misconceptions ?? [];
  if (ids.length > 0) result.misconception = ids[0];
  if (ids.length > 1) result.misconceptions = [...ids];
  if (extra.details !== undefined) result.details = extra.details;
  return result;
}
