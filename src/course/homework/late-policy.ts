/**
 * A late-submission policy: a deadline, a penalty per day late (a fraction of the points earned)
 * and a cap on the penalty. A day late is any part of a day: 1 minute after the deadline is day 1.
 *
 *     npm run grade -- submitted --deadline 2026-03-01T23:59:00Z --late-penalty 0.1 --late-cap 0.5
 */
export interface LatePolicy {
  deadline: Date;
  /** Fraction of the earned points taken off per day late (0.1 = 10 %). */
  penaltyPerDay: number;
  /** Largest fraction taken off (1 = a very late notebook can reach 0). */
  cap: number;
}

export interface Lateness {
  /** Whole days late, rounded up; 0 when on time. */
  days: number;
  /** Fraction taken off. */
  penalty: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function lateness(policy: LatePolicy, submittedAt: Date): Lateness {
  const late = submittedAt.getTime() - policy.deadline.getTime();
  if (!(late > 0)) return { days: 0, penalty: 0 };
  const days = Math.ceil(late / DAY_MS);
  return { days, penalty: Math.min(policy.cap, days * policy.penaltyPerDay) };
}

/** Checks a policy's numbers; throws with what is wrong. */
export function validateLatePolicy(policy: LatePolicy): LatePolicy {
  if (Number.isNaN(policy.deadline.getTime())) throw new Error("--deadline: not a date (use ISO 8601, e.g. 2026-03-01T23:59:00Z)");
  if (!(policy.penaltyPerDay >= 0 && policy.penaltyPerDay <= 1)) throw new Error(`--late-penalty: a fraction per day between 0 and 1, got ${policy.penaltyPerDay}`);
  if (!(policy.cap >= 0 && policy.cap <= 1)) throw new Error(`--late-cap: a fraction between 0 and 1, got ${policy.cap}`);
  return policy;
}
