/**
 * The static export's renderer, as a specification: Markdown with math (KaTeX at build time, safe
 * from Markdown's escaping), highlighted code, every output type (charts from the Plotly JSON,
 * never the inline plotly.js), escaping, the lesson page and the index.
 */
import { describe, expect, it } from "vitest";
import { renderIndex, renderLessonPage, renderMarkdown, renderMarkdownInline, renderOutput, stripAnsi, type OutputContext, type SiteLesson } from "../src/course/export";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkSiteDir, selectLessons } from "../src/course/export/export-site";
import type { Notebook, Output } from "../src/course/notebook/nbformat";

const PLOTLY = "application/vnd.plotly.v1+json";
const ctx = (): OutputContext => ({ charts: 0 });
const lesson = (name: string, extra: Partial<SiteLesson> = {}): SiteLesson => ({ name, href: `${name}.html`, title: name, number: Number(name.slice(0, 2)), objectives: [], ...extra });

describe("Markdown and math", () => {
  it("renders inline and display math with KaTeX, leaving no dollar signs", () => {
    const html = renderMarkdown("Mean $\\mu_\\mathcal{B}$ of a batch:\n\n$$\\hat{x} = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\varepsilon}}$$\n");
    expect(html).toContain('<span class="katex">');
    expect(html).toContain('<div class="math-block"><span class="katex-display">');
    expect(html).not.toContain("$");
    expect(html).not.toContain("math-error");
  });

  it("keeps Markdown's hands off the TeX: underscores, stars and backslash escapes reach KaTeX", () => {
    // `_t … _t` would be emphasis and `\,` an escape if Markdown saw them first
    const html = renderMarkdown("$a_t\\,b_t$ and $x^*y^*$");
    expect(html).not.toContain("<em>");
    expect(html).not.toContain("math-error");
    expect(html.match(/class="katex"/g)).toHaveLength(2);
  });

  it("takes display math spanning lines inside a paragraph", () => {
    const html = renderMarkdown("so:\n$$a = 1\n\\qquad b = 2$$\nand on.");
    expect(html).toContain("katex-display");
    expect(html).not.toContain("$$");
  });

  it("pairs dollars as Jupyter does, except \\$ and code spans", () => {
    expect(renderMarkdown("costs \\$5 and `$x$` in code")).toBe("<p>costs $5 and <code>$x$</code> in code</p>\n");
  });

  it("shows a formula KaTeX cannot parse as its source, marked, instead of failing the export", () => {
    const html = renderMarkdown("bad $\\frac{1$ here");
    expect(html).toContain('class="math-error"');
    expect(html).toContain("$\\frac{1$");
  });

  it("highlights TypeScript in fences and keeps raw HTML from the lesson", () => {
    const html = renderMarkdown("```ts {static}\nconst x: number = 1;\n```\n\n<kbd>Shift</kbd>");
    expect(html).toContain('<code class="hljs language-ts">');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain("<kbd>Shift</kbd>");
  });

  it("renders one line without a paragraph (objectives, titles)", () => {
    expect(renderMarkdownInline("Explain **why** $\\epsilon$")).toMatch(/^Explain <strong>why<\/strong> <span class="katex">/);
  });
});

