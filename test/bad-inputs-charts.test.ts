/**
 * Bad and edge inputs, part 4: the chart builders. A count (maxPoints, bins,
 * digits) that is not a whole number ≥ 1 once made downsample loop forever;
 * every builder that takes one now refuses it, naming itself. Every call here
 * runs under a time limit (bounded), so a hang fails instead of freezing.
 */
import { describe, expect, it } from "vitest";
import {
  axis, baseLayout, batchSizeFigure, downsample, figureBundle, figureSummary, gammaBetaFigure, heatmapFigure, histogramFigure,
  lineChart, lineTrace, liveTraining, methodColor, percentileBands, percentileTrack, roundFigure, roundSig, runSeries, showFigure,
  toMethod, trainingCurves, withAlpha, withFrames, Figure,
} from "../src";
import { bounded, cases, NOT_COUNTS } from "./bad-inputs/battery";

const series = { name: "loss", x: [1, 2, 3, 4, 5], y: [5, 4, 3, 2, 1] };
const history = { steps: [1, 2, 3], loss: [3, 2, 1], trainAccuracy: [0.1, 0.5, 0.9], eval: { step: [3], testAccuracy: [0.8], testLoss: [1] } };
const track = { name: "with BN", steps: [1, 2, 3], low: [-1, -1, -1], median: [0, 0, 0], high: [1, 1, 1] };
const fig = (): Figure => lineChart([series]);

const countCases = (who: string, option: string, call: (v: number) => unknown): Array<[string, () => unknown, RegExp]> =>
  NOT_COUNTS.map(([label, v]) => [`${option} ${label}`, () => call(v as number), new RegExp(`${who}: ${option} must be an integer`)]);

