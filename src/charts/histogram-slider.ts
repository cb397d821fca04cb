/**
 * Activation histograms at several training steps with a slider to scrub through them, e.g. a
 * hidden layer's pre-activations with and without BN drifting (or not) as training goes on.
 * All frames share bins and axis ranges, so what moves is the distribution, not the axes.
 */
import { density, jointRange, makeBins } from "./bins";
import type { Figure } from "./figure";
import { DENSITY_TITLE, histogramTrace, type HistogramGroup, checkGroups } from "./histogram";
import { withFrames } from "./slider";
import { baseLayout } from "./theme";
import { checkChartOptions, checkObjects } from "./check-options";

export interface HistogramSnapshot {
  step: number;
  groups: readonly HistogramGroup[];
}

export interface HistogramSliderOptions {
  title?: string;
  xTitle?: string;
  bins?: number;
  range?: readonly [number, number];
  play?: boolean;
  height?: number;
}

export function histogramSlider(snapshots: readonly HistogramSnapshot[], opts: HistogramSliderOptions = {}): Figure {
  checkChartOptions("histogramSlider", opts);
  checkObjects("histogramSlider", "snapshots", snapshots, "{ step, groups }");
  if (snapshots.length === 0) throw new RangeError("histogramSlider: expected at least one snapshot { step, groups }, got none");
  snapshots.forEach((s, i) => checkGroups(`histogramSlider (snapshots[${i}])`, s.groups));
  const all = snapshots.flatMap((s) => s.groups.map((g) => g.values));
  const range = opts.range ?? jointRange(all);
  const bins = makeBins(opts.bins ?? 40, range);
  const yMax = Math.max(1e-9, ...all.map((v) => Math.max(...density(v, bins))));
  const layout = baseLayout({
    title: opts.title ?? "Activations during training",
    x: { title: opts.xTitle ?? "activation value", range: [range[0], range[1]] },
    y: { title: DENSITY_TITLE, range: [0, yMax * 1.05] },
    height: opts.height,
  });
  layout.barmode = "overlay";
  layout.bargap = 0;
  const frames = snapshots.map((s) => ({ label: String(s.step), data: s.groups.map((g, i) => histogramTrace(g, bins, i)) }));
  return withFrames({ layout }, frames, { prefix: "step: ", play: opts.play, active: snapshots.length - 1 });
}
