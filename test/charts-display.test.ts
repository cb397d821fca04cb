import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { join } from "node:path";
import vm from "node:vm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { figureBundle, lineChart, PLOTLY_MIME, showFigure, type Figure } from "../src/charts";
import { figureHtml, scriptJson } from "../src/charts/html";
import { sendDisplayData, setDisplaySink, type DisplayContent } from "../src/charts/jupyter-display";
import { plotlyLoaderScript } from "../src/charts/plotly-source";

/** The paths, relative to the notebook folder `cwd`, by which the loader fetches plotly.min.js at `file`. */
const relativePaths = (file: string, cwd: string): string[] => JSON.parse(/ {2}var relative = (.*);\n/.exec(plotlyLoaderScript({ file, cwd }))![1]) as string[];

const fig: Figure = lineChart([{ name: "with BN", method: "BatchNorm", x: [1, 2, 3], y: [2.3, 1.1, 0.5] }], { title: "Loss </script><b>", xTitle: "step", yTitle: "loss" });

interface Sent {
  content: DisplayContent;
  update: boolean;
}

function capture(): Sent[] {
  const sent: Sent[] = [];
  setDisplaySink((content, update) => sent.push({ content, update }));
  return sent;
}

beforeEach(() => setDisplaySink(null));
afterEach(() => setDisplaySink(null));

