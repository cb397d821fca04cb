/**
 * parallelMap: the same results as the serial map, bit for bit and in input order; a worker's error
 * reaches the caller naming the function, the input and the cause.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threadId } from "node:worker_threads";
import { parallelTask } from "../src/experiments/parallel";
import { file, pooled, slowerFirst, trainSeed } from "./helpers/parallel-tasks";

describe("parallelMap", () => {
  // two workers on any machine (one core included): the tests below are about the pool, not the serial path
  const saved = process.env.BNLAB_WORKERS;
  beforeAll(() => void (process.env.BNLAB_WORKERS = "2"));
  afterAll(() => (saved === undefined ? delete process.env.BNLAB_WORKERS : (process.env.BNLAB_WORKERS = saved)));

  it("uses two workers (BNLAB_WORKERS=2)", () => {
    const threads = new Set(pooled.whichThread([0, 1, 2, 3]));
    expect(threads.size).toBe(2);
    expect(threads.has(threadId)).toBe(false);
  }, 60_000);

  it("returns the results in input order although later inputs finish first", () => {
    const inputs = [0, 1, 2, 3, 4, 5, 6, 7];
    expect(pooled.slowerFirst(inputs)).toEqual(inputs.map(slowerFirst));
  }, 60_000);

  it("trains the same networks as the serial run, bit for bit", () => {
    const seeds = [0, 1, 2];
    const inWorkers = pooled.trainSeed(seeds);
    const serial = seeds.map(trainSeed);
    expect(inWorkers.every((losses, k) => losses.length === 3 && losses.every((v, i) => Object.is(v, serial[k][i])))).toBe(true);
    expect(inWorkers[0]).not.toEqual(inWorkers[1]); // three different seeds
  }, 120_000);

  it("passes a worker's error to the caller with the function, the input and the cause", () => {
    expect(() => pooled.refusesThree([0, 1, 2, 3, 4])).toThrow(/parallelMap: refusesThree\(inputs\[3\]\) failed in a worker thread: RangeError: refusesThree: 3 is not allowed/);
  }, 60_000);

  it("says so when a result cannot be sent back", () => {
    expect(() => pooled.returnsAFunction([0, 1])).toThrow(/returnsAFunction\(inputs\[0\]\) failed in a worker thread: its result cannot be sent between threads .*return plain data/);
  }, 60_000);

  it("a worker thread that ends without replying (process.exit) is an error naming the input, not a wait forever; the next call works", () => {
    expect(() => pooled.exitsOnOne([0, 1, 2, 3])).toThrow(
      /parallelMap: exitsOnOne\(inputs\[1\]\) failed in a worker thread: the worker thread ended \(exit code 3\) before it replied .*BNLAB_WORKERS=1/,
    );
    expect(pooled.slowerFirst([6, 7])).toEqual([6, 7].map(slowerFirst));
  }, 60_000);

  it("a worker thread that an escaped error ends between calls is replaced before the next call", async () => {
    expect(pooled.throwsLaterOnOne([0, 1])).toEqual([0, 1]);
    await new Promise((resolve) => setTimeout(resolve, 500)); // between cells: the thread ends, its exit event is seen
    expect(pooled.slowerFirst([5, 6, 7])).toEqual([5, 6, 7].map(slowerFirst));
  }, 60_000);

  it("says so when the module does not register the task when it loads", () => {
    const notAtTopLevel = parallelTask(file, function hidden(i: number): number {
      return i;
    }); // registered in this thread only: a worker loading the module does not see it
    expect(() => notAtTopLevel([0, 1])).toThrow(/parallel-tasks registers no task hidden \(call parallelTask at the top level of the module\)/);
  }, 60_000);
});
