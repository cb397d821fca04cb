/* bnlab static site: draws every chart of the page with the local plotly.js (assets/plotly.min.js).
   Each chart is a div and, next to it, its figure as inert JSON: <script type="application/json"
   class="bnlab-figure" data-target="chart-N">. */
(function () {
  "use strict";
  function fail(el, message, error) {
    el.classList.add("chart-failed");
    el.textContent = message;
    console.error("bnlab chart: " + message, error || "");
  }
  /* A title wider than the chart would be cut: break it into lines at spaces (Plotly does not wrap)
     and make room for the extra lines in the top margin. */
  function fitTitle(layout, width) {
    var title = layout.title;
    var text = typeof title === "string" ? title : title && title.text;
    if (!text || text.indexOf("<br") >= 0 || !(width > 0)) return layout;
    var size = (title && title.font && title.font.size) || ((layout.font && layout.font.size) || 12) * 1.4;
    var maxChars = Math.max(12, Math.floor((width - 40) / (size * 0.56)));
    if (text.length <= maxChars) return layout;
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > maxChars) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    });
    if (line) lines.push(line);
    var copy = {};
    for (var key in layout) if (Object.prototype.hasOwnProperty.call(layout, key)) copy[key] = layout[key];
    copy.title = typeof title === "string" ? { text: lines.join("<br>") } : Object.assign({}, title, { text: lines.join("<br>") });
    var margin = Object.assign({ t: 80 }, layout.margin || {});
    margin.t = (margin.t || 80) + Math.ceil((lines.length - 1) * size * 1.25);
    copy.margin = margin;
    if (typeof layout.height === "number") copy.height = layout.height + (margin.t - ((layout.margin && layout.margin.t) || 80));
    return copy;
  }
  function draw(script) {
    var el = document.getElementById(script.getAttribute("data-target"));
    if (!el) return;
    var fig;
    try {
      fig = JSON.parse(script.textContent);
    } catch (error) {
      fail(el, "this chart's data could not be read", error);
      return;
    }
    if (typeof window.Plotly === "undefined") {
      fail(el, "plotly.js did not load (assets/plotly.min.js is missing)");
      return;
    }
    var config = { responsive: true, displaylogo: false };
    var extra = fig.config || {};
    for (var key in extra) if (Object.prototype.hasOwnProperty.call(extra, key)) config[key] = extra[key];
    window.Plotly.newPlot(el, { data: fig.data || [], layout: fitTitle(fig.layout || {}, el.clientWidth), frames: fig.frames || [], config: config }).then(
      function () {
        el.setAttribute("data-rendered", "true");
      },
      function (error) {
        fail(el, "this chart could not be drawn", error);
      },
    );
  }
  /* Draws the charts under `root` not drawn yet (the live site calls it for each new output). */
  function drawAll(root) {
    var figures = root.querySelectorAll("script.bnlab-figure:not([data-drawn])");
    for (var i = 0; i < figures.length; i++) {
      figures[i].setAttribute("data-drawn", "true");
      draw(figures[i]);
    }
  }
  window.bnlabCharts = { drawAll: drawAll };
  drawAll(document);
})();