describe("figureBundle", () => {
  it("holds the Plotly JSON, an offline HTML fallback and a text summary", () => {
    const b = figureBundle(fig, { id: "chart-1" });
    expect(Object.keys(b).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    expect(b[PLOTLY_MIME]).toEqual({ data: fig.data, layout: fig.layout });
    expect(b["text/plain"]).toBe("Loss </script><b> [1 trace: with BN]");
    expect(b["text/html"]).toContain('<div id="chart-1"');
    expect(b["text/html"]).not.toContain("cdn");
    // the title's "</script>" cannot end the script element early
    expect(b["text/html"].match(/<\/script>/g)).toHaveLength(1);
  });

  it("draws once the div and Plotly exist (waiting for both)", () => {
    const html = figureHtml(fig, "c1");
    const script = html.slice(html.indexOf(">", html.indexOf("<script")) + 1, html.lastIndexOf("</script>"));
    const timers: (() => void)[] = [];
    const el = { id: "c1", textContent: "" };
    const calls: unknown[][] = [];
    const window: Record<string, unknown> = {};
    const context = vm.createContext({ window, document: { getElementById: (id: string) => (id === "c1" ? el : null) }, setTimeout: (f: () => void) => timers.push(f) });
    vm.runInContext(script, context);
    expect(calls).toHaveLength(0);
    expect(timers).toHaveLength(1);
    window.Plotly = { newPlot: (...args: unknown[]) => calls.push(args) };
    timers.shift()!();
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe(el);
    expect((calls[0][1] as { layout: { title: { text: string } } }).layout.title.text).toBe("Loss </script><b>");
  });

  it("escapes script-breaking text in JSON and in the plotly source", () => {
    expect(scriptJson({ t: "</script><!--\u2028γ" })).toBe('{"t":"\\u003c/script>\\u003c!--\\u2028\\u03b3"}');
    expect(JSON.parse(scriptJson({ t: "γ=1 ▶ 😀" }))).toEqual({ t: "γ=1 ▶ 😀" });
    expect(JSON.parse(scriptJson({ t: "</script>" }))).toEqual({ t: "</script>" });
    const root = path.resolve(__dirname, "..");
    const where = { file: path.join(root, "node_modules", "a</script>.js"), cwd: path.join(root, "notebooks") };
    expect(relativePaths(where.file, where.cwd)).toContain("../node_modules/a%3C/script%3E.js");
    expect(plotlyLoaderScript(where).slice(0, -"</script>".length)).not.toMatch(/<\/script/i);
  });

  it("loads plotly.js from the Jupyter server instead of carrying it (a saved notebook stays small), by paths that hold no absolute path", () => {
    const root = path.resolve(__dirname, "..");
    const loader = plotlyLoaderScript({ cwd: path.join(root, "notebooks") });
    expect(loader.length).toBeLessThan(2_500);
    expect(loader).toContain("typeof window.Plotly !== 'undefined'");
    expect(loader).not.toContain(root);
    expect(loader).not.toContain(path.basename(root));
    const file = path.join(root, "node_modules", "plotly.js-dist-min", "plotly.min.js");
    expect(relativePaths(file, path.join(root, "notebooks"))).toEqual(["../node_modules/plotly.js-dist-min/plotly.min.js"]);
    expect(relativePaths(file, path.join(root, "build", "jupyter-ui", "lessons"))).toEqual(["../../../node_modules/plotly.js-dist-min/plotly.min.js"]);
    // from a folder elsewhere, a relative path would spell this machine's folders: none is offered
    expect(relativePaths(file, path.join(os.tmpdir(), "elsewhere", "notebooks"))).toEqual([]);
  });

  it("the loader fetches plotly.js beside the notebook's folder, as the page's URL names it, then from the server's root", async () => {
    const root = path.resolve(__dirname, "..");
    const where = { file: path.join(root, "node_modules", "plotly.js-dist-min", "plotly.min.js"), cwd: path.join(root, "notebooks") };
    expect(relativePaths(where.file, where.cwd)).toEqual(["../node_modules/plotly.js-dist-min/plotly.min.js"]);
    const fetched = async (pathname: string, baseUrl: string): Promise<string[]> => {
      const urls: string[] = [];
      const page = {
        window: {} as Record<string, unknown>,
        document: { getElementById: () => ({ textContent: JSON.stringify({ baseUrl }) }), body: null },
        location: { pathname },
        fetch: (url: string) => {
          urls.push(url);
          return Promise.reject(new Error("404")); // so that every candidate is tried
        },
      };
      const script = plotlyLoaderScript(where).replace(/^<script[^>]*>/, "").replace(/<\/script>$/, "");
      new Function("window", "document", "location", "fetch", script)(page.window, page.document, page.location, page.fetch);
      for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0)); // each failed fetch tries the next
      return urls;
    };
    // npm start: JupyterLab rooted at the project
    expect(await fetched("/lab/tree/notebooks/01-normalize.ipynb", "/")).toEqual(["/files/node_modules/plotly.js-dist-min/plotly.min.js"]);
    // a hub learner: a server under /user/alice/, rooted at their home, the course in ~/bnlab
    expect(await fetched("/user/alice/lab/tree/bnlab/notebooks/01-normalize.ipynb", "/user/alice/")).toEqual([
      "/user/alice/files/bnlab/node_modules/plotly.js-dist-min/plotly.min.js",
      "/user/alice/files/node_modules/plotly.js-dist-min/plotly.min.js",
    ]);
    // the classic notebook's URL, a folder with a space
    expect(await fetched("/notebooks/my%20course/notebooks/01.ipynb", "/")).toEqual([
      "/files/my%20course/node_modules/plotly.js-dist-min/plotly.min.js",
      "/files/node_modules/plotly.js-dist-min/plotly.min.js",
    ]);
    // a page whose URL names no notebook: from the server's root only
    expect(await fetched("/lab", "/")).toEqual(["/files/node_modules/plotly.js-dist-min/plotly.min.js"]);
  });

  it("serves plotly.js through a linked node_modules beside the notebooks first (a JupyterHub learner's home)", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-plotly-link-"));
    try {
      const real = path.join(tmp, "state", "library", "node_modules", "plotly.js-dist-min");
      fs.mkdirSync(real, { recursive: true });
      fs.writeFileSync(path.join(real, "plotly.min.js"), "/* plotly */");
      const home = path.join(tmp, "state", "homes", "alice");
      fs.mkdirSync(path.join(home, "bnlab", "notebooks"), { recursive: true });
      fs.symlinkSync(path.join(tmp, "state", "library", "node_modules"), path.join(home, "bnlab", "node_modules"), "dir");
      // the learner's server is rooted at their home: only the linked path, relative to the notebook
      expect(relativePaths(path.join(real, "plotly.min.js"), path.join(home, "bnlab", "notebooks"))).toEqual(["../node_modules/plotly.js-dist-min/plotly.min.js"]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("showFigure", () => {
  it("sends ONE display_data with three MIME types, and plotly.js only with the first chart of a session", () => {
    const sent = capture();
    expect(showFigure(fig)).toBeUndefined(); // tslab prints a cell's last expression
    showFigure(fig);
    expect(sent).toHaveLength(2);
    expect(sent.every((s) => !s.update)).toBe(true);
    for (const s of sent) expect(Object.keys(s.content.data).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    const html = (s: Sent): string => String(s.content.data["text/html"]);
    expect(html(sent[0])).toContain("plotly.js, bundled by bnlab");
    expect(html(sent[0]).length).toBeLessThan(20_000);
    expect(html(sent[1]).length).toBeLessThan(20_000);
    expect(html(sent[1])).not.toContain("plotly.js, bundled by bnlab");
    // distinct element ids
    const id = (s: Sent) => /<div id="(bnlab-chart-[^"]+)"/.exec(html(s).slice(-20_000))![1];
    expect(id(sent[0])).not.toBe(id(sent[1]));
    // a new display destination (as after a restart) injects again; includePlotly forces it
    setDisplaySink((content, update) => sent.push({ content, update }));
    showFigure(fig);
    showFigure(fig, { includePlotly: true });
    expect(html(sent[2])).toContain("plotly.js, bundled by bnlab");
    expect(html(sent[3])).toContain("plotly.js, bundled by bnlab");
  });

  it("outside a kernel prints the summary and does not consume the plotly injection", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    showFigure(fig);
    expect(log).toHaveBeenCalledWith("Loss </script><b> [1 trace: with BN]");
    showFigure(fig, { quiet: true });
    expect(log).toHaveBeenCalledTimes(1);
    log.mockRestore();
    const sent = capture();
    showFigure(fig);
    expect(String(sent[0].content.data["text/html"])).toContain("plotly.js, bundled by bnlab");
  });
});

describe("jupyter-display: tslab's internal display hook", () => {
  const req = createRequire(join(process.cwd(), "index.js"));
  const key = join(process.cwd(), "fake-kernel", "node_modules", "tslab", "dist", "jupyter.js");

  afterEach(() => {
    delete req.cache[key];
  });

  function installFakeTslab(write: ((content: DisplayContent, update: boolean) => void) | null): void {
    const mod = { id: key, filename: key, loaded: true, exports: { lastWriteDisplayData: write } };
    req.cache[key] = mod as unknown as NodeJS.Module;
  }

  it("is absent outside a kernel", () => {
    expect(sendDisplayData({ data: { "text/plain": "x" }, metadata: {} })).toBe(false);
  });

  it("finds tslab/dist/jupyter.js in the module cache and calls its current lastWriteDisplayData", () => {
    installFakeTslab(null); // loaded, but no cell executing yet
    expect(sendDisplayData({ data: { "text/plain": "x" }, metadata: {} })).toBe(false);
    const first: Sent[] = [];
    const second: Sent[] = [];
    installFakeTslab((content, update) => first.push({ content, update }));
    expect(sendDisplayData({ data: { "text/plain": "a" }, metadata: {}, transient: { display_id: "p" } })).toBe(true);
    // tslab swaps the writer for every execute_request: the next display goes to the new one
    (req.cache[key]!.exports as { lastWriteDisplayData: unknown }).lastWriteDisplayData = (content: DisplayContent, update: boolean) => second.push({ content, update });
    expect(sendDisplayData({ data: { "text/plain": "b" }, metadata: {} }, true)).toBe(true);
    expect(first).toEqual([{ content: { data: { "text/plain": "a" }, metadata: {}, transient: { display_id: "p" } }, update: false }]);
    expect(second).toEqual([{ content: { data: { "text/plain": "b" }, metadata: {} }, update: true }]);
  });

  it("is what showFigure uses when no test sink is set", () => {
    const sent: Sent[] = [];
    installFakeTslab((content, update) => sent.push({ content, update }));
    showFigure(fig);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0].content.data)).toHaveLength(3);
  });
});
