/**
 * The site's assets/ folder: one local plotly.js, KaTeX's stylesheet and fonts, a highlight.js
 * theme, the site stylesheet and the chart script. All copied from node_modules and this folder,
 * so the site needs no network.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
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
  for (const base of [path.join(root, "index.js"), __filename]) {
    try {
      return createRequire(base).resolve(request);
    } catch {
      // try the next base
    }
  }
  throw new Error(`cannot find ${request}: run npm install`);
}

function packageDir(root: string, name: string): string {
  return path.dirname(resolvePackageFile(root, `${name}/package.json`));
}

/** Copies every asset into `<siteDir>/assets`; returns the files written (relative to siteDir). */
export function copyAssets(siteDir: string, root: string): string[] {
  const written: string[] = [];
  const copy = (from: string, to: string): void => {
    const target = path.join(siteDir, to);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(from, target);
    written.push(to);
  };
  copy(resolvePackageFile(root, "plotly.js-dist-min"), ASSETS.plotly);

  const katexDist = path.join(packageDir(root, "katex"), "dist");
  copy(path.join(katexDist, "katex.min.css"), ASSETS.katexCss);
  const fontsDir = path.join(katexDist, "fonts");
  for (const font of fs.readdirSync(fontsDir).sort()) copy(path.join(fontsDir, font), `assets/katex/fonts/${font}`);

  copy(path.join(packageDir(root, "highlight.js"), "styles", "github.min.css"), ASSETS.highlightCss);
  copy(path.join(__dirname, "site.css"), ASSETS.siteCss);
  copy(path.join(__dirname, "charts.js"), ASSETS.chartsJs);
  return written;
}
