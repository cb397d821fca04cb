/**
 * Live training output: a progress line and a chart that redraw in place while `fit` runs
 * (display_data with a transient display_id, then update_display_data), throttled so that the
 * kernel is not flooded. The last update is the state the saved notebook keeps.
 *
 *   const live = liveTraining({ name: "with BN", method: "BatchNorm", compare: [baseline] });
 *   const history = fit(model, data, { steps: 2000, lr: 0.5, onStep: live.onStep });
 */
import { randomBytes } from "node:crypto";
import type { Figure } from "./figure";
import type { HistoryLike, Run } from "./history";
import { sendDisplayData } from "./jupyter-display";
import { plotlyLoaderScript } from "./plotly-source";
import { markPlotlyInjected, plotlyInjected } from "./plotly-session";
import { progressBundle, progressText, type ProgressState } from "./progress";
import { figureSummary } from "./summary";
import { sendFigureUpdate } from "./show";
import { figureBundle } from "./mime-bundle";
import { CURVE_METRICS, trainingCurves, type CurveMetric } from "./training-curves";
import { checkChartOptions } from "./check-options";
import { checkArrayLike, checkInteger, checkNumber, checkOneOf, describe } from "../validate/checks";

/** What onStep receives; `fit`'s StepInfo has this shape (extra fields are ignored). */
export interface LiveStepInfo {
  step: number;
  loss: number;
  totalSteps?: number;
  batchAccuracy?: number;
  trainAccuracy?: number;
  testAccuracy?: number;
  testLoss?: number;
  elapsedMs?: number;
  /** The full history so far; when given, the chart is drawn from it. */
  history?: HistoryLike;
}

export interface LiveTrainingOptions {
  /** Legend name of this run (default "this run"). */
  name?: string;
  method?: string;
  /** Finished runs drawn with this one (e.g. the baseline without BN). */
  compare?: readonly Run[];
  totalSteps?: number;
  title?: string;
  metric?: CurveMetric;
  /** Minimum time between redraws (default 500 ms). The last step always redraws. */
  throttleMs?: number;
  /** Draw the chart (default true); false shows only the progress line. */
  chart?: boolean;
  maxPoints?: number;
}

export interface LiveTraining {
  /** Pass to fit's onStep. */
  readonly onStep: (info: LiveStepInfo) => void;
  /** Draws the final state now (needed only if training stopped before totalSteps). */
  finish(): void;
  /** Redraws sent so far (display + updates). */
  readonly draws: number;
  readonly progressId: string;
  readonly chartId: string;
}

const DEFAULT_THROTTLE_MS = 500;

