/**
 * Heatmap of a two-parameter sweep with the value written in every cell, e.g. final accuracy for
 * each (initialization scale, learning rate). Parameter values become category labels so that
 * log-spaced sweeps get evenly sized cells; rows or columns that are not numbers ("without BN",
 * "with BN") are given as their labels.
 */
import type { Figure } from "./figure";
import { formatNumber, formatPercent } from "./format";
import { roundFigure } from "./round";
import { baseLayout } from "./theme";
import { checkChartOptions, checkRange } from "./check-options";
import { checkNumbers, describe } from "../validate/checks";

export interface HeatmapData {
  /** Column parameter values, e.g. learning rates, or the columns' labels. */
  x: readonly number[] | readonly string[];
  /** Row parameter values, e.g. initialization scales, or the rows' labels, e.g. ["without BN", "with BN"]. */
  y: readonly number[] | readonly string[];
  /** z[row][column]; NaN marks a run that diverged. */
  z: readonly (readonly number[])[];
}

export interface HeatmapOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Colour bar title, e.g. "test accuracy". */
  zTitle?: string;
  zRange?: readonly [number, number];
  /** How a cell's value is written (default: percent if all values are in [0, 1]). */
  format?: (v: number) => string;
  /** Text shown in cells whose value is NaN. */
  missing?: string;
  colorscale?: string;
  height?: number;
}

export function heatmapFigure(d: HeatmapData, opts: HeatmapOptions = {}): Figure {
  checkChartOptions("heatmapFigure", opts);
  if (d === null || typeof d !== "object") throw new TypeError(`heatmapFigure: expected { x, y, z }, got ${describe(d)}`);
  const x = categories("x", d.x);
  const y = categories("y", d.y);
  if (!Array.isArray(d.z as unknown) || d.z.length !== d.y.length) {
    throw new RangeError(`heatmapFigure: z must hold one row per y value (${d.y.length}), got ${Array.isArray(d.z) ? `${d.z.length} rows` : describe(d.z)}`);
  }
  d.z.forEach((row, i) => {
    checkNumbers("heatmapFigure", `z[${i}]`, row);
    if (row.length !== d.x.length) throw new RangeError(`heatmapFigure: z[${i}] must hold one value per x value (${d.x.length}), got ${row.length}`);
  });
  if (opts.zRange !== undefined) checkRange("heatmapFigure", "zRange", opts.zRange);
  if (opts.format !== undefined && typeof opts.format !== "function") throw new TypeError(`heatmapFigure: format must be a function (v) => string, got ${describe(opts.format)}`);
  const finite = d.z.flat().filter((v) => Number.isFinite(v));
  const fractions = finite.length > 0 && finite.every((v) => v >= 0 && v <= 1);
  const format = opts.format ?? (fractions ? (v: number) => formatPercent(v, 1) : (v: number) => formatNumber(v, 3));
  const z = d.z.map((row) => row.map((v) => (Number.isFinite(v) ? v : null)));
  const text = d.z.map((row) => row.map((v) => (Number.isFinite(v) ? format(v) : opts.missing ?? "diverged")));
  // labels name themselves; numbers default to the course's usual sweep
  const xTitle = opts.xTitle ?? (x.numbers ? "learning rate" : undefined);
  const yTitle = opts.yTitle ?? (y.numbers ? "weight initialization scale (std)" : undefined);
  const layout = baseLayout({ title: opts.title ?? "Sweep", x: { title: xTitle }, y: { title: yTitle }, height: opts.height ?? 460 });
  layout.xaxis = { ...layout.xaxis, type: "category", showgrid: false };
  layout.yaxis = { ...layout.yaxis, type: "category", showgrid: false };
  const trace = {
    type: "heatmap" as const,
    x: x.labels,
    y: y.labels,
    z,
    text,
    texttemplate: "%{text}",
    textfont: { size: 12 },
    hovertemplate: `${named(xTitle, "%{x}")}<br>${named(yTitle, "%{y}")}<br>%{text}<extra></extra>`,
    colorscale: opts.colorscale ?? "Viridis",
    colorbar: { title: { text: opts.zTitle ?? (fractions ? "accuracy" : "value") }, tickformat: fractions ? ".0%" : undefined },
    zmin: opts.zRange ? opts.zRange[0] : fractions ? 0 : undefined,
    zmax: opts.zRange ? opts.zRange[1] : fractions ? 1 : undefined,
  };
  return roundFigure({ data: [trace], layout });
}

/** "learning rate %{x}", or the bare value when the axis has no title. */
function named(title: string | undefined, value: string): string {
  return title ? `${title} ${value}` : value;
}

/** A sweep's parameter values (formatted) or given labels. */
function categories(what: "x" | "y", values: readonly number[] | readonly string[]): { labels: string[]; numbers: boolean } {
  if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === "string")) return { labels: [...(values as readonly string[])], numbers: false };
  checkNumbers("heatmapFigure", what, values);
  return { labels: (values as readonly number[]).map((v) => formatNumber(v)), numbers: true };
}
