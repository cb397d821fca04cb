/**
 * Histograms of a layer's activations, several groups overlaid on shared bins (e.g. a feature
 * before and after normalization).
 */
import { density, jointRange, makeBins, type Bins } from "./bins";
import type { Figure, Trace } from "./figure";
import { roundFigure } from "./round";
import { baseLayout, methodColor, NEUTRAL_COLOR, withAlpha } from "./theme";
import { checkChartOptions, checkObjects } from "./check-options";
import { checkNumbers } from "../validate/checks";

export interface HistogramGroup {
  name: string;
  values: readonly number[];
  method?: string;
  color?: string;
}

export interface HistogramOptions {
  title?: string;
  /** What the values are, with units, e.g. "pre-activation value". */
  xTitle?: string;
  bins?: number;
  range?: readonly [number, number];
  height?: number;
}

export const DENSITY_TITLE = "probability density";

/** One bar trace: bars start at the bin's left edge (`offset: 0`) and span its width. */
function histogramTrace(group: HistogramGroup, bins: Bins, index: number): Trace {
  const color = group.color ?? (group.method !== undefined ? methodColor(group.method, index) : index === 0 ? NEUTRAL_COLOR : methodColor(undefined, index - 1));
  return {
    type: "bar",
    name: group.name,
    x: bins.edges.slice(),
    y: density(group.values, bins),
    width: bins.width,
    offset: 0,
    marker: { color: withAlpha(color, 0.55), line: { color, width: 1 } },
    hovertemplate: `${group.name}<br>%{x:.3g}: %{y:.3g}<extra></extra>`,
  };
}

export function histogramFigure(groups: readonly HistogramGroup[], opts: HistogramOptions = {}): Figure {
  checkChartOptions("histogramFigure", opts);
  checkObjects("histogramFigure", "groups", groups, "{ name, values }");
  groups.forEach((g, i) => checkNumbers("histogramFigure", `groups[${i}].values`, g.values));
  const bins = makeBins(opts.bins ?? 40, opts.range ?? jointRange(groups.map((g) => g.values)));
  const layout = baseLayout({ title: opts.title ?? "Distribution of activations", x: { title: opts.xTitle ?? "activation value" }, y: { title: DENSITY_TITLE }, height: opts.height });
  layout.barmode = "overlay";
  layout.bargap = 0;
  return roundFigure({ data: groups.map((g, i) => histogramTrace(g, bins, i)), layout });
}
