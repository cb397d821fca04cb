/** Tasks for test/parallel.test.ts, registered at the top level (as an experiment module does), so that a worker loading this module finds them. */
import * as path from "node:path";
import { threadId } from "node:worker_threads";
import { Sequential } from "../../src/nn/sequential";
import { Linear } from "../../src/nn/linear";
import { BatchNorm1d } from "../../src/nn/batchnorm";
import { Sigmoid } from "../../src/nn/activations";
import { Rng } from "../../src/random/rng";
import { fit } from "../../src/train/fit";
import { pooledMnist } from "../../src/experiments/capstone";
import { parallelTask } from "../../src/experiments/parallel";

export const file = path.join(__dirname, "parallel-tasks");

/** Spins longer for smaller i, so that later tasks finish first on a pool of two or more workers. */
function slowerFirst(i: number): { i: number; square: number } {
  const until = Date.now() + (8 - i) * 15;
  while (Date.now() < until) {
    // busy: a sleeping task would not show the order a pool completes in
  }
  return { i, square: i * i };
}

function refusesThree(i: number): number {
  if (i === 3) throw new RangeError("refusesThree: 3 is not allowed");
  return i;
}

function returnsAFunction(i: number): () => number {
  return () => i;
}

/** Ends its worker thread without returning, on input 1. */
function exitsOnOne(i: number): number {
  if (i === 1) process.exit(3);
  return i;
}

/** Returns, then throws outside its call, on input 1: the thread ends after replying. */
function throwsLaterOnOne(i: number): number {
  if (i === 1) setTimeout(() => { throw new Error("throwsLaterOnOne: thrown after returning"); }, 0);
  return i;
}

/** A few seeded SGD steps of a BN sigmoid MLP on the 14×14 digits, with an evaluation: the test losses it records. */
function trainSeed(seed: number): number[] {
  const rng = new Rng(`parallel-test/${seed}`);
  const model = new Sequential(new Linear(196, 32, { bias: false, rng }), new BatchNorm1d(32), new Sigmoid(), new Linear(32, 10, { rng }));
  return fit(model, pooledMnist(), { steps: 6, batchSize: 60, lr: 1, seed, evalEvery: 3 }).eval.testLoss;
}

/** The thread that ran it, after spinning long enough for every worker of the pool to take a task. */
function whichThread(i: number): number {
  slowerFirst(i);
  return threadId;
}

export { slowerFirst, trainSeed };
export const pooled = {
  slowerFirst: parallelTask(file, slowerFirst),
  refusesThree: parallelTask(file, refusesThree),
  returnsAFunction: parallelTask(file, returnsAFunction),
  exitsOnOne: parallelTask(file, exitsOnOne),
  throwsLaterOnOne: parallelTask(file, throwsLaterOnOne),
  trainSeed: parallelTask(file, trainSeed),
  whichThread: parallelTask(file, whichThread),
};
