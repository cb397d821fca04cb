/**
 * A line chart with a slider that switches between sets of series (one frame per value of a
 * parameter, e.g. the step size of a probe): the learner scrubs through them in the browser.
 */
import type { Figure } from "./figure";
import { lineChart, lineTrace, type LineChartOptions } from "./line-chart";
import type { Series } from "./series";
import { withFrames } from "./slider";

export interface SeriesFrame {
  /** The slider's label for this frame, e.g. "η = 0.5". Unique. */
  label: string;
  series: Series[];
}

export function seriesSlider(frames: readonly SeriesFrame[], opts: LineChartOptions & { prefix?: string; active?: number } = {}): Figure {
  if (frames.length === 0) throw new Error("seriesSlider: no frames");
  const n = frames[0].series.length;
  if (frames.some((f) => f.series.length !== n)) throw new Error("seriesSlider: every frame needs the same number of series (frame i's traces replace the others in order)");
  // one y range for every frame (unless given), so that moving the slider compares like with like
  const ys = frames.flatMap((f) => f.series.flatMap((s) => s.y.filter(Number.isFinite)));
  const pad = (Math.max(...ys) - Math.min(...ys)) * 0.05 || 1;
  const yRange = opts.yRange ?? (opts.logY || ys.length === 0 ? undefined : [Math.min(...ys) - pad, Math.max(...ys) + pad]);
  const base = lineChart(frames[0].series, { ...opts, yRange });
  return withFrames(
    base,
    frames.map((f) => ({ label: f.label, data: f.series.map((s, index) => lineTrace(s, { index, markers: opts.markers, maxPoints: opts.maxPoints })) })),
    { prefix: opts.prefix, active: opts.active },
  );
}
