/**
 * Delegation decided by what an exercise can reach. Every answer is collected once more, in a
 * kernel of its own (beside the main one) whose library has no implementation the exercise forbids
 * (stripped-library.ts: BatchNorm1d for the normalization exercises, `evaluate` for the accuracy
 * exercise…). That kernel runs our cells, the learner's exercise cells and the collection cells of
 * those exercises only. An answer that passes with the library and fails without it used the
 * library's implementation, however it spelled its way there: string-built names, the global
 * object, a `require` pieced together, a dynamic import, the library's file read from disk.
 */
import { EXERCISES, type ExerciseId } from "../../exercises/registry";
import type { AssembledNotebook } from "./assemble-notebook";
import { reachedLibrary, type Delegation } from "./delegation";
import type { ExtractedAnswer } from "./extract-solutions";
import type { IsolationRequest } from "./isolated-kernel";
import { judgeCells } from "./judge-cells";
import type { LessonExercise, LessonSource } from "./lesson-source";
import { runIsolated, type RunLimits } from "./run-in-kernel";
import type { CheckRun } from "./scoring";
import { strippedLibrary } from "./stripped-library";

interface ReachGroup {
  forbids: readonly string[];
  /** The registry ids whose collection cells run. */
  ids: Set<ExerciseId>;
  exercises: LessonExercise[];
}

/** The registry id a lesson exercise's check cells call (from the assembled roles), by exercise cell index. */
export function checkedIds(source: LessonSource, assembled: AssembledNotebook): Map<number, ExerciseId> {
  const ids = new Map<number, ExerciseId>();
  for (const exercise of source.exercises) {
    const role = assembled.roles.find((r) => r.collect && exercise.checks.some((c) => c.index === r.lessonIndex));
    if (role?.collect) ids.set(exercise.index, role.collect.checker);
  }
  return ids;
}

/** Answered exercises grouped by what they forbid (each group's library also lacks the judge code, so an exercise that forbids nothing is collected too). */
function groupsToCollect(ids: Map<number, ExerciseId>, answers: readonly ExtractedAnswer[]): ReachGroup[] {
  const groups = new Map<string, ReachGroup>();
  for (const answer of answers) {
    const id = ids.get(answer.exercise.index);
    if (!id || answer.state !== "answered") continue;
    const forbids = EXERCISES[id].forbids;
    const key = [...forbids].sort().join(",");
    const group = groups.get(key) ?? { forbids, ids: new Set<ExerciseId>(), exercises: [] };
    group.ids.add(id);
    group.exercises.push(answer.exercise);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The assembled notebook without hidden tests' own cells and without other exercises' collection cells. */
function reachNotebook(source: LessonSource, assembled: AssembledNotebook, ids: Set<ExerciseId>): AssembledNotebook {
  const keep = assembled.roles.map((role) => {
    if (role.collect) return ids.has(role.collect.checker);
    const cell = source.lesson.cells[role.lessonIndex];
    return !(cell.type === "code" && (cell.role.kind === "check" || cell.role.kind === "test"));
  });
  return {
    notebook: { ...assembled.notebook, cells: assembled.notebook.cells.filter((_, i) => keep[i]) },
    roles: assembled.roles.filter((_, i) => keep[i]),
    seed: assembled.seed,
  };
}

/** What the exercises of one group got where their forbidden implementations are absent. */
interface CollectedWithout {
  group: ReachGroup;
  checkRuns: Map<number, CheckRun>;
}

/**
 * Collect every answered exercise again without what it forbids: one kernel per set of forbidden
 * names. The first kernel starts while the main one does and `started` is called once it is up
 * (or at once when there is nothing to collect); its cells run once `after` settles (the main run),
 * so that no two kernels compete for the processor while cells are timed. `kernel` is how the main
 * kernel is started.
 */
export async function collectWithout(
  source: LessonSource,
  assembled: AssembledNotebook,
  ids: Map<number, ExerciseId>,
  answers: readonly ExtractedAnswer[],
  kernel: IsolationRequest,
  limits: RunLimits,
  after: Promise<unknown>,
  started: () => void,
): Promise<CollectedWithout[]> {
  const out: CollectedWithout[] = [];
  try {
    for (const group of groupsToCollect(ids, answers)) {
      const dist = strippedLibrary(kernel.projectRoot, group.forbids, kernel.sandboxParent);
      const { notebook, roles, seed } = reachNotebook(source, assembled, group.ids);
      const run = await runIsolated({ ...kernel, dist }, notebook, limits, after, started);
      out.push({ group, checkRuns: judgeCells(roles, run, seed).checkRuns });
    }
  } finally {
    started();
  }
  return out;
}

/** The answers that passed every check with the library and fail one without it, by exercise cell index, with the message. */
export function reachedLibraryOnly(main: Map<number, CheckRun>, without: readonly CollectedWithout[]): Map<number, Delegation> {
  const found = new Map<number, Delegation>();
  for (const { group, checkRuns } of without) {
    for (const exercise of group.exercises) {
      const passed = exercise.checks.every((c) => main.get(c.index)?.verdict?.ok === true);
      const failsWithout = exercise.checks.some((c) => checkRuns.get(c.index)?.verdict?.ok !== true);
      if (passed && failsWithout) found.set(exercise.index, reachedLibrary(exercise.name, group.forbids));
    }
  }
  return found;
}
