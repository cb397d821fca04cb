import { DEFAULT_TIME_LIMIT_SECONDS, TimedOut } from "./timed-out";

export { DEFAULT_TIME_LIMIT_SECONDS, TimedOut } from "./timed-out";

/**
 * The live site's time limit (time-limit.ts in Node). A Web Worker cannot interrupt itself, so the
 * page compiles every loop of a cell with a call to `__bnlabLoopGuard()` first in its body
 * (live/browser/cell-transform.ts): under a time limit, the guard throws TimedOut once the deadline
 * has passed, and keeps throwing at every later turn of any loop, so a learner's `catch` cannot keep
 * the loop alive. What runs over without looping in a cell (a slow library call) is reported when
 * it returns. An endless loop outside a check is ended with the page's Stop.
 */

const NO_DEADLINE = Number.POSITIVE_INFINITY;
let deadline = NO_DEADLINE;
let limitSeconds = DEFAULT_TIME_LIMIT_SECONDS;
let turns = 0;
let overdue = false;
let depth = 0;

const expired = (): boolean => deadline !== NO_DEADLINE && performance.now() > deadline;

(globalThis as { __bnlabLoopGuard?: () => void }).__bnlabLoopGuard = (): void => {
  if (deadline === NO_DEADLINE) return;
  // the clock is read every 1024 turns; once past the deadline, every turn of every loop throws
  if (!overdue && (++turns & 1023) === 0) overdue = expired();
  if (overdue) throw new TimedOut(limitSeconds);
};

/**
 * body() with a time limit; throws TimedOut when it runs over (anything body throws is rethrown).
 * A nested call (a body that itself calls withTimeLimit) runs under the outer limit.
 */
export function withTimeLimit<R>(body: () => R, seconds: number = DEFAULT_TIME_LIMIT_SECONDS): R {
  if (depth > 0) return body();
  depth++;
  limitSeconds = seconds;
  deadline = performance.now() + seconds * 1000;
  try {
    const result = body();
    if (expired()) throw new TimedOut(seconds);
    return result;
  } catch (e) {
    if (expired()) throw new TimedOut(seconds);
    throw e;
  } finally {
    deadline = NO_DEADLINE;
    overdue = false;
    depth--;
  }
}
