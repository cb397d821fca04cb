/**
 * plotly.js for notebook pages (plotly.js-dist-min, ~4.8 MB, in node_modules): charts carry a small
 * loader that fetches it from the Jupyter server, never the library itself and never a CDN.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

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

/**
 * Where a Jupyter server can serve plotly.min.js from, relative to its base URL: `files/` plus
 * the file's path relative to the server's root. The kernel does not know that root, so every
 * folder above the notebook's (the working directory) that contains the file is a candidate,
 * nearest first (`npm start` roots the server at the project: `files/node_modules/…`).
 */
export function plotlyServedPaths(file: string = plotlyPath(), cwd: string = process.cwd()): string[] {
  const paths: string[] = [];
  // A node_modules reached through a link beside the notebooks (a JupyterHub learner's ~/bnlab/node_modules
  // points at the shared library's): require resolves the link to its real path, which the learner's
  // server (rooted at their home) cannot serve, so the linked path comes first.
  const linked: string[] = [];
  for (let d = resolve(cwd), level = 0; level < 6; level++) {
    const candidate = join(d, "node_modules", "plotly.js-dist-min", "plotly.min.js");
    if (candidate !== file && existsSync(candidate)) linked.push(candidate);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const f of [...linked, file]) paths.push(...servedFrom(f, cwd));
  return [...new Set(paths)];
}

/** `files/…` paths of file for every folder above cwd (up to 6 levels) that contains it. */
function servedFrom(file: string, cwd: string): string[] {
  const paths: string[] = [];
  let dir = resolve(cwd);
  for (let level = 0; level < 6; level++) {
    const rel = relative(dir, file);
    if (!rel.startsWith("..") && !isAbsolute(rel)) paths.push("files/" + rel.split(sep).map(encodeURIComponent).join("/"));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return paths;
}

/**
 * The loader the first chart of a kernel session carries (a few hundred bytes, never plotly.js
 * itself: that made every saved notebook 5 MB). Unless the page has Plotly, it fetches
 * plotly.min.js from the Jupyter server (base URL from JupyterLab's page config or the classic
 * notebook's body) and runs it in a function scope with no `module`/`define` visible, so it sets
 * window.Plotly even next to RequireJS. JupyterLab and VS Code draw the Plotly JSON themselves,
 * and the exported site loads its own copy; this is the classic notebook's (and Notebook 7's) path.
 */
export function plotlyLoaderScript(paths: string[] = plotlyServedPaths()): string {
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
    `  var paths = ${JSON.stringify(paths).replace(/</g, "\\u003c")};\n` +
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
