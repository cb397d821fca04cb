/**
 * Training curves of several runs overlaid (with and without BN): loss, train/test accuracy, or
 * both side by side, against the training step.
 */
import type { Axis, Figure, Trace } from "./figure";
import { runSeries, type HistoryMetric, type Run } from "./history";
import { lineTrace } from "./line-chart";
import { roundFigure } from "./round";
import { axis, baseLayout } from "./theme";
import { checkChartOptions } from "./check-options";
import { checkArrayLike, checkOneOf, describe } from "../validate/checks";

export type CurveMetric = "loss" | "accuracy" | "both";
export const CURVE_METRICS: readonly CurveMetric[] = ["loss", "accuracy", "both"];

export interface TrainingCurvesOptions {
  metric?: CurveMetric;
  title?: string;
  xTitle?: string;
  /** Log scale for the loss axis. */
  logLoss?: boolean;
  maxPoints?: number;
  height?: number;
}

const LOSS_METRICS: readonly HistoryMetric[] = ["loss", "testLoss"];
const ACCURACY_METRICS: readonly HistoryMetric[] = ["trainAccuracy", "testAccuracy"];
const STEP_TITLE = "training step (minibatches)";
const LOSS_TITLE = "cross-entropy loss (nats)";

/** Accuracy as a fraction gets a percent axis; accuracy already in percent keeps its numbers. */
function accuracyAxis(traces: readonly Trace[]): Axis {
  const max = Math.max(0, ...traces.flatMap((t) => (t.y ?? []).filter((v): v is number => typeof v === "number")));
  return max <= 1.0001 ? axis({ title: "accuracy", tickformat: ".0%" }) : axis({ title: "accuracy (%)" });
}

function panelTraces(runs: readonly Run[], metrics: readonly HistoryMetric[], panel: { xaxis?: string; yaxis?: string; showlegend: boolean }, maxPoints?: number): Trace[] {
  return runs.flatMap((run, index) =>
    runSeries(run, metrics).map((s) =>
      lineTrace(s, { index, maxPoints, xaxis: panel.xaxis, yaxis: panel.yaxis, showlegend: panel.showlegend, legendgroup: run.name }),
    ),
  );
}

export function trainingCurves(runs: readonly Run[], opts: TrainingCurvesOptions = {}): Figure {
  checkChartOptions("trainingCurves", opts);
  checkArrayLike("trainingCurves", "runs", runs);
  runs.forEach((r, i) => {
    if (r === null || typeof r !== "object" || r.history === null || typeof r.history !== "object") {
      throw new TypeError(`trainingCurves: runs[${i}] must be { name, history } with the history fit returned, got ${describe(r)}`);
    }
  });
  const metric = checkOneOf("trainingCurves", "metric", opts.metric ?? "both", CURVE_METRICS);
  const xTitle = opts.xTitle ?? STEP_TITLE;
  const title = opts.title ?? (metric === "loss" ? "Training loss" : metric === "accuracy" ? "Accuracy during training" : "Loss and accuracy during training");
  const layout = baseLayout({ title, x: { title: xTitle }, height: opts.height });
  let data: Trace[];
  if (metric === "both") {
    const loss = panelTraces(runs, LOSS_METRICS, { showlegend: false }, opts.maxPoints);
    const acc = panelTraces(runs, ACCURACY_METRICS, { xaxis: "x2", yaxis: "y2", showlegend: true }, opts.maxPoints);
    data = [...loss, ...acc];
    layout.xaxis = { ...axis({ title: xTitle }), domain: [0, 0.45] };
    layout.yaxis = axis({ title: LOSS_TITLE, log: opts.logLoss });
    layout.xaxis2 = { ...axis({ title: xTitle }), domain: [0.55, 1], anchor: "y2" };
    layout.yaxis2 = { ...accuracyAxis(acc), anchor: "x2" };
  } else if (metric === "loss") {
    data = panelTraces(runs, LOSS_METRICS, { showlegend: true }, opts.maxPoints);
    layout.yaxis = axis({ title: LOSS_TITLE, log: opts.logLoss });
  } else {
    data = panelTraces(runs, ACCURACY_METRICS, { showlegend: true }, opts.maxPoints);
    layout.yaxis = accuracyAxis(data);
  }
  return roundFigure({ data, layout });
}
