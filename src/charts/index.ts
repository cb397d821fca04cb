/**
 * Charts: Plotly figure builders in the course style, and their display in a tslab notebook
 * (one display_data with Plotly JSON, offline HTML and a text summary; live training charts).
 */
export type { Axis, Config, Datum, Figure, Font, Frame, Layout, Line, Marker, Slider, SliderStep, Title, Trace, TraceType } from "./figure";
export { METHOD_LABELS, NEUTRAL_COLOR, methodColor, toMethod, withAlpha, baseLayout, axis } from "./theme";
export type { Method, AxisOptions, LayoutOptions } from "./theme";
export { roundSig, roundFigure } from "./round";
export { downsample } from "./series";
export type { Series } from "./series";
export { runSeries } from "./history";
export type { HistoryLike, Run, EvalColumns, HistoryMetric } from "./history";
export { lineChart, lineTrace } from "./line-chart";
export type { LineChartOptions, LineTraceOptions } from "./line-chart";
export { trainingCurves } from "./training-curves";
export type { CurveMetric, TrainingCurvesOptions } from "./training-curves";
export { histogramFigure } from "./histogram";
export type { HistogramGroup, HistogramOptions } from "./histogram";
export { percentileBands, percentileTrack } from "./percentile-bands";
export type { PercentileTrack, PercentileBandsOptions, ActivationPercentiles } from "./percentile-bands";
export { heatmapFigure } from "./heatmap";
export type { HeatmapData, HeatmapOptions } from "./heatmap";
export { batchSizeFigure } from "./batch-size";
export type { BatchSizeSeries, BatchSizeOptions } from "./batch-size";
export { withFrames } from "./slider";
export type { FrameSpec, SliderOptions } from "./slider";
export { gammaBetaFigure } from "./gamma-beta";
export type { GammaBetaOptions } from "./gamma-beta";
export { figureSummary } from "./summary";
export { figureBundle, PLOTLY_MIME } from "./mime-bundle";
export type { FigureBundle, BundleOptions } from "./mime-bundle";
export { showFigure } from "./show";
export type { ShowOptions } from "./show";
export { liveTraining } from "./live-training";
export type { LiveTraining, LiveTrainingOptions, LiveStepInfo } from "./live-training";
export { errorBarChart } from "./error-bars";
export type { ErrorBarSeries, ErrorBarOptions } from "./error-bars";
export { rangeBands } from "./range-bands";
export type { RangeBand, RangeBandsOptions } from "./range-bands";
export { seriesSlider } from "./series-slider";
export type { SeriesFrame } from "./series-slider";
