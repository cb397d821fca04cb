/**
 * showFigure: one call, one display_data with three MIME types. The first chart of a kernel
 * session also carries plotly.js in its text/html (so a saved notebook renders offline); later
 * charts use the page's global Plotly. Outside a kernel it prints the text/plain summary.
 */
import type { Figure } from "./figure";
import { sendDisplayData, type DisplayContent } from "./jupyter-display";
import { figureBundle, type FigureBundle } from "./mime-bundle";
import { markPlotlyInjected, plotlyInjected } from "./plotly-session";
import { checkFigure } from "./round";
import { describe } from "../validate/checks";

export interface ShowOptions {
  /** Element id of the chart's div (default: unique). */
  id?: string;
  /** Send plotly.js with this chart even if it was already sent in this session. */
  includePlotly?: boolean;
  /** Give the output a display_id, so that `updateFigure` can redraw it in place. */
  displayId?: string;
  /** Outside a kernel, do not print the text summary. */
  quiet?: boolean;
}

function content(bundle: FigureBundle, displayId: string | undefined): DisplayContent {
  const c: DisplayContent = { data: bundle, metadata: {} };
  if (displayId !== undefined) c.transient = { display_id: displayId };
  return c;
}

/**
 * Shows a figure. Returns nothing on purpose: tslab prints a cell's last expression, and a
 * returned bundle would print the whole figure (and plotly.js) as text.
 */
export function showFigure(fig: Figure, opts: ShowOptions = {}): void {
  checkFigure("showFigure", fig);
  const includePlotly = opts.includePlotly === true || !plotlyInjected();
  const bundle = figureBundle(fig, { id: opts.id, includePlotly });
  const displayed = sendDisplayData(content(bundle, opts.displayId), false);
  if (displayed && includePlotly) markPlotlyInjected();
  if (!displayed && !opts.quiet) console.log(bundle["text/plain"]);
}

/**
 * Redraws a figure shown with a `displayId` (update_display_data). The update never carries
 * plotly.js: the page already has it from an earlier output.
 */
export function updateFigure(displayId: string, fig: Figure): void {
  if (typeof displayId !== "string" || displayId === "") throw new TypeError(`updateFigure: displayId must be the non-empty string given to showFigure, got ${describe(displayId)}`);
  checkFigure("updateFigure", fig);
  sendFigureUpdate(displayId, figureBundle(fig));
}

/**
 * Sends update_display_data for a chart. JupyterLab's plotly renderer ignores an update once it
 * has drawn (it keeps its first frame), so the update goes out in two messages: one with only
 * text/plain, which makes JupyterLab swap the renderer out, then the full bundle, which draws the
 * new state. Other front ends simply redraw twice; the saved notebook keeps the full bundle.
 */
export function sendFigureUpdate(displayId: string, bundle: FigureBundle): boolean {
  const placeholder: DisplayContent = { data: { "text/plain": bundle["text/plain"] }, metadata: {}, transient: { display_id: displayId } };
  if (!sendDisplayData(placeholder, true)) return false;
  return sendDisplayData(content(bundle, displayId), true);
}
