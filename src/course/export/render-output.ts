/**
 * One notebook output → HTML for the static page.
 *
 * MIME priority: the Plotly JSON type (drawn by the page's own script with the single local
 * plotly.js, so the inline copy of plotly.js that the first chart of a kernel session carries is
 * never used), then HTML (with any bnlab plotly.js loader stripped), SVG, PNG, JPEG, Markdown,
 * LaTeX, and plain text. Streams and errors are escaped text; ANSI colour codes are dropped, and so
 * are the exercise checkers' BNLAB_CHECK lines (meant for the grader).
 */
import { escapeHtml, scriptJson } from "../../charts/html";
import { PLOTLY_MIME } from "../../charts/mime-bundle";
import { CHECK_MARKER } from "../../exercises/report";
import { stripAnsi } from "../jupyter/error-info";
import { joinSource, type MimeBundle, type MultilineString, type Output } from "../notebook/nbformat";
import { renderMarkdown } from "./render-markdown";
import { renderTex } from "./markdown-math";

/** What the page renderer tracks across outputs (unique chart ids on the page). */
export interface OutputContext {
  /** Charts rendered so far on this page; the next chart's element id is derived from it. */
  charts: number;
}

/** The <script> with the bnlab plotly.js loader that the first chart of a kernel session carries. */
const PLOTLY_LOADER = /<script type="text\/javascript">\/\* plotly\.js, bundled by bnlab \*\/[\s\S]*?<\/script>\n?/g;

/** Drops the exercise checkers' machine-readable lines (for the grader, not for readers). */
function stripCheckLines(text: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith(`${CHECK_MARKER} `))
    .join("");
}

function text(value: MultilineString | unknown): string {
  if (typeof value === "string" || Array.isArray(value)) return joinSource(value as MultilineString);
  return JSON.stringify(value, null, 2);
}

/** A Plotly figure: a div and its figure as inert JSON, drawn by assets/charts.js. */
function renderChart(figure: unknown, ctx: OutputContext): string {
  ctx.charts += 1;
  const id = `chart-${ctx.charts}`;
  const fig = figure as { layout?: { height?: unknown } };
  const height = typeof fig.layout?.height === "number" ? fig.layout.height : 400;
  return (
    `<div class="output chart"><div id="${id}" class="bnlab-plot" style="min-height:${height}px"></div>` +
    `<script type="application/json" class="bnlab-figure" data-target="${id}">${scriptJson(figure)}</script></div>`
  );
}

function renderBundle(data: MimeBundle, ctx: OutputContext): string {
  if (PLOTLY_MIME in data) return renderChart(data[PLOTLY_MIME], ctx);
  if ("text/html" in data) return `<div class="output html">${text(data["text/html"]).replace(PLOTLY_LOADER, "")}</div>`;
  if ("image/svg+xml" in data) return `<div class="output image">${text(data["image/svg+xml"])}</div>`;
  for (const type of ["image/png", "image/jpeg", "image/gif"]) {
    if (type in data) {
      const base64 = text(data[type]).replace(/\s+/g, "");
      return `<div class="output image"><img alt="output image" src="data:${type};base64,${base64}"></div>`;
    }
  }
  if ("text/markdown" in data) return `<div class="output markdown">${renderMarkdown(text(data["text/markdown"]))}</div>`;
  if ("text/latex" in data) {
    const tex = text(data["text/latex"]).trim().replace(/^\$\$?|\$\$?$/g, "");
    return `<div class="output latex">${renderTex(tex, true)}</div>`;
  }
  if ("text/plain" in data) return `<pre class="output text">${escapeHtml(text(data["text/plain"]))}</pre>`;
  const types = Object.keys(data).join(", ");
  return `<pre class="output text unsupported">[output of type ${escapeHtml(types || "none")}]</pre>`;
}

export function renderOutput(output: Output, ctx: OutputContext): string {
  switch (output.output_type) {
    case "stream": {
      const text = stripCheckLines(stripAnsi(joinSource(output.text))).replace(/\s+$/, ""); // trailing blank lines take room
      if (text === "") return "";
      return `<pre class="output stream ${output.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(text)}</pre>`;
    }
    case "error": {
      const trace = output.traceback.length > 0 ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
      return (
        `<div class="output error" role="alert"><div class="error-name">${escapeHtml(output.ename)}: ${escapeHtml(stripAnsi(output.evalue))}</div>` +
        `<pre>${escapeHtml(stripAnsi(trace))}</pre></div>`
      );
    }
    case "display_data":
    case "execute_result":
      return renderBundle(output.data, ctx);
    default:
      return "";
  }
}
