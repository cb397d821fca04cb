/**
 * parallelMap: the same results as the serial map, bit for bit and in input order; a worker's error
 * reaches the caller naming the function, the input and the cause.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parallelMap, poolSize } from "../src/experiments/parallel";
import { whyBnRun, type RunOptions } from "../src/experiments/why-bn";
import { exitsOnOne, refusesThree, returnsAFunction, slowerFirst, throwsLaterOnOne } from "./helpers/parallel-tasks";

const tasks = path.join(__dirname, "helpers", "parallel-tasks");
const whyBn = path.join(__dirname, "..", "src", "experiments", "why-bn");

describe("parallelMap", () => {
  // two workers on any machine (one core included): the tests below are about the pool, not the serial path
  const saved = process.env.BNLAB_WORKERS;
  beforeAll(() => void (process.env.BNLAB_WORKERS = "2"));
  afterAll(() => (saved === undefined ? delete process.env.BNLAB_WORKERS : (process.env.BNLAB_WORKERS = saved)));

  it("uses two workers (BNLAB_WORKERS=2)", () => {
    expect(poolSize()).toBe(2);
  });

  it("returns the results in input order although later inputs finish first", () => {
    const inputs = [0, 1, 2, 3, 4, 5, 6, 7];
    expect(parallelMap(tasks, slowerFirst, inputs)).toEqual(inputs.map(slowerFirst));
  }, 60_000);

  it("trains the same networks as the serial run, bit for bit", () => {
    const runs: RunOptions[] = [0, 1, 2].map((seed) => ({ activation: "sigmoid", norm: "bn", seed, lr: 1, steps: 6, evalEvery: 3, record: 1, probeEvery: 3 }));
    const withoutTime = (r: ReturnType<typeof whyBnRun>) => ({ ...r, history: { ...r.history, wallTimeMs: 0 } });
    const pooled = parallelMap(whyBn, whyBnRun, runs).map(withoutTime);
    const serial = runs.map((o) => withoutTime(whyBnRun(o)));
    expect(pooled).toEqual(serial);
    expect(pooled[1].history.eval.testLoss.every((v, i) => Object.is(v, serial[1].history.eval.testLoss[i]))).toBe(true);
    expect(pooled[0].history.eval.testLoss).not.toEqual(pooled[1].history.eval.testLoss); // three different seeds
  }, 120_000);

  it("passes a worker's error to the caller with the function, the input and the cause", () => {
    expect(() => parallelMap(tasks, refusesThree, [0, 1, 2, 3, 4])).toThrow(/parallelMap: refusesThree\(inputs\[3\]\) failed in a worker thread: RangeError: refusesThree: 3 is not allowed/);
  }, 60_000);

  it("says so when a result cannot be sent back", () => {
    expect(() => parallelMap(tasks, returnsAFunction, [0, 1])).toThrow(/returnsAFunction\(inputs\[0\]\) failed in a worker thread: its result cannot be sent between threads .*return plain data/);
  }, 60_000);

  it("a worker thread that ends without replying (process.exit) is an error naming the input, not a wait forever; the next call works", () => {
    expect(() => parallelMap(tasks, exitsOnOne, [0, 1, 2, 3])).toThrow(
      /parallelMap: exitsOnOne\(inputs\[1\]\) failed in a worker thread: the worker thread ended \(exit code 3\) before it replied .*BNLAB_WORKERS=1/,
    );
    expect(parallelMap(tasks, slowerFirst, [6, 7])).toEqual([6, 7].map(slowerFirst));
  }, 60_000);

  it("a worker thread that an escaped error ends between calls is replaced before the next call", async () => {
    expect(parallelMap(tasks, throwsLaterOnOne, [0, 1])).toEqual([0, 1]);
    await new Promise((resolve) => setTimeout(resolve, 500)); // between cells: the thread ends, its exit event is seen
    expect(parallelMap(tasks, slowerFirst, [5, 6, 7])).toEqual([5, 6, 7].map(slowerFirst));
  }, 60_000);

  it("says so when the module does not export the function", () => {
    const notExported = function hidden(i: number): number {
      return i;
    };
    expect(() => parallelMap(tasks, notExported, [0, 1])).toThrow(/parallel-tasks exports no function hidden \(parallelMap needs an exported function\)/);
  }, 60_000);
});
