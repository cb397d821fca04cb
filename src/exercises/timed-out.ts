/** Seconds a checker gives one call of the learner's code (and the reading of its result). */
export const DEFAULT_TIME_LIMIT_SECONDS = 5;

/** The learner's code did not return within the limit. */
export class TimedOut extends Error {
  readonly seconds: number;
  constructor(seconds: number) {
    super(`did not return within ${seconds} s — an infinite loop?`);
    this.name = "TimedOut";
    this.seconds = seconds;
  }
}
