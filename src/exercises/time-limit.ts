import { Script, createContext } from "node:vm";
import { DEFAULT_TIME_LIMIT_SECONDS, TimedOut } from "./timed-out";

export { DEFAULT_TIME_LIMIT_SECONDS, TimedOut } from "./timed-out";

/**
 * Running learner code with a time limit. Node's `vm` timeout stops a synchronous infinite loop
 * even inside a function defined elsewhere (the watchdog terminates whatever JavaScript is running,
 * and a `try`/`catch` in the learner's code cannot catch that termination). The live site's worker
 * has no such watchdog: time-limit.browser.ts stands in for this file there.
 */

const context = createContext({ __bnlabBody: undefined as unknown });
const script = new Script("__bnlabBody()", { filename: "bnlab-time-limit.vm" });
let depth = 0;

function isTimeout(e: unknown): boolean {
  return e !== null && typeof e === "object" && (e as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}

/**
 * body() with a time limit; throws TimedOut when it runs over (anything body throws is rethrown).
 * A nested call (a body that itself calls withTimeLimit) runs under the outer limit.
 */
export function withTimeLimit<R>(body: () => R, seconds: number = DEFAULT_TIME_LIMIT_SECONDS): R {
  if (depth > 0) return body();
  depth++;
  const previous = context.__bnlabBody;
  context.__bnlabBody = body;
  try {
    return script.runInContext(context, { timeout: Math.max(1, Math.round(seconds * 1000)) }) as R;
  } catch (e) {
    if (isTimeout(e)) throw new TimedOut(seconds);
    throw e;
  } finally {
    context.__bnlabBody = previous;
    depth--;
  }
}
