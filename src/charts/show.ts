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

export interface ShowOptions {
  /** Element id of the chart's div (default: unique). */
  id?: string;
  /** Send plotly.js with this chart even if it was already sent in this session. */
  includePlotly?: boolean;
  /** Outside a kernel, do not print the text summary. */
  quiet?: boolean;
}

function content(bundle: FigureBundle, displayId?: string): DisplayContent {
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
  const displayed = sendDisplayData(content(bundle), false);
  if (displayed && includePlotly) markPlotlyInjected();
  if (!displayed && !opts.quiet) console.log(bundle["text/plain"]);
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
