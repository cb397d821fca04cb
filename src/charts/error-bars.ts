/**
 * Means with error bars (e.g. ± one standard error over seeds): one line or set of markers per
 * series, against a numeric x (optionally log) or named categories ("no BN", "BN", …).
 */
import type { Datum, Figure, Trace } from "./figure";
import { roundFigure } from "./round";
import { baseLayout, methodColor } from "./theme";

export interface ErrorBarSeries {
  name: string;
  /** A normalization method ("BatchNorm", "baseline", …) picks the course colour. */
  method?: string;
  color?: string;
  x: readonly (number | string)[];
  mean: readonly number[];
  /** The half-length of each error bar (same length as mean). */
  error: readonly number[];
  dash?: "solid" | "dot" | "dash";
}

export interface ErrorBarOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  yRange?: number[];
  yTickformat?: string;
  /** Markers only, no connecting lines (for categories). Default: lines and markers. */
  markersOnly?: boolean;
  height?: number;
}

export function errorBarChart(series: readonly ErrorBarSeries[], opts: ErrorBarOptions = {}): Figure {
  for (const s of series) {
    if (s.x.length !== s.mean.length || s.mean.length !== s.error.length) {
      throw new Error(`errorBarChart: series "${s.name}" needs x, mean and error of the same length, got ${s.x.length}, ${s.mean.length}, ${s.error.length}`);
    }
  }
  const data: Trace[] = series.map((s, i) => {
    const color = s.color ?? methodColor(s.method, i);
    return {
      type: "scatter",
      mode: opts.markersOnly ? "markers" : "lines+markers",
      name: s.name,
      x: s.x.slice() as Datum[],
      y: s.mean.slice(),
      error_y: { type: "data", array: s.error.slice(), visible: true, color, thickness: 1.5, width: 5 },
      line: { color, width: 2, dash: s.dash ?? "solid" },
      marker: { color, size: 8 },
    };
  });
  const layout = baseLayout({
    title: opts.title,
    x: { title: opts.xTitle, log: opts.logX },
    y: { title: opts.yTitle, range: opts.yRange, tickformat: opts.yTickformat },
    height: opts.height,
  });
  return roundFigure({ data, layout });
}