cases("downsample", [
  ...countCases("downsample", "maxPoints", (v) => downsample(series.x, series.y, v)),
  ["maxPoints -5 on a long series (once an endless loop)", () => downsample(Array.from({ length: 1000 }, (_, i) => i), Array(1000).fill(1), -5), /downsample: maxPoints must be an integer ≥ 1, got -5. the most points the series keeps \(default 400\)/],
  ["x not an array", () => downsample(5 as unknown as number[], []), /downsample: x must be an array, got 5/],
  ["a string in y", () => downsample([1], ["a"] as unknown as number[]), /downsample: y\[0\] must be a number, got the string "a"/],
]);
cases("lineTrace", [
  ...countCases("lineTrace", "maxPoints", (v) => lineTrace(series, { maxPoints: v })),
  ["x and y of different lengths", () => lineTrace({ name: "s", x: [1, 2], y: [1] }), /lineTrace: the series \("s"\) has 2 x values and 1 y values; give one x per y/],
  ["not a series", () => lineTrace(null as never), /lineTrace: the series must be \{ name, x, y \}, got null/],
]);
cases("lineChart", [
  ...countCases("lineChart", "maxPoints", (v) => lineChart([series], { maxPoints: v })),
  ["height -1", () => lineChart([series], { height: -1 }), /lineChart: height must be > 0 \(in pixels, e.g. 400\), got -1/],
  ["series not an array", () => lineChart(series as never), /lineChart: series must be an array, got an object/],
  ["a series with strings", () => lineChart([{ name: "s", x: [1], y: ["1"] as unknown as number[] }]), /lineChart: series\[0\] \("s"\).y\[0\] must be a number, got the string "1"/],
  ["options a string", () => lineChart([series], "log" as never), /lineChart: options must be an object of options/],
]);
cases("trainingCurves", [
  ...countCases("trainingCurves", "maxPoints", (v) => trainingCurves([{ name: "r", history }], { maxPoints: v })),
  ["an unknown metric", () => trainingCurves([{ name: "r", history }], { metric: "acc" as never }), /trainingCurves: metric must be one of "loss", "accuracy", "both", got the string "acc"/],
  ["a run without history", () => trainingCurves([{ name: "r" } as never]), /trainingCurves: runs\[0\] must be \{ name, history \} with the history fit returned, got an object/],
  ["runs not an array", () => trainingCurves(history as never), /trainingCurves: runs must be an array/],
]);
cases("percentileBands", [
  ...countCases("percentileBands", "maxPoints", (v) => percentileBands([track], { maxPoints: v })),
  ["maxPoints -1 on a long track (once an endless loop)", () => percentileBands([{ ...track, steps: Array.from({ length: 900 }, (_, i) => i), low: Array(900).fill(0), median: Array(900).fill(0), high: Array(900).fill(0) }], { maxPoints: -1 }), /percentileBands: maxPoints must be an integer ≥ 1/],
  ["steps and low of different lengths", () => percentileBands([{ ...track, low: [1] }]), /percentileBands: tracks\[0\] \(steps and low\) has 3 x values and 1 y values/],
  ["a null track", () => percentileBands([null as never]), /percentileBands: tracks\[0\] must be \{ name, steps, low, median, high \}, got null/],
]);
cases("percentileTrack", [
  ["a column missing", () => percentileTrack("r", undefined, { step: [1], percentiles: { "15": [0], "85": [1] } }), /percentileTrack: no column 50 among 15, 85 \(fit records \[15, 50, 85\] by default\)/],
  ["no percentiles", () => percentileTrack("r", undefined, { step: [1] } as never), /percentileTrack: expected \{ step, percentiles \} \(history.activations from fit with record\), got an object/],
  ["undefined (a history without record)", () => percentileTrack("r", undefined, undefined as never), /percentileTrack: expected \{ step, percentiles \}.*got undefined/],
  ["percentiles as rows, not columns", () => percentileTrack("r", undefined, { step: [1], percentiles: [[-1, 0, 1]] } as never), /percentileTrack: expected \{ step, percentiles \}/],
]);
cases("histogramFigure", [
  ...countCases("histogramFigure", "bins", (v) => histogramFigure([{ name: "a", values: [1, 2] }], { bins: v })),
  ["bins 1e9 (would build a billion bars)", () => histogramFigure([{ name: "a", values: [1] }], { bins: 1e9 }), /histogramFigure: bins must be an integer in \[1, 10000\]/],
  ["a reversed range", () => histogramFigure([{ name: "a", values: [1] }], { range: [1, 0] }), /histogramFigure: range must be \[low, high\] with low < high, got \[1,0\]/],
  ["a NaN range", () => histogramFigure([{ name: "a", values: [1] }], { range: [0, NaN] }), /histogramFigure: range\[1\] must be a finite number, got NaN/],
  ["values as a string", () => histogramFigure([{ name: "a", values: "123" as never }]), /histogramFigure: groups\[0\].values must be an array, got the string "123"/],
  ["groups not an array", () => histogramFigure({ name: "a", values: [1] } as never), /histogramFigure: groups must be an array/],
]);
cases("gammaBetaFigure", [
  ...countCases("gammaBetaFigure", "bins", (v) => gammaBetaFigure([0, 1, -1], { bins: v })),
  ["a negative γ", () => gammaBetaFigure([0, 1], { gammas: [1, -1] }), /gammaBetaFigure: the slider's γ values must be positive/],
  ["no β values", () => gammaBetaFigure([0, 1], { betas: [] }), /gammaBetaFigure: the sliders need at least one γ and one β value/],
  ["a NaN β", () => gammaBetaFigure([0, 1], { betas: [NaN] }), /gammaBetaFigure: betas\[0\] must be a finite number, got NaN/],
  ["xhat not an array", () => gammaBetaFigure(undefined as never), /gammaBetaFigure: xhat must be an array, got undefined/],
]);
cases("heatmapFigure", [
  ["z with a row too few", () => heatmapFigure({ x: [1, 2], y: [1, 2], z: [[1, 2]] }), /heatmapFigure: z must hold one row per y value \(2\), got 1 rows/],
  ["a row too short", () => heatmapFigure({ x: [1, 2], y: [1], z: [[1]] }), /heatmapFigure: z\[0\] must hold one value per x value \(2\), got 1/],
  ["a string cell", () => heatmapFigure({ x: [1], y: [1], z: [["0.5"]] as never }), /heatmapFigure: z\[0\]\[0\] must be a number, got the string "0.5"/],
  ["format not a function", () => heatmapFigure({ x: [1], y: [1], z: [[1]] }, { format: ".1%" as never }), /heatmapFigure: format must be a function \(v\) => string, got the string ".1%"/],
  ["a reversed zRange", () => heatmapFigure({ x: [1], y: [1], z: [[1]] }, { zRange: [1, 0] }), /heatmapFigure: zRange must be \[low, high\] with low < high/],
  ["no data", () => heatmapFigure(null as never), /heatmapFigure: expected \{ x, y, z \}, got null/],
]);
cases("batchSizeFigure", [
  ["values and sizes of different lengths", () => batchSizeFigure([{ method: "bn", batchSizes: [2, 4], values: [0.5] }]), /batchSizeFigure: series\[0\] \(batchSizes and values\) has 2 x values and 1 y values/],
  ["a batch size of 0 on the log axis", () => batchSizeFigure([{ method: "bn", batchSizes: [0, 4], values: [0.5, 0.6] }]), /batchSizeFigure: series\[0\].batchSizes must be positive \(the x axis is logarithmic\)/],
  ["an error bar too few", () => batchSizeFigure([{ method: "bn", batchSizes: [2, 4], values: [1, 2], error: [0.1] }]), /batchSizeFigure: series\[0\] \(values and error\) has 2 x values and 1 y values/],
  ["height 0", () => batchSizeFigure([], { height: 0 }), /batchSizeFigure: height must be > 0/],
]);
cases("withFrames", [
  ["no frames", () => withFrames({ layout: {} }, []), /withFrames: no frames; pass at least one \{ label, data \}/],
  ["duplicate labels", () => withFrames({ layout: {} }, [{ label: "1", data: [] }, { label: "1", data: [] }]), /withFrames: frame labels must be unique/],
  ["active out of range", () => withFrames({ layout: {} }, [{ label: "1", data: [] }], { active: 5 }), /withFrames: active must be an integer in \[0, 0\]/],
  ["a frame without data", () => withFrames({ layout: {} }, [{ label: "1" } as never]), /withFrames: frames\[0\] must be \{ label: string, data: \[traces\] \}/],
  ["a number label", () => withFrames({ layout: {} }, [{ label: 1 as never, data: [] }]), /withFrames: frames\[0\] must be \{ label: string/],
  ["no base layout", () => withFrames(null as never, [{ label: "1", data: [] }]), /withFrames: base must be a figure/],
  ["frameMs -1", () => withFrames({ layout: {} }, [{ label: "1", data: [] }], { frameMs: -1 }), /withFrames: frameMs must be ≥ 0/],
]);
cases("roundSig", [
  ["digits 0", () => roundSig(1.2345, 0), /roundSig: digits must be an integer in \[1, 100\], got 0. significant digits \(default 4\)/],
  ["digits 101", () => roundSig(1.2345, 101), /roundSig: digits must be an integer in \[1, 100\]/],
  ["digits NaN", () => roundSig(1.2345, NaN), /roundSig: digits must be an integer in \[1, 100\].*got NaN/],
]);
cases("roundFigure", [
  ["digits -1", () => roundFigure(fig(), -1), /roundFigure: digits must be an integer in \[1, 100\]/],
  ["not a figure", () => roundFigure({} as Figure), /roundFigure: expected a figure \{ data: \[traces\], layout: \{…\} \} as the chart builders return, got an object/],
]);
cases("figureBundle", [["not a figure", () => figureBundle(null as never), /figureBundle: expected a figure/]]);
cases("figureSummary", [["no data", () => figureSummary({ layout: {} } as Figure), /figureSummary: expected a figure \{ data: \[traces\], layout: \{…\} \}/]]);
cases("showFigure", [["a bundle instead of a figure", () => showFigure(figureBundle(fig()) as never, { quiet: true }), /showFigure: expected a figure/]]);
cases("withAlpha", [
  ["not a colour", () => withAlpha("blue", 0.5), /withAlpha: hex must be a colour like "#1f77b4" or "#abc", got "blue"/],
  ["alpha 2", () => withAlpha("#123456", 2), /withAlpha: alpha must be a number in \[0, 1\], got 2/],
]);
cases("liveTraining", [
  ...countCases("liveTraining", "maxPoints", (v) => liveTraining({ maxPoints: v })),
  ["throttleMs -1", () => liveTraining({ throttleMs: -1 }), /liveTraining: throttleMs must be ≥ 0 \(milliseconds between redraws \(default 500\)\), got -1/],
  ["totalSteps 0", () => liveTraining({ totalSteps: 0 }), /liveTraining: totalSteps must be an integer ≥ 1, got 0/],
  ["an unknown metric", () => liveTraining({ metric: "both!" as never }), /liveTraining: metric must be one of "loss", "accuracy", "both"/],
  ["onStep given a number", () => liveTraining({ chart: false }).onStep(3 as never), /liveTraining.onStep: expected fit's step info \{ step, loss, … \} \(pass live.onStep as fit's onStep\), got 3/],
]);
describe("live training and percentile bands with a negative maxPoints end (once a hang)", () => {
  it("liveTraining refuses at construction, before any step is drawn", () => {
    expect(() => bounded(() => liveTraining({ maxPoints: -3 }))).toThrow(/liveTraining: maxPoints must be an integer ≥ 1, got -3/);
  });
});
// Builders with nothing to get wrong in their arguments beyond a type, checked here for a clear answer:
describe("history adapters and theme helpers take anything and answer plainly", () => {
  it("runSeries returns nothing for a history without the metric", () => {
    expect(runSeries({ name: "r", history: {} }, ["loss"])).toEqual([]);
  });
  it("toMethod and methodColor fall back for unknown names; axis and baseLayout take no required argument", () => {
    expect(toMethod("no such method")).toBeUndefined();
    expect(methodColor("no such method", 1)).toMatch(/^#/);
    expect(axis().ticks).toBe("outside");
    expect(baseLayout().height).toBe(400);
  });
});
cases("runSeries", [["a run without history", () => runSeries({ name: "r" } as never, ["loss"]), /runSeries: run must be \{ name, history \}, got an object/]]);
