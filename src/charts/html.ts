/**
 * The offline text/html face of a figure: a div with a unique id and a small script that waits for
 * the div and for window.Plotly (injected once per kernel session), then draws the figure.
 */
import { randomBytes } from "node:crypto";
import type { Figure } from "./figure";

/**
 * JSON that is also safe inside <script>: "<" escaped, and every non-ASCII character written as
 * \uXXXX so that γ, β and ▶ survive a page without a UTF-8 charset.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const SESSION = randomBytes(4).toString("hex");
let counter = 0;

/**
 * A page-unique element id. It includes a token of this kernel process, so that charts drawn
 * after a kernel restart never collide with older outputs still on the page.
 */
export function newChartId(): string {
  counter += 1;
  return `bnlab-chart-${SESSION}-${counter}`;
}

const WAIT_FOR_PLOTLY_MS = 15000;

/** The chart element and its drawing script. */
export function figureHtml(fig: Figure, id: string): string {
  const height = typeof fig.layout.height === "number" ? fig.layout.height : 400;
  const figure = { data: fig.data, layout: fig.layout, frames: fig.frames ?? [], config: { responsive: true, displaylogo: false, ...fig.config } };
  return (
    `<div id="${escapeHtml(id)}" class="bnlab-chart" style="width:100%;min-height:${height}px"></div>\n` +
    '<script type="text/javascript">(function () {\n' +
    `  var id = ${scriptJson(id)}, fig = ${scriptJson(figure)}, waited = 0;\n` +
    "  function draw() {\n" +
    "    var el = document.getElementById(id);\n" +
    "    if (!el || typeof window.Plotly === 'undefined') {\n" +
    `      if ((waited += 50) < ${WAIT_FOR_PLOTLY_MS}) { setTimeout(draw, 50); }\n` +
    "      else if (el) { el.textContent = 'plotly.js is not loaded on this page: re-run the notebook from the top (Kernel > Restart & Run All).'; }\n" +
    "      return;\n" +
    "    }\n" +
    "    window.Plotly.newPlot(el, fig);\n" +
    "  }\n" +
    "  draw();\n" +
    "})();</script>"
  );
}
