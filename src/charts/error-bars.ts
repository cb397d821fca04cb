/**
 * Means with error bars (e.g. ± one standard error over seeds): one line or set of markers per
 * series, against a numeric x (optionally log) or named categories ("no BN", "BN", …).
 */
import type { Datum, Figure, Trace } from "./figure";
import { roundFigure } from "./round";
import { chartLayout, methodColor, type ChartAxesOptions } from "./theme";
import { checkChartOptions, checkObjects } from "./check-options";
import { checkArrayLike, checkNumber, checkNumbers } from "../validate/checks";

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

export interface ErrorBarOptions extends Omit<ChartAxesOptions, "logY"> {
  /** Markers only, no connecting lines (for categories). Default: lines and markers. */
  markersOnly?: boolean;
}

export function errorBarChart(series: readonly ErrorBarSeries[], opts: ErrorBarOptions = {}): Figure {
  const where = "errorBarChart";
  checkChartOptions(where, opts);
  checkObjects(where, "series", series);
  series.forEach((s, i) => {
    const x = checkArrayLike(where, `series[${i}].x`, s.x);
    const mean = checkNumbers(where, `series[${i}].mean`, s.mean);
    const error = checkNumbers(where, `series[${i}].error`, s.error);
    if (x.length !== mean.length || mean.length !== error.length) {
      throw new RangeError(`${where}: series "${s.name}" needs x, mean and error of the same length, got ${x.length}, ${mean.length}, ${error.length}`);
    }
    for (let j = 0; j < error.length; j++) {
      if (!Number.isNaN(error[j])) checkNumber(where, `series[${i}].error[${j}]`, error[j], { min: 0, infinite: true, hint: "the half-length of the bar" });
    }
  });
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
  return roundFigure({ data, layout: chartLayout({ ...opts, logY: undefined }) });
}
