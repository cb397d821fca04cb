/**
 * Stage 4 of grading: verdicts, in the grader's process, from data only. Each collection cell's
 * output goes to its exercise's judge (collection.ts); a hidden test's own cell is kept beside
 * the verdict (it can only take the point away); every other cell's run is kept by lesson cell.
 * Cells after a fatal stop never ran and are marked so.
 */
import type { CellRole } from "./assemble-notebook";
import { judgeCollected } from "./collection";
import type { KernelRun } from "./run-in-kernel";
import type { CellRun, CheckRun } from "./scoring";

interface JudgedCells {
  /** Runs of the lesson's own and the learner's cells, by lesson cell index. */
  runs: Map<number, CellRun>;
  /** Verdicts of check and hidden-test cells, by lesson cell index. */
  checkRuns: Map<number, CheckRun>;
}

const NOT_RUN: CellRun = { status: "not-run", stdout: "" };

/** `seed`: the learner's, which the collection cells were given (AssembledNotebook.seed). */
export function judgeCells(roles: readonly CellRole[], run: KernelRun, seed: string): JudgedCells {
  const runs = new Map<number, CellRun>();
  const checkRuns = new Map<number, CheckRun>();
  roles.forEach((role, index) => {
    const record = run.cells[index];
    if (role.collect) {
      if (!record) return checkRuns.set(role.lessonIndex, { verdict: null, problem: "not run", collection: NOT_RUN });
      const judged = record.run.status === "ok" ? judgeCollected(role.collect.checker, record.outputs, seed) : { ok: false as const, problem: "the collection cell failed" };
      checkRuns.set(role.lessonIndex, { verdict: judged.ok ? judged.result : null, ...(judged.ok ? {} : { problem: judged.problem }), collection: record.run });
    } else if (checkRuns.has(role.lessonIndex)) {
      if (record) (checkRuns.get(role.lessonIndex) as CheckRun).extra = record.run;
    } else {
      runs.set(role.lessonIndex, record ? record.run : NOT_RUN);
    }
  });
  return { runs, checkRuns };
}
