/**
 * Ranges over training: for each run a shaded band from `low` to `high` at each x (e.g. the
 * smallest and largest loss seen along the gradient at a checkpoint), with an optional middle
 * line — Santurkar et al.'s Figure 4 style, one colour per run, on one shared axis.
 */
import type { Figure, Trace } from "./figure";
import { roundFigure } from "./round";
import { chartLayout, methodColor, withAlpha, type ChartAxesOptions } from "./theme";
import { checkChartOptions, checkObjects } from "./check-options";
import { checkNumbers } from "../validate/checks";

export interface RangeBand {
  name: string;
  method?: string;
  color?: string;
  x: readonly number[];
  low: readonly number[];
  high: readonly number[];
  /** A line inside the band (e.g. the mean), optional. */
  middle?: readonly number[];
}

export type RangeBandsOptions = Pick<ChartAxesOptions, "title" | "xTitle" | "yTitle" | "logY" | "height">;

export function rangeBands(bands: readonly RangeBand[], opts: RangeBandsOptions = {}): Figure {
  const where = "rangeBands";
  checkChartOptions(where, opts);
  checkObjects(where, "bands", bands);
  bands.forEach((b, i) => {
    const [x, low, high] = (["x", "low", "high"] as const).map((k) => checkNumbers(where, `bands[${i}].${k}`, b[k]));
    const middle = b.middle === undefined ? x : checkNumbers(where, `bands[${i}].middle`, b.middle);
    if (low.length !== x.length || high.length !== x.length || middle.length !== x.length) {
      const lengths = [x, low, high, ...(b.middle === undefined ? [] : [middle])].map((v) => v.length).join(", ");
      throw new RangeError(`${where}: band "${b.name}" needs x, low, high (and middle) of the same length, got ${lengths}`);
    }
    for (let j = 0; j < x.length; j++) {
      if (high[j] < low[j]) throw new RangeError(`${where}: band "${b.name}" has high[${j}] = ${high[j]} below low[${j}] = ${low[j]}; give the smaller value as low`);
    }
  });
  const data: Trace[] = [];
  bands.forEach((b, i) => {
    const color = b.color ?? methodColor(b.method, i);
    const common = { type: "scatter" as const, mode: "lines" as const, legendgroup: b.name };
    data.push({ ...common, name: `${b.name} (max)`, x: b.x.slice(), y: b.high.slice(), line: { color, width: 1 }, showlegend: false });
    data.push({ ...common, name: `${b.name}: range`, x: b.x.slice(), y: b.low.slice(), line: { color, width: 1 }, fill: "tonexty", fillcolor: withAlpha(color, 0.3) });
    if (b.middle) data.push({ ...common, name: `${b.name}`, x: b.x.slice(), y: b.middle.slice(), line: { color, width: 2.5 }, showlegend: false });
  });
  const { title, xTitle, yTitle, logY, height } = opts;
  return roundFigure({ data, layout: chartLayout({ title, xTitle, yTitle, logY, height }) });
}
