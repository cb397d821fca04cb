/**
 * The bundled plotly.js (plotly.js-dist-min, ~4.8 MB), read from node_modules once and wrapped
 * into a <script> that defines window.Plotly only if the page does not have it yet. Never a CDN.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

let cached: string | undefined;

/** Path of plotly.min.js, resolved like `require` would from the working directory. */
export function plotlyPath(): string {
  const req = createRequire(join(process.cwd(), "index.js"));
  try {
    return req.resolve("plotly.js-dist-min");
  } catch {
    return createRequire(join(__dirname, "index.js")).resolve("plotly.js-dist-min");
  }
}

export function plotlySource(): string {
  if (cached === undefined) cached = readFileSync(plotlyPath(), "utf8");
  return cached;
}

/**
 * Makes JavaScript safe inside an HTML <script> element: "</script" and "<!--" can only occur in
 * string, template or regex literals and comments, where "\x3C" means the same "<".
 */
export function escapeScript(js: string): string {
  return js.replace(/<\/(script)/gi, "\\x3C/$1").replace(/<!--/g, "\\x3C!--");
}

/** The loader: runs plotly.js in a function scope (no `module`/`define` visible) unless Plotly exists. */
export function plotlyLoaderScript(source: string = plotlySource()): string {
  return (
    '<script type="text/javascript">/* plotly.js, bundled by bnlab */\n' +
    "if (typeof window.Plotly === 'undefined') { (function (module, exports, define) {\n" +
    escapeScript(source) +
    "\n}).call(window); }\n</script>"
  );
}
