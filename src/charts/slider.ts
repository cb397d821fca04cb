/**
 * Figures with a Plotly slider over animation frames: the learner scrubs through training steps
 * (or any parameter) in the browser, with no kernel round trip — tslab has no widget comms, so
 * the interactivity lives inside the figure.
 */
import type { Figure, Frame, Layout, Slider, Trace } from "./figure";
import { roundFigure } from "./round";
import { checkArrayLike, checkInteger, checkNumber, checkOptions, describe } from "../validate/checks";

export interface FrameSpec {
  /** Slider label, e.g. "400" for step 400. Must be unique. */
  label: string;
  data: Trace[];
}

export interface SliderOptions {
  /** Shown before the current label, e.g. "step: ". */
  prefix?: string;
  /** Index of the frame shown first (default 0). */
  active?: number;
  /** Add ▶/❚❚ buttons that play the frames in order. */
  play?: boolean;
  /** Milliseconds per frame when playing. */
  frameMs?: number;
}

/** Plotly's animate arguments: the frames `names` (null: all, in order) at `frameMs` per frame. */
function animateArgs(names: (string | null)[] | null, frameMs: number): unknown[] {
  return [names, { mode: "immediate", frame: { duration: frameMs, redraw: true }, transition: { duration: 0 }, fromcurrent: true }];
}

/**
 * Adds frames and a slider to a figure whose layout is already styled. The figure's data become
 * the active frame's traces; frame i's traces replace the figure's traces in order.
 */
export function withFrames(base: { layout: Layout }, frames: readonly FrameSpec[], opts: SliderOptions = {}): Figure {
  if (base === null || typeof base !== "object" || base.layout === null || typeof base.layout !== "object") {
    throw new TypeError(`withFrames: base must be a figure (or { layout }) to add frames to, got ${describe(base)}`);
  }
  checkArrayLike("withFrames", "frames", frames);
  checkOptions("withFrames", opts);
  if (frames.length === 0) throw new Error("withFrames: no frames; pass at least one { label, data }");
  frames.forEach((f, i) => {
    if (f === null || typeof f !== "object" || typeof f.label !== "string" || !Array.isArray(f.data)) {
      throw new TypeError(`withFrames: frames[${i}] must be { label: string, data: [traces] }, got ${describe(f)}`);
    }
  });
  const labels = new Set(frames.map((f) => f.label));
  if (labels.size !== frames.length) throw new Error("withFrames: frame labels must be unique");
  if (opts.active !== undefined) checkInteger("withFrames", "active", opts.active, { max: frames.length - 1, hint: "the index of the frame shown first" });
  if (opts.frameMs !== undefined) checkNumber("withFrames", "frameMs", opts.frameMs, { min: 0 });
  const active = Math.min(Math.max(0, opts.active ?? 0), frames.length - 1);
  const plotlyFrames: Frame[] = frames.map((f) => ({ name: f.label, data: f.data }));
  const slider: Slider = {
    active,
    steps: frames.map((f) => ({ label: f.label, method: "animate", args: animateArgs([f.label], 0) })),
    currentvalue: { prefix: opts.prefix ?? "", visible: true, xanchor: "left" },
    pad: { t: 50, b: 10 },
    x: opts.play ? 0.1 : 0,
    len: opts.play ? 0.9 : 1,
  };
  const layout: Layout = { ...base.layout, sliders: [slider] };
  layout.margin = { ...(base.layout.margin as Record<string, unknown>), b: 110 };
  layout.height = (base.layout.height ?? 400) + 80;
  if (opts.play) {
    const ms = opts.frameMs ?? 300;
    layout.updatemenus = [
      {
        type: "buttons",
        direction: "left",
        showactive: false,
        x: 0.1,
        y: 0,
        xanchor: "right",
        yanchor: "top",
        pad: { t: 60, r: 10 },
        buttons: [
          { label: "▶", method: "animate", args: animateArgs(null, ms) },
          { label: "❚❚", method: "animate", args: animateArgs([null], 0) },
        ],
      },
    ];
  }
  return roundFigure({ data: frames[active].data, layout, frames: plotlyFrames });
}
