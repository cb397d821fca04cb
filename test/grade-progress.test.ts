/** What `npm run grade` prints for a class: the progress bar and the per-lesson summary (tools/grade-progress.ts). */
import { describe, expect, it } from "vitest";
import { progressLine, progressPrinter, summaryLines } from "../tools/grade-progress";

describe("grading progress", () => {
  it("draws a bar that fills as notebooks are graded", () => {
    const line = (done: number, total: number): string => progressLine({ done, total, learner: "alice", lesson: "01-normalize", status: "ok", points: 4.5, maxPoints: 6, durationMs: 12_345 });
    expect(line(0, 4)).toBe("[....................] 0/4 alice 01-normalize: ok 4.5/6 (12.3 s)");
    expect(line(1, 4)).toBe("[#####...............] 1/4 alice 01-normalize: ok 4.5/6 (12.3 s)");
    expect(line(4, 4)).toMatch(/^\[#{20}\] 4\/4 /);
  });

  it("redraws in place on a terminal, one line per notebook otherwise", () => {
    const written: string[] = [];
    const stream = (isTTY: boolean) => ({ isTTY, write: (text: string) => written.push(text) }) as unknown as NodeJS.WriteStream;
    const p = { learner: "a", lesson: "l", status: "ok", points: 1, maxPoints: 1, durationMs: 0 };
    progressPrinter(stream(true))({ ...p, done: 1, total: 2 });
    progressPrinter(stream(true))({ ...p, done: 2, total: 2 });
    progressPrinter(stream(false))({ ...p, done: 1, total: 2 });
    expect(written[0]).toMatch(/^\r\x1b\[K\[#{10}\.{10}\] 1\/2 .*\)$/);
    expect(written[1]).toMatch(/^\r\x1b\[K\[#{20}\] 2\/2 .*\)\n$/);
    expect(written[2]).toMatch(/^\[#{10}\.{10}\] 1\/2 .*\)\n$/);
  });

  it("sums up each lesson: learners, mean and lowest score, statuses", () => {
    const rows = [
      { learner: "alice", lesson: "01-normalize", status: "ok", total: 6, maxTotal: 6 },
      { learner: "bruno", lesson: "01-normalize", status: "runtime-error", total: 3, maxTotal: 6 },
      { learner: "carla", lesson: "01-normalize", status: "ok", total: 4.333, maxTotal: 6 },
      { learner: "alice", lesson: "02-gamma-beta", status: "missing", total: 0, maxTotal: 5 },
    ];
    expect(summaryLines(rows)).toEqual([
      "01-normalize: 3 learners, mean 4.44/6, lowest 3/6; 2 ok, 1 runtime-error",
      "02-gamma-beta: 1 learner, mean 0/5, lowest 0/5; 1 missing",
    ]);
  });
});