export function liveTraining(opts: LiveTrainingOptions = {}): LiveTraining {
  checkChartOptions("liveTraining", opts);
  if (opts.compare !== undefined) checkArrayLike("liveTraining", "compare", opts.compare);
  if (opts.totalSteps !== undefined) checkInteger("liveTraining", "totalSteps", opts.totalSteps, { min: 1 });
  if (opts.metric !== undefined) checkOneOf("liveTraining", "metric", opts.metric, CURVE_METRICS);
  const throttleMs = checkNumber("liveTraining", "throttleMs", opts.throttleMs ?? DEFAULT_THROTTLE_MS, { min: 0, hint: "milliseconds between redraws (default 500)" });
  const token = randomBytes(6).toString("hex");
  const progressId = `bnlab-progress-${token}`;
  const chartId = `bnlab-live-${token}`;
  const recorded = { steps: [] as number[], loss: [] as number[], trainAccuracy: [] as number[], eval: { step: [] as number[], testAccuracy: [] as number[], testLoss: [] as number[] } };
  let last: LiveStepInfo | undefined;
  let history: HistoryLike = recorded;
  let testAccuracy: number | undefined;
  let startedAt: number | undefined;
  let startStep = 0;
  let lastDraw = -Infinity;
  let drawnStep = -1;
  let shown = false;
  let inKernel = true;
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let draws = 0;

  const record = (info: LiveStepInfo): void => {
    const acc = info.trainAccuracy ?? info.batchAccuracy;
    if (info.history) {
      history = info.history;
    } else {
      recorded.steps.push(info.step);
      recorded.loss.push(info.loss);
      if (acc !== undefined) recorded.trainAccuracy.push(acc);
      if (info.testAccuracy !== undefined) {
        recorded.eval.step.push(info.step);
        recorded.eval.testAccuracy.push(info.testAccuracy);
        recorded.eval.testLoss.push(info.testLoss ?? NaN);
      }
    }
    if (info.testAccuracy !== undefined) testAccuracy = info.testAccuracy;
  };

  const state = (info: LiveStepInfo, now: number): ProgressState => {
    const total = info.totalSteps ?? opts.totalSteps;
    let rate: number | undefined;
    let elapsedSeconds: number | undefined;
    if (info.elapsedMs !== undefined && info.elapsedMs > 0) {
      elapsedSeconds = info.elapsedMs / 1000;
      rate = info.step / elapsedSeconds;
    } else if (startedAt !== undefined && now > startedAt) {
      elapsedSeconds = (now - startedAt) / 1000;
      if (info.step > startStep) rate = (info.step - startStep) / elapsedSeconds;
    }
    return { step: info.step, totalSteps: total, loss: info.loss, trainAccuracy: info.trainAccuracy ?? info.batchAccuracy, testAccuracy, rate, elapsedSeconds, done };
  };

  const figure = (total: number | undefined): Figure => {
    const runs: Run[] = [...(opts.compare ?? []), { name: opts.name ?? "this run", method: opts.method, history }];
    const hasAccuracy = runs.some((r) => (r.history.trainAccuracy?.length ?? 0) > 0);
    const fig = trainingCurves(runs, { metric: opts.metric ?? (hasAccuracy ? "both" : "loss"), title: opts.title ?? "Training (live)", maxPoints: opts.maxPoints });
    if (total !== undefined) {
      for (const key of ["xaxis", "xaxis2"]) {
        const ax = fig.layout[key];
        if (ax) fig.layout[key] = { ...(ax as Record<string, unknown>), range: [0, total], autorange: false };
      }
    }
    return fig;
  };

  const draw = (): void => {
    if (!last) return;
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const now = Date.now();
    lastDraw = now;
    drawnStep = last.step;
    draws += 1;
    const p = state(last, now);
    const update = shown;
    if (!inKernel) {
      console.log(progressText(p));
      if (done && opts.chart !== false) console.log(figureSummary(figure(p.totalSteps)));
      return;
    }
    if (!update && opts.chart !== false && !plotlyInjected()) {
      // plotly.js goes in its own output: the chart's output is rewritten by every update, and
      // the saved notebook must still hold the library after the last one.
      if (sendDisplayData({ data: { "text/html": plotlyLoaderScript(), "text/plain": "" }, metadata: {} })) markPlotlyInjected();
    }
    if (!sendDisplayData({ data: progressBundle(p), metadata: {}, transient: { display_id: progressId } }, update)) {
      inKernel = false;
      draws -= 1;
      draw();
      return;
    }
    if (opts.chart !== false) {
      const bundle = figureBundle(figure(p.totalSteps));
      if (update) sendFigureUpdate(chartId, bundle);
      else sendDisplayData({ data: bundle, metadata: {}, transient: { display_id: chartId } }, false);
    }
    shown = true;
  };

  const onStep = (info: LiveStepInfo): void => {
    if (info === null || typeof info !== "object" || typeof info.step !== "number" || typeof info.loss !== "number") {
      throw new TypeError(`liveTraining.onStep: expected fit's step info { step, loss, … } (pass live.onStep as fit's onStep), got ${describe(info)}`);
    }
    const now = Date.now();
    if (startedAt === undefined) {
      startedAt = now;
      startStep = info.step;
    }
    last = info;
    record(info);
    const total = info.totalSteps ?? opts.totalSteps;
    if (total !== undefined && info.step >= total) {
      done = true;
      draw();
    } else if (now - lastDraw >= throttleMs) {
      draw();
    } else if (timer === undefined) {
      // A trailing redraw, for runs that stop early without calling finish().
      timer = setTimeout(() => {
        timer = undefined;
        if (last && drawnStep !== last.step) draw();
      }, throttleMs);
      if (typeof timer === "object" && typeof timer.unref === "function") timer.unref();
    }
  };

  return {
    onStep,
    finish(): void {
      if (done && last && drawnStep === last.step) return;
      done = true;
      draw();
    },
    get draws(): number {
      return draws;
    },
    progressId,
    chartId,
  };
}
