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
    window.Plotly.newPlot(el, { data: fig.data || [], layout: fig.layout || {}, frames: fig.frames || [], config: config }).then(
      function () {
        el.setAttribute("data-rendered", "true");
      },
      function (error) {
        fail(el, "this chart could not be drawn", error);
      },
    );
  }
  var figures = document.querySelectorAll("script.bnlab-figure");
  for (var i = 0; i < figures.length; i++) draw(figures[i]);
})();