describe("outputs", () => {
  it("escapes HTML in stream output and drops ANSI colours", () => {
    const html = renderOutput({ output_type: "stream", name: "stdout", text: ["<b>bold?</b> & \u001b[31mred\u001b[0m\n"] }, ctx());
    expect(html).toBe('<pre class="output stream stdout">&lt;b&gt;bold?&lt;/b&gt; &amp; red</pre>');
  });

  it("leaves out the exercise checkers' BNLAB_CHECK lines, meant for the grader", () => {
    const text = '✓ batchStats is right\nBNLAB_CHECK {"exercise":"batchStats","ok":true}\nafter\n';
    expect(renderOutput({ output_type: "stream", name: "stdout", text }, ctx())).toBe('<pre class="output stream stdout">✓ batchStats is right\nafter</pre>');
    expect(renderOutput({ output_type: "stream", name: "stdout", text: 'BNLAB_CHECK {"ok":true}\n' }, ctx())).toBe("");
  });

  it("marks stderr", () => {
    expect(renderOutput({ output_type: "stream", name: "stderr", text: "warning" }, ctx())).toContain('class="output stream stderr"');
  });

  it("styles errors with their name, message and escaped traceback", () => {
    const out: Output = { output_type: "error", ename: "TypeError", evalue: "x <is> not a function", traceback: ["\u001b[31mTypeError\u001b[0m: x <is> not a function", "    at <anonymous>"] };
    const html = renderOutput(out, ctx());
    expect(html).toContain('<div class="output error" role="alert">');
    expect(html).toContain('<div class="error-name">TypeError: x &lt;is&gt; not a function</div>');
    expect(html).toContain("at &lt;anonymous&gt;");
    expect(html).not.toContain("\u001b");
  });

  it("draws a chart from the Plotly JSON as inert JSON for the page's script, ignoring the inline plotly.js", () => {
    const figure = { data: [{ type: "scatter", x: [1, 2], y: [3, 4], name: "γ </script>" }], layout: { height: 300 } };
    const c = ctx();
    const html = renderOutput(
      {
        output_type: "display_data",
        data: { [PLOTLY]: figure, "text/html": '<script type="text/javascript">/* plotly.js, bundled by bnlab */ huge</script><div>chart</div>', "text/plain": "summary" },
        metadata: {},
      } as unknown as Output,
      c,
    );
    expect(c.charts).toBe(1);
    expect(html).toContain('<div id="chart-1" class="bnlab-plot" style="min-height:300px"></div>');
    expect(html).toContain('<script type="application/json" class="bnlab-figure" data-target="chart-1">');
    expect(html).not.toContain("plotly.js, bundled by bnlab");
    expect(html).not.toContain("</script>\"");
    const json = /data-target="chart-1">(.*)<\/script>/.exec(html)![1];
    expect(JSON.parse(json)).toEqual(figure); // "<" and non-ASCII are \u-escaped, and parse back
  });

  it("numbers the charts of a page", () => {
    const c = ctx();
    const chart = { output_type: "display_data", data: { [PLOTLY]: { data: [], layout: {} } }, metadata: {} } as unknown as Output;
    renderOutput(chart, c);
    expect(renderOutput(chart, c)).toContain('id="chart-2"');
  });

  it("keeps text/html raw, without a bnlab plotly.js loader", () => {
    const html = renderOutput(
      { output_type: "display_data", data: { "text/html": ['<script type="text/javascript">/* plotly.js, bundled by bnlab */\nx</script>\n', "<table><tr><td>1</td></tr></table>"], "text/plain": "t" }, metadata: {} },
      ctx(),
    );
    expect(html).toBe('<div class="output html"><table><tr><td>1</td></tr></table></div>');
  });

  it("shows images inline, and falls back to escaped text/plain", () => {
    expect(renderOutput({ output_type: "display_data", data: { "image/png": "iVBORw0KGgo=\n" }, metadata: {} }, ctx())).toBe(
      '<div class="output image"><img alt="output image" src="data:image/png;base64,iVBORw0KGgo="></div>',
    );
    expect(renderOutput({ output_type: "execute_result", execution_count: 3, data: { "text/plain": "Matrix <2×2>" }, metadata: {} }, ctx())).toBe(
      '<pre class="output text">Matrix &lt;2×2&gt;</pre>',
    );
  });

  it("renders text/markdown and text/latex outputs", () => {
    expect(renderOutput({ output_type: "display_data", data: { "text/markdown": "**b** $x$" }, metadata: {} }, ctx())).toContain("<strong>b</strong>");
    expect(renderOutput({ output_type: "display_data", data: { "text/latex": "$$x^2$$" }, metadata: {} }, ctx())).toContain("katex-display");
  });

  it("strips ANSI escapes", () => {
    expect(stripAnsi("\u001b[1;31mError\u001b[0m")).toBe("Error");
  });
});

function notebook(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", id: "h", metadata: { bnlab: { role: "header" } }, source: "# Lesson 2 · Test" },
      { cell_type: "code", id: "a", metadata: {}, execution_count: 1, source: "const x = 1;", outputs: [{ output_type: "stream", name: "stdout", text: "1\n" }] },
      { cell_type: "code", id: "b", metadata: { bnlab: { role: "test", exercise: "2.1" } }, execution_count: 2, source: "check();", outputs: [] },
      { cell_type: "code", id: "c", metadata: {}, execution_count: 3, source: "show();", outputs: [{ output_type: "display_data", data: { [PLOTLY]: { data: [], layout: {} } }, metadata: {} }] },
      { cell_type: "markdown", id: "i", metadata: { bnlab: { role: "instructor" } }, source: "**Answer.** $\\epsilon > 0$" },
    ],
  } as unknown as Notebook;
}

