/**
 * A line chart with a slider that switches between sets of series (one frame per value of a
 * parameter, e.g. the step size of a probe): the learner scrubs through them in the browser.
 */
import type { Figure } from "./figure";
import { checkSeries, lineChart, lineTrace, type LineChartOptions } from "./line-chart";
import type { Series } from "./series";
import { withFrames } from "./slider";
import { checkChartOptions, checkObjects } from "./check-options";
import { checkArrayLike, checkInteger } from "../validate/checks";

export interface SeriesFrame {
  /** The slider's label for this frame, e.g. "η = 0.5". Unique. */
  label: string;
  series: Series[];
}

export function seriesSlider(frames: readonly SeriesFrame[], opts: LineChartOptions & { prefix?: string; active?: number } = {}): Figure {
  const where = "seriesSlider";
  checkChartOptions(where, opts);
  checkObjects(where, "frames", frames);
  if (frames.length === 0) throw new RangeError(`${where}: no frames; pass at least one { label, series }`);
  const labels = new Set<string>();
  frames.forEach((f, i) => {
    if (labels.has(f.label)) throw new RangeError(`${where}: frame labels must be unique, "${f.label}" comes twice`);
    labels.add(f.label);
    checkArrayLike(where, `frames[${i}].series`, f.series);
    f.series.forEach((s, j) => checkSeries(where, `frames[${i}].series[${j}]`, s));
  });
  const n = frames[0].series.length;
  const odd = frames.find((f) => f.series.length !== n);
  if (odd) {
    throw new RangeError(`${where}: every frame must hold the same number of series: ${n} (as frame "${frames[0].label}"), frame "${odd.label}" holds ${odd.series.length}; frame i's traces replace the others in order`);
  }
  if (opts.active !== undefined) checkInteger(where, "active", opts.active, { max: frames.length - 1, hint: "the index of the frame shown first" });
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
