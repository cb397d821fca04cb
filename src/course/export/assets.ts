/**
 * The site's assets/ folder: one local plotly.js, KaTeX's stylesheet and fonts, a highlight.js
 * theme, the site stylesheet and the chart script. All copied from node_modules and this folder,
 * so the site needs no network.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Paths of the assets relative to the site root (pages live at the root). */
export const ASSETS = {
  plotly: "assets/plotly.min.js",
  katexCss: "assets/katex/katex.min.css",
  highlightCss: "assets/highlight/github.min.css",
  siteCss: "assets/site.css",
  chartsJs: "assets/charts.js",
} as const;

/** Where a package file is, resolved from the project root (then from here). */
function resolvePackageFile(root: string, request: string): string {
  try {
    return require.resolve(request, { paths: [root, __dirname] });
  } catch {
    throw new Error(`cannot find ${request}: run npm install`);
  }
}

function packageDir(root: string, name: string): string {
  return path.dirname(resolvePackageFile(root, `${name}/package.json`));
}

/**
 * Copies the assets named in `only` (default: every asset; KaTeX's stylesheet brings its fonts) into
 * `<siteDir>/assets`; returns the files written (relative to siteDir).
 */
export function copyAssets(siteDir: string, root: string, only: readonly (keyof typeof ASSETS)[] = Object.keys(ASSETS) as (keyof typeof ASSETS)[]): string[] {
  const written: string[] = [];
  const copy = (from: string, to: string): void => {
    const target = path.join(siteDir, to);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(from, target);
    written.push(to);
  };
  const katexDist = (): string => path.join(packageDir(root, "katex"), "dist");
  const sources: Record<keyof typeof ASSETS, () => string> = {
    plotly: () => resolvePackageFile(root, "plotly.js-dist-min"),
    katexCss: () => path.join(katexDist(), "katex.min.css"),
    highlightCss: () => path.join(packageDir(root, "highlight.js"), "styles", "github.min.css"),
    siteCss: () => path.join(__dirname, "site.css"),
    chartsJs: () => path.join(__dirname, "charts.js"),
  };
  for (const name of only) copy(sources[name](), ASSETS[name]);
  if (only.includes("katexCss")) {
    const fontsDir = path.join(katexDist(), "fonts");
    for (const font of fs.readdirSync(fontsDir).sort()) copy(path.join(fontsDir, font), `assets/katex/fonts/${font}`);
  }
  return written;
}