describe("lesson page", () => {
  const page = renderLessonPage(notebook(), { lesson: lesson("02-test", { title: "Test" }), courseTitle: "bnlab course", previous: lesson("01-first", { title: "First" }) });

  it("is a complete UTF-8 page that loads the local plotly.js in the head and the chart script", () => {
    expect(page.html).toMatch(/^<!DOCTYPE html>/);
    expect(page.html).toContain('<meta charset="utf-8">');
    const head = page.html.slice(0, page.html.indexOf("</head>"));
    expect(head).toContain('<script src="assets/plotly.min.js"></script>');
    expect(head).toContain('href="assets/katex/katex.min.css"');
    expect(page.html).toContain('<script src="assets/charts.js"></script>');
    expect(page.html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from the network
    expect(page.charts).toBe(1);
  });

  it("shows code highlighted with its outputs and execution count", () => {
    expect(page.html).toContain('<span class="prompt">[1]</span>');
    expect(page.html).toContain('<span class="hljs-keyword">const</span>');
    expect(page.html).toContain('<pre class="output stream stdout">1</pre>');
  });

  it("styles instructor material as callouts", () => {
    expect(page.html).toContain('<aside class="cell markdown instructor" aria-label="Instructor note">');
    expect(page.html).toMatch(/<section class="cell code test instructor">.*<div class="cell-label">Hidden test 2\.1 · instructor only<\/div>/s);
  });

  it("links the neighbouring lessons and the index", () => {
    expect(page.html).toContain('<a rel="prev" href="01-first.html">← First</a>');
    expect(page.html).toContain('<a href="index.html">All lessons</a>');
  });

  it("needs no plotly.js when it has no chart", () => {
    const plain = notebook();
    plain.cells = plain.cells.slice(0, 2);
    const html = renderLessonPage(plain, { lesson: lesson("02-test"), courseTitle: "c" }).html;
    expect(html).not.toContain("plotly.min.js");
  });
});

describe("index page", () => {
  it("lists every lesson with its title, duration, objectives (with math) and link", () => {
    const html = renderIndex(
      [
        lesson("01-normalize", { title: "Normalize", minutes: 45, objectives: ["Compute $\\mu$ per feature", "Explain <why>"] }),
        lesson("03-running-averages", { title: "Running averages" }),
      ],
      { courseTitle: "bnlab — Batch Normalization" },
    );
    expect(html).toContain("<title>bnlab — Batch Normalization</title>");
    expect(html).toContain('<h2><a href="01-normalize.html">Lesson 1 · Normalize</a></h2><div class="minutes">About 45 minutes</div>');
    expect(html).toMatch(/<li>Compute <span class="katex">/);
    expect(html).toContain('<a href="03-running-averages.html">Lesson 3 · Running averages</a>');
    expect(html.match(/<li><h2>/g)).toHaveLength(2);
    expect(html).not.toContain("plotly");
  });
});

describe("choosing lessons (--lessons)", () => {
  it("matches by number or by name", () => {
    const names = ["01-normalize", "03-running-averages", "10-capstone"];
    const select = (filters: string[] | undefined): string[] => selectLessons(names, (name) => name, filters);
    expect(select(undefined)).toEqual(names);
    expect(select([])).toEqual(names);
    expect(select(["01", "3"])).toEqual(["01-normalize", "03-running-averages"]);
    expect(select(["03-running-averages", "10"])).toEqual(["03-running-averages", "10-capstone"]);
    expect(() => select(["04", "running-averages"])).toThrow("no lesson matches 04, running-averages");
  });
});

describe("the site folder", () => {
  it("is replaced only if it is empty or an exported site", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-site-dir-"));
    try {
      expect(() => checkSiteDir(path.join(dir, "missing"))).not.toThrow();
      expect(() => checkSiteDir(dir)).not.toThrow();
      fs.writeFileSync(path.join(dir, "thesis.tex"), "");
      expect(() => checkSiteDir(dir)).toThrow(/is not an exported site/);
      fs.mkdirSync(path.join(dir, "assets"));
      fs.writeFileSync(path.join(dir, "assets", "site.css"), "");
      expect(() => checkSiteDir(dir)).not.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
