/**
 * Adapter from a training History (what `fit` returns) to named series. It reads only plain
 * number arrays and tolerates missing parts, so it works with any history of roughly this shape:
 *   { steps, loss, trainAccuracy, eval: { step, testAccuracy, testLoss } }
 */
import type { Series } from "./series";

export interface EvalColumns {
  step?: readonly number[];
  testAccuracy?: readonly number[];
  testLoss?: readonly number[];
}

export interface HistoryLike {
  steps?: readonly number[];
  loss?: readonly number[];
  trainAccuracy?: readonly number[];
  eval?: EvalColumns;
}

/** One training run to plot: a name, its method (for the colour), and its history. */
export interface Run {
  name: string;
  method?: string;
  history: HistoryLike;
}

export type HistoryMetric = "loss" | "trainAccuracy" | "testAccuracy" | "testLoss";

function stepsFor(values: readonly number[], steps: readonly number[] | undefined): number[] {
  return values.map((_, i) => (steps && i < steps.length ? steps[i] : i + 1));
}

/** The (step, value) series of one metric of a history, or undefined if the history lacks it. */
function historyMetric(h: HistoryLike, metric: HistoryMetric): { x: number[]; y: number[] } | undefined {
  if (metric === "loss" || metric === "trainAccuracy") {
    const y = h[metric];
    if (!y || y.length === 0) return undefined;
    return { x: stepsFor(y, h.steps), y: y.slice() };
  }
  const e = h.eval ?? {};
  const y = e[metric];
  if (!y || y.length === 0 || y.every((v) => !Number.isFinite(v))) return undefined;
  return { x: stepsFor(y, e.step), y: y.slice() };
}

const METRIC_SUFFIX: Record<HistoryMetric, string> = {
  loss: "train loss",
  trainAccuracy: "train",
  testAccuracy: "test",
  testLoss: "test loss",
};

/** Series of a run for the given metrics; test curves are solid, train curves dashed. */
export function runSeries(run: Run, metrics: readonly HistoryMetric[]): Series[] {
  if (run === null || typeof run !== "object" || run.history === null || typeof run.history !== "object") {
    throw new TypeError(`runSeries: run must be { name, history }, got ${run === null ? "null" : typeof run === "object" ? "an object" : typeof run}`);
  }
  const out: Series[] = [];
  for (const metric of metrics) {
    const s = historyMetric(run.history, metric);
    if (!s) continue;
    const name = metrics.length > 1 ? `${run.name} (${METRIC_SUFFIX[metric]})` : run.name;
    const dash = metrics.length > 1 && (metric === "loss" || metric === "trainAccuracy") ? "dash" : "solid";
    out.push({ name, method: run.method, x: s.x, y: s.y, dash });
  }
  return out;
}
