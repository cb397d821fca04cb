/**
 * A figure as one MIME bundle: the Plotly JSON type (native in JupyterLab's plotly renderer and in
 * VS Code), an offline text/html fallback, and a text/plain summary.
 */
import type { Figure } from "./figure";
import { figureHtml, newChartId } from "./html";
import type { MimeBundle } from "./jupyter-display";
import { plotlyLoaderScript } from "./plotly-source";
import { figureSummary } from "./summary";
import { checkFigure } from "./round";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface BundleOptions {
  /** Element id of the chart's div (default: a new unique id). */
  id?: string;
  /** Put the plotly.js loader in front of the chart's html. */
  includePlotly?: boolean;
}

export interface FigureBundle extends MimeBundle {
  "application/vnd.plotly.v1+json": Figure;
  "text/html": string;
  "text/plain": string;
}

export function figureBundle(fig: Figure, opts: BundleOptions = {}): FigureBundle {
  checkFigure("figureBundle", fig);
  const html = figureHtml(fig, opts.id ?? newChartId());
  const plotly: Figure = { data: fig.data, layout: fig.layout };
  if (fig.frames) plotly.frames = fig.frames;
  if (fig.config) plotly.config = fig.config;
  return {
    [PLOTLY_MIME]: plotly,
    "text/html": opts.includePlotly ? `${plotlyLoaderScript()}\n${html}` : html,
    "text/plain": figureSummary(fig),
  };
}
