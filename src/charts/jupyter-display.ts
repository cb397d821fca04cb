/**
 * The one place that reaches into tslab's internals.
 *
 * tslab's public `display.html(...)` / `newDisplay().raw(type, value)` send ONE MIME type per
 * display_data. Internally (node_modules/tslab/dist/public.js, DisplayImpl.raw) they call
 * `lastWriteDisplayData(content, update)`, exported by tslab/dist/jupyter.js and set by
 * JupyterHandlerImpl.handleExecuteImpl for each execute_request. That function sends `content`
 * as the iopub message "display_data", or "update_display_data" when `update` is true — with any
 * MIME bundle and `transient.display_id` we give it.
 *
 * We find the kernel's jupyter.js in Node's module cache (it is loaded by the kernel process, and
 * the cache is shared by every `require`), so the library never imports tslab itself. Outside a
 * kernel (vitest, tsx scripts) there is no such module and callers fall back to plain text.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { forgetPlotlyInjected } from "./plotly-session";

export interface MimeBundle {
  "text/plain"?: string;
  "text/html"?: string;
  [mime: string]: unknown;
}

/** The content of a display_data / update_display_data message. */
export interface DisplayContent {
  data: MimeBundle;
  metadata: { [key: string]: unknown };
  transient?: { display_id: string };
}

type DisplaySink = (content: DisplayContent, update: boolean) => void;

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

let override: DisplaySink | null = null;

/**
 * Routes displays to `sink` instead of the kernel (the live site's worker, tests); null restores
 * the default. A new destination has not received plotly.js yet: the next chart carries it.
 */
export function setDisplaySink(sink: DisplaySink | null): void {
  override = sink;
  forgetPlotlyInjected();
}

interface TslabJupyterModule {
  lastWriteDisplayData?: DisplaySink | null;
}

/**
 * tslab's current display writer, or null when this process is not a tslab kernel executing a cell.
 * tslab replaces it for each execute_request, so every display looks it up again.
 */
function kernelDisplaySink(): DisplaySink | null {
  const cache = createRequire(join(process.cwd(), "index.js")).cache;
  for (const key of Object.keys(cache)) {
    if (!JUPYTER_MODULE.test(key)) continue;
    const write = (cache[key]?.exports as TslabJupyterModule | undefined)?.lastWriteDisplayData;
    if (typeof write === "function") return write;
  }
  return null;
}

/**
 * Sends display_data (or update_display_data when `update`) with a full MIME bundle.
 * Returns false when there is nowhere to send it; the caller then prints text/plain.
 */
export function sendDisplayData(content: DisplayContent, update: boolean = false): boolean {
  const sink = override ?? kernelDisplaySink();
  if (!sink) return false;
  sink(content, update);
  return true;
}
