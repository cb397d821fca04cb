/**
 * A metric against batch size, one line per normalization method, on a log₂ x axis with the
 * batch sizes as ticks (lesson 5: small batches fail for BatchNorm, not for LayerNorm/GroupNorm).
 */
import type { Figure, Trace } from "./figure";
import { roundFigure } from "./round";
import { baseLayout, METHOD_LABELS, methodColor, toMethod } from "./theme";
import { checkChartOptions, checkObjects, checkXY } from "./check-options";
import { checkNumbers } from "../validate/checks";

export interface BatchSizeSeries {
  method: string;
  /** Legend entry (default: the method's label). */
  name?: string;
  batchSizes: readonly number[];
  values: readonly number[];
  /** Optional ± error (e.g. standard deviation over seeds). */
  error?: readonly number[];
}

export interface BatchSizeOptions {
  title?: string;
  /** The metric with its unit, e.g. "test accuracy" or "error (%)". */
  yTitle?: string;
  yTickformat?: string;
  height?: number;
}

export function batchSizeFigure(series: readonly BatchSizeSeries[], opts: BatchSizeOptions = {}): Figure {
  checkChartOptions("batchSizeFigure", opts);
  checkObjects("batchSizeFigure", "series", series, "{ method, batchSizes, values }");
  series.forEach((s, i) => {
    checkXY("batchSizeFigure", `series[${i}] (batchSizes and values)`, s.batchSizes, s.values);
    checkNumbers("batchSizeFigure", `series[${i}].batchSizes`, s.batchSizes, true);
    if (Array.from(s.batchSizes).some((b) => !(b > 0))) throw new RangeError(`batchSizeFigure: series[${i}].batchSizes must be positive (the x axis is logarithmic)`);
    if (s.error !== undefined) checkXY("batchSizeFigure", `series[${i}] (values and error)`, s.values, s.error);
  });
  const sizes = Array.from(new Set(series.flatMap((s) => s.batchSizes))).sort((a, b) => a - b);
  const data: Trace[] = series.map((s, i) => {
    const color = methodColor(s.method, i);
    const m = toMethod(s.method);
    const t: Trace = {
      type: "scatter",
      mode: "lines+markers",
      name: s.name ?? (m ? METHOD_LABELS[m] : s.method),
      x: s.batchSizes.slice(),
      y: s.values.slice(),
      line: { color, width: 2 },
      marker: { color, size: 8 },
    };
    if (s.error) t.error_y = { type: "data", array: s.error.slice(), visible: true, color };
    return t;
  });
  const layout = baseLayout({ title: opts.title ?? "Effect of batch size", x: { title: "batch size (examples per minibatch, log scale)", log: true }, y: { title: opts.yTitle ?? "test accuracy", tickformat: opts.yTickformat }, height: opts.height });
  layout.xaxis = { ...layout.xaxis, tickvals: sizes, ticktext: sizes.map(String) };
  return roundFigure({ data, layout });
}
