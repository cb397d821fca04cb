/**
 * plotly.js for notebook pages (plotly.js-dist-min, ~4.8 MB, in node_modules): charts carry a small
 * loader that fetches it from the Jupyter server, never the library itself and never a CDN.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";

/** Path of plotly.min.js, resolved like `require` would from the working directory. */
function plotlyPath(): string {
  const req = createRequire(join(process.cwd(), "index.js"));
  try {
    return req.resolve("plotly.js-dist-min");
  } catch {
    return createRequire(join(__dirname, "index.js")).resolve("plotly.js-dist-min");
  }
}

/**
 * plotly.min.js relative to the notebook's folder (the working directory), e.g.
 * `../node_modules/plotly.js-dist-min/plotly.min.js`: what a saved notebook may hold, on any
 * machine (never an absolute path). A node_modules linked beside the notebooks comes first (a
 * JupyterHub learner's ~/bnlab/node_modules points at the shared library's: require resolves the
 * link to its real path, which the learner's server, rooted at their home, cannot serve).
 */
function plotlyRelativePaths(file: string, cwd: string): string[] {
  const linked: string[] = [];
  for (let d = resolve(cwd), level = 0; level < 6; level++) {
    const candidate = join(d, "node_modules", "plotly.js-dist-min", "plotly.min.js");
    if (candidate !== file && existsSync(candidate)) linked.push(candidate);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  // only a node_modules of a folder above the notebook's: a path across other folders would name this machine's
  const relativePaths = [...linked, file].map((f) => relative(resolve(cwd), f).split(sep)).filter((parts) => parts[parts.findIndex((part) => part !== "..")] === "node_modules");
  return [...new Set(relativePaths.map((parts) => parts.map(encodeURIComponent).join("/")))];
}

/**
 * The loader the first chart of a kernel session carries (a few hundred bytes, never plotly.js
 * itself: that made every saved notebook 5 MB). Unless the page has Plotly, it fetches
 * plotly.min.js from the Jupyter server — `files/` + the notebook's folder (read from the page's
 * URL) + a path relative to it, then the same path from the server's root — and runs it in a
 * function scope with no `module`/`define` visible, so it sets window.Plotly even next to
 * RequireJS. JupyterLab and VS Code draw the Plotly JSON themselves, and the exported site loads
 * its own copy; this is the classic notebook's (and Notebook 7's) path. `file` is plotly.min.js
 * (default: as `require` resolves it) and `cwd` the notebook's folder (default: the working directory).
 */
export function plotlyLoaderScript(where: { file?: string; cwd?: string } = {}): string {
  const relativePaths = plotlyRelativePaths(where.file ?? plotlyPath(), where.cwd ?? process.cwd());
  return (
    '<script type="text/javascript">/* plotly.js, bundled by bnlab */\n' +
    "(function () {\n" +
    "  if (typeof window.Plotly !== 'undefined' || window.bnlabPlotlyLoading) { return; }\n" +
    "  window.bnlabPlotlyLoading = true;\n" +
    "  var base = '/';\n" +
    "  try {\n" +
    "    var config = document.getElementById('jupyter-config-data');\n" +
    "    if (config) { base = JSON.parse(config.textContent).baseUrl || base; }\n" +
    "    else if (document.body && document.body.getAttribute('data-base-url')) { base = document.body.getAttribute('data-base-url'); }\n" +
    "  } catch (e) { /* keep '/' */ }\n" +
    "  if (base.charAt(base.length - 1) !== '/') { base += '/'; }\n" +
    `  var relative = ${JSON.stringify(relativePaths)};\n` + // URI-encoded parts: no "<" that could end the script
    "  var page = decodeURIComponent(location.pathname.slice(location.pathname.indexOf(base) + base.length));\n" +
    "  var notebook = /(?:^|\\/)(?:tree|notebooks|edit)\\/(.+)$/.exec(page);\n" +
    "  var folder = notebook ? notebook[1].split('/').slice(0, -1).map(encodeURIComponent) : null;\n" +
    "  var paths = [];\n" +
    "  relative.forEach(function (p) {\n" +
    "    var parts = folder ? folder.slice() : null;\n" +
    "    p.split('/').forEach(function (s) { if (!parts) { return; } if (s !== '..') { parts.push(s); } else if (parts.length > 0) { parts.pop(); } else { parts = null; } });\n" +
    "    [parts ? parts.join('/') : null, p.replace(/^(\\.\\.\\/)+/, '')].forEach(function (q) { if (q !== null && paths.indexOf('files/' + q) < 0) { paths.push('files/' + q); } });\n" +
    "  });\n" +
    "  function next(i) {\n" +
    "    if (i >= paths.length) { window.bnlabPlotlyLoading = false; return; }\n" +
    "    fetch(base + paths[i], { credentials: 'same-origin' })\n" +
    "      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })\n" +
    "      .then(function (src) { new Function('module', 'exports', 'define', src).call(window); })\n" +
    "      .catch(function () { next(i + 1); });\n" +
    "  }\n" +
    "  next(0);\n" +
    "})();\n</script>"
  );
}
