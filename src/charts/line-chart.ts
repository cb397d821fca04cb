/** Line charts of named series: the generic builder, and the trace helper the others share. */
import type { Figure, Trace } from "./figure";
import { roundFigure } from "./round";
import { DEFAULT_MAX_POINTS, downsample, type Series } from "./series";
import { chartLayout, methodColor, type ChartAxesOptions } from "./theme";
import { checkChartOptions, checkXY } from "./check-options";
import { checkArrayLike, describe } from "../validate/checks";

/** Options of lineTrace; xaxis, yaxis, showlegend and legendgroup are copied onto the trace when given. */
export interface LineTraceOptions extends Pick<Trace, "xaxis" | "yaxis" | "showlegend" | "legendgroup"> {
  /** Position in the figure, for the fallback colour of series without a method. */
  index?: number;
  maxPoints?: number;
  markers?: boolean;
}

export function lineTrace(s: Series, opts: LineTraceOptions = {}): Trace {
  checkChartOptions("lineTrace", opts);
  checkSeries("lineTrace", "the series", s);
  const { x, y } = downsample(s.x, s.y, opts.maxPoints ?? DEFAULT_MAX_POINTS);
  const trace: Trace = {
    type: "scatter",
    mode: opts.markers ? "lines+markers" : "lines",
    name: s.name,
    x,
    y,
    line: { color: s.color ?? methodColor(s.method, opts.index ?? 0), width: 2, dash: s.dash ?? "solid" },
  };
  if (opts.markers) trace.marker = { size: 7 };
  if (opts.xaxis) trace.xaxis = opts.xaxis;
  if (opts.yaxis) trace.yaxis = opts.yaxis;
  if (opts.showlegend !== undefined) trace.showlegend = opts.showlegend;
  if (opts.legendgroup !== undefined) trace.legendgroup = opts.legendgroup;
  return trace;
}

export interface LineChartOptions extends ChartAxesOptions {
  markers?: boolean;
  maxPoints?: number;
}

export function lineChart(series: readonly Series[], opts: LineChartOptions = {}): Figure {
  checkChartOptions("lineChart", opts);
  checkArrayLike("lineChart", "series", series);
  series.forEach((s, i) => checkSeries("lineChart", `series[${i}]`, s));
  const data = series.map((s, index) => lineTrace(s, { index, maxPoints: opts.maxPoints, markers: opts.markers }));
  return roundFigure({ data, layout: chartLayout(opts) });
}

/** A series: an object with a name and x, y of the same length. */
export function checkSeries(where: string, what: string, s: Series): void {
  if (s === null || typeof s !== "object") throw new TypeError(`${where}: ${what} must be { name, x, y }, got ${describe(s)}`);
  checkXY(where, `${what} (${JSON.stringify(s.name)})`, s.x, s.y);
}
