/**
 * The course's chart style: one colour per normalization method, the same in every lesson, and the
 * fonts, margins and axis look that every builder starts from.
 */
import type { Axis, Layout } from "./figure";

/** The methods the course compares. "baseline" is the network without any normalization. */
export type Method = "BatchNorm" | "baseline" | "LayerNorm" | "GroupNorm" | "BatchRenorm";

const METHOD_COLORS: Readonly<Record<Method, string>> = {
  BatchNorm: "#1f77b4", // blue
  baseline: "#ff7f0e", // orange: "no BN"
  LayerNorm: "#2ca02c", // green
  GroupNorm: "#9467bd", // purple
  BatchRenorm: "#d62728", // red
};

/** Human-readable method names for legends. */
export const METHOD_LABELS: Readonly<Record<Method, string>> = {
  BatchNorm: "BatchNorm",
  baseline: "no BN",
  LayerNorm: "LayerNorm",
  GroupNorm: "GroupNorm",
  BatchRenorm: "Batch Renorm",
};

/** Colours for series that are not a method (cycled), and for reference lines. */
const EXTRA_COLORS: readonly string[] = ["#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
export const NEUTRAL_COLOR = "#7f7f7f";

const FONT_FAMILY = "Inter, 'Helvetica Neue', Helvetica, Arial, sans-serif";
const FONT_SIZE = 13;
const DEFAULT_HEIGHT = 400;
const MARGIN = { l: 64, r: 24, t: 56, b: 56 };
const GRID = "#e6e6e6";

const ALIASES: Record<string, Method> = {
  batchnorm: "BatchNorm",
  batchnorm1d: "BatchNorm",
  bn: "BatchNorm",
  "with bn": "BatchNorm",
  baseline: "baseline",
  none: "baseline",
  nobn: "baseline",
  "no bn": "baseline",
  "without bn": "baseline",
  plain: "baseline",
  layernorm: "LayerNorm",
  ln: "LayerNorm",
  groupnorm: "GroupNorm",
  gn: "GroupNorm",
  batchrenorm: "BatchRenorm",
  batchrenorm1d: "BatchRenorm",
  "batch renorm": "BatchRenorm",
  brn: "BatchRenorm",
  // mlp()'s NormKind
  batch: "BatchNorm",
  layer: "LayerNorm",
  group: "GroupNorm",
  renorm: "BatchRenorm",
};

/** Recognises a method name in its usual spellings ("bn", "BatchNorm1d", "no BN", …). */
export function toMethod(name: string | undefined): Method | undefined {
  if (name === undefined) return undefined;
  const key = name.trim().toLowerCase().replace(/[-_]/g, " ");
  return ALIASES[key] ?? ALIASES[key.replace(/\s+/g, "")];
}

/** The colour of a method; a series that names no known method gets a colour by its index. */
export function methodColor(method: string | undefined, index: number = 0): string {
  const m = toMethod(method);
  return m ? METHOD_COLORS[m] : EXTRA_COLORS[index % EXTRA_COLORS.length];
}

/** "#1f77b4" → "rgba(31,119,180,0.2)", for bands and overlaid bars. */
export function withAlpha(hex: string, alpha: number): string {
  if (typeof hex !== "string" || !/^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.test(hex)) {
    throw new RangeError(`withAlpha: hex must be a colour like "#1f77b4" or "#abc", got ${typeof hex === "string" ? JSON.stringify(hex) : String(hex)}`);
  }
  if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1)) throw new RangeError(`withAlpha: alpha must be a number in [0, 1], got ${String(alpha)}`);
  const h = hex.replace("#", "");
  const n = parseInt(h.length === 3 ? h.replace(/./g, (c) => c + c) : h, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

export interface AxisOptions {
  title?: string;
  log?: boolean;
  range?: number[];
  tickformat?: string;
}

export function axis(opts: AxisOptions = {}): Axis {
  const a: Axis = {
    gridcolor: GRID,
    zerolinecolor: "#c8c8c8",
    linecolor: "#888888",
    ticks: "outside",
    automargin: true,
  };
  if (opts.title !== undefined) a.title = { text: opts.title };
  if (opts.log) {
    a.type = "log";
    // every tick label a whole number ("20 50 100"), not Plotly's bare digits between decades ("2 … 9 10 2 3")
    a.tickformat = "~g";
  }
  if (opts.range) a.range = opts.range;
  if (opts.tickformat) a.tickformat = opts.tickformat;
  return a;
}

export interface LayoutOptions {
  title?: string;
  x?: AxisOptions;
  y?: AxisOptions;
  height?: number;
}

/** The base layout of every course figure: title, axes with titles, legend, fonts and margins. */
export function baseLayout(opts: LayoutOptions = {}): Layout {
  const layout: Layout = {
    font: { family: FONT_FAMILY, size: FONT_SIZE, color: "#222222" },
    margin: { ...MARGIN },
    height: opts.height ?? DEFAULT_HEIGHT,
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    hovermode: "closest",
    legend: { bgcolor: "rgba(255,255,255,0.8)", bordercolor: "#dddddd", borderwidth: 1 },
    xaxis: axis(opts.x),
    yaxis: axis(opts.y),
  };
  if (opts.title !== undefined) layout.title = { text: opts.title, x: 0.02, xanchor: "left" };
  // A y title longer than the plot is tall would run up over the chart's title: it wraps instead.
  const yTitle = layout.yaxis?.title?.text;
  if (yTitle && layout.yaxis) {
    const plotHeight = (layout.height ?? DEFAULT_HEIGHT) - MARGIN.t - MARGIN.b;
    layout.yaxis.title = { text: wrapTitle(yTitle, Math.floor(plotHeight / (0.6 * FONT_SIZE))) };
  }
  return layout;
}

/** The title, axis and size options of the builders that draw series against x (lines, error bars, bands). */
export interface ChartAxesOptions {
  title?: string;
  /** Axis titles, with units, e.g. "training step" and "loss (nats)". */
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
  yRange?: number[];
  yTickformat?: string;
  height?: number;
}

/** baseLayout with those options. */
export function chartLayout(o: ChartAxesOptions): Layout {
  return baseLayout({ title: o.title, x: { title: o.xTitle, log: o.logX }, y: { title: o.yTitle, log: o.logY, range: o.yRange, tickformat: o.yTickformat }, height: o.height });
}

/** Breaks a title (with <br>) between words into lines of at most `chars` characters where it can. */
function wrapTitle(text: string, chars: number): string {
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= chars) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join("<br>");
}
