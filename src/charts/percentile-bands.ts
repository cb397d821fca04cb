/**
 * Percentile bands over training (Ioffe & Szegedy 2015, Figure 1): the 15th–85th percentile band
 * of a sigmoid's input and its median against the training step, one panel per run, side by side
 * on a shared y axis — stable with BN, drifting without.
 */
import type { Figure, Layout, Trace } from "./figure";
import { roundFigure } from "./round";
import { downsample, DEFAULT_MAX_POINTS } from "./series";
import { axis, baseLayout, methodColor, withAlpha } from "./theme";
import { checkChartOptions, checkObjects, checkXY } from "./check-options";
import { checkArrayLike, describe } from "../validate/checks";

export interface PercentileTrack {
  /** Panel title, e.g. "without BN". */
  name: string;
  method?: string;
  steps: readonly number[];
  low: readonly number[];
  median: readonly number[];
  high: readonly number[];
}

export interface PercentileBandsOptions {
  title?: string;
  yTitle?: string;
  xTitle?: string;
  /** The percentiles that low/median/high are, for the legend (default 15, 50, 85). */
  percentiles?: readonly [number, number, number];
  maxPoints?: number;
  height?: number;
}

function axisName(kind: "x" | "y", panel: number): string {
  return panel === 0 ? kind : `${kind}${panel + 1}`;
}

function layoutKey(kind: "x" | "y", panel: number): string {
  return panel === 0 ? `${kind}axis` : `${kind}axis${panel + 1}`;
}

function trackTraces(track: PercentileTrack, panel: number, labels: readonly string[], maxPoints: number): Trace[] {
  const color = methodColor(track.method, panel);
  const lo = downsample(track.steps, track.low, maxPoints);
  const hi = downsample(track.steps, track.high, maxPoints);
  const med = downsample(track.steps, track.median, maxPoints);
  const common = { type: "scatter" as const, mode: "lines" as const, xaxis: axisName("x", panel), yaxis: axisName("y", panel), legendgroup: track.name };
  return [
    { ...common, name: `${track.name}: ${labels[2]}`, x: hi.x, y: hi.y, line: { color, width: 0.5 }, showlegend: false, hoverinfo: "x+y" },
    {
      ...common,
      name: `${track.name}: ${labels[0]}–${labels[2]}`,
      x: lo.x,
      y: lo.y,
      line: { color, width: 0.5 },
      fill: "tonexty",
      fillcolor: withAlpha(color, 0.25),
    },
    { ...common, name: `${track.name}: ${labels[1]} (median)`, x: med.x, y: med.y, line: { color, width: 2.5 } },
  ];
}

export function percentileBands(tracks: readonly PercentileTrack[], opts: PercentileBandsOptions = {}): Figure {
  checkChartOptions("percentileBands", opts);
  checkObjects("percentileBands", "tracks", tracks, "{ name, steps, low, median, high }");
  tracks.forEach((t, i) => {
    for (const key of ["low", "median", "high"] as const) checkXY("percentileBands", `tracks[${i}] (steps and ${key})`, t.steps, t[key]);
  });
  const [p1, p2, p3] = opts.percentiles ?? [15, 50, 85];
  const labels = [p1, p2, p3].map((p) => `${p}th`);
  const xTitle = opts.xTitle ?? "training step (minibatches)";
  const layout: Layout = baseLayout({ title: opts.title ?? `Sigmoid input over training: ${p1}th, ${p2}th and ${p3}th percentiles`, height: opts.height });
  const n = Math.max(1, tracks.length);
  const gap = 0.06;
  const width = (1 - gap * (n - 1)) / n;
  const annotations: Record<string, unknown>[] = [];
  tracks.forEach((track, panel) => {
    const start = panel * (width + gap);
    layout[layoutKey("x", panel)] = { ...axis({ title: xTitle }), domain: [start, start + width], anchor: axisName("y", panel) };
    const y = { ...axis({ title: panel === 0 ? opts.yTitle ?? "sigmoid input (pre-activation)" : undefined }), anchor: axisName("x", panel) };
    layout[layoutKey("y", panel)] = panel === 0 ? y : { ...y, matches: "y", showticklabels: true };
    annotations.push({ text: `<b>${track.name}</b>`, x: start + width / 2, y: 1.0, xref: "paper", yref: "paper", xanchor: "center", yanchor: "bottom", showarrow: false });
  });
  layout.annotations = annotations;
  layout.legend = { ...(layout.legend as Record<string, unknown>), orientation: "h", x: 0, y: -0.32, yanchor: "top" };
  layout.margin = { l: 64, r: 24, t: 72, b: 120 };
  layout.height = (layout.height ?? 400) + 40;
  const data = tracks.flatMap((t, i) => trackTraces(t, i, labels, opts.maxPoints ?? DEFAULT_MAX_POINTS));
  return roundFigure({ data, layout });
}

/** Percentiles as fit records them (`history.activations`): `percentiles["50"][k]` at `step[k]`. */
export interface ActivationPercentiles {
  step: readonly number[];
  percentiles: { readonly [key: string]: readonly number[] };
}

/** Builds a track from recorded percentiles: the 15th, 50th and 85th as low, median and high. */
export function percentileTrack(name: string, method: string | undefined, a: ActivationPercentiles): PercentileTrack {
  if (a === null || typeof a !== "object" || a.percentiles === null || typeof a.percentiles !== "object" || Array.isArray(a.percentiles)) {
    throw new TypeError(`percentileTrack: expected { step, percentiles } (history.activations from fit with record), got ${describe(a)}`);
  }
  checkArrayLike("percentileTrack", "step", a.step);
  const cols = a.percentiles;
  const pick = (key: string): readonly number[] => {
    if (cols[key]) return cols[key];
    throw new Error(`percentileTrack: no column ${key} among ${Object.keys(cols).join(", ")} (fit records [15, 50, 85] by default)`);
  };
  return { name, method, steps: a.step, low: pick("15"), median: pick("50"), high: pick("85") };
}
