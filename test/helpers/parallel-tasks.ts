/** Tasks for test/parallel.test.ts: exported, because parallelMap's workers load them by module and name. */

/** Spins longer for smaller i, so that later tasks finish first on a pool of two or more workers. */
export function slowerFirst(i: number): { i: number; square: number } {
  const until = Date.now() + (8 - i) * 15;
  while (Date.now() < until) {
    // busy: a sleeping task would not show the order a pool completes in
  }
  return { i, square: i * i };
}

export function refusesThree(i: number): number {
  if (i === 3) throw new RangeError("refusesThree: 3 is not allowed");
  return i;
}

export function returnsAFunction(i: number): () => number {
  return () => i;
}

/** Ends its worker thread without returning, on input 1. */
export function exitsOnOne(i: number): number {
  if (i === 1) process.exit(3);
  return i;
}

/** Returns, then throws outside its call, on input 1: the thread ends after replying. */
export function throwsLaterOnOne(i: number): number {
  if (i === 1) setTimeout(() => { throw new Error("throwsLaterOnOne: thrown after returning"); }, 0);
  return i;
}
