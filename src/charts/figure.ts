/**
 * The Plotly figure JSON that the builders return: `{ data, layout, frames?, config? }`.
 *
 * Small local types instead of @types/plotly: only what bnlab's builders use is named; every
 * object stays open (`[key: string]: unknown`) so a lesson can add any Plotly attribute.
 */

/** One value in a trace array: a number, a category label, or null for a gap. */
export type Datum = number | string | null;

export interface Font {
  family?: string;
  size?: number;
  color?: string;
}

export interface Title {
  text: string;
  font?: Font;
  [key: string]: unknown;
}

export interface Line {
  color?: string;
  width?: number;
  dash?: "solid" | "dot" | "dash" | "longdash" | "dashdot";
  shape?: "linear" | "spline" | "hv";
  [key: string]: unknown;
}

export interface Marker {
  color?: string;
  size?: number;
  opacity?: number;
  line?: Line;
  [key: string]: unknown;
}

export type TraceType = "scatter" | "bar" | "heatmap";

export interface Trace {
  type: TraceType;
  name?: string;
  x?: Datum[];
  y?: Datum[];
  z?: (number | null)[][];
  mode?: "lines" | "markers" | "lines+markers" | "text" | "lines+text" | "markers+text";
  line?: Line;
  marker?: Marker;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  legendgroup?: string;
  [key: string]: unknown;
}

export interface Axis {
  title?: Title;
  type?: "linear" | "log" | "category";
  range?: number[];
  domain?: number[];
  anchor?: string;
  matches?: string;
  tickvals?: Datum[];
  ticktext?: string[];
  tickformat?: string;
  [key: string]: unknown;
}

export interface SliderStep {
  label: string;
  method: "animate" | "restyle" | "relayout" | "update" | "skip";
  args: unknown[];
  [key: string]: unknown;
}

export interface Slider {
  steps: SliderStep[];
  active?: number;
  currentvalue?: { prefix?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Layout {
  title?: Title;
  xaxis?: Axis;
  yaxis?: Axis;
  xaxis2?: Axis;
  yaxis2?: Axis;
  sliders?: Slider[];
  height?: number;
  [key: string]: unknown;
}

export interface Frame {
  name: string;
  data: Trace[];
  traces?: number[];
  layout?: Layout;
}

export interface Config {
  responsive?: boolean;
  displaylogo?: boolean;
  [key: string]: unknown;
}

export interface Figure {
  data: Trace[];
  layout: Layout;
  frames?: Frame[];
  config?: Config;
}
