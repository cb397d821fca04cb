/**
 * The live site's two scripts, bundled with esbuild from the same src/: the page's runtime
 * (editors, Run/Stop, outputs) and the worker (TypeScript, the library, the learner kernel's logic).
 * Node built-ins become browser/node-only.ts; a module with a `.browser.ts` sibling (mnist-raw) is
 * replaced by it; `__dirname` in a library file is its folder relative to the project root, so its
 * fs.readFileSync of a file beside it reads the site's copy under live/lib/.
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { build, type Plugin } from "esbuild";

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** How every live-site script is bundled: one minified browser script, esbuild quiet. */
const BROWSER_SCRIPT = { bundle: true, minify: true, format: "iife", platform: "browser", target: "es2022", logLevel: "silent" } as const;

function browserPlugin(root: string): Plugin {
  const nodeOnly = path.join(__dirname, "browser", "node-only.ts");
  return {
    name: "bnlab-live",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (NODE_BUILTINS.has(args.path)) return { path: args.path, namespace: "node-builtin" };
        return undefined;
      });
      // The same named exports as Node's module (so that `import { x }` and esbuild's namespace copy see them all).
      b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => {
        const names = Object.keys(require(args.path) as object).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default");
        return {
          contents: [
            `import { nodeModule } from ${JSON.stringify(nodeOnly)};`,
            `const m = nodeModule(${JSON.stringify(args.path)});`,
            "export default m;",
            ...names.map((name) => `export const ${name} = m.${name};`),
          ].join("\n"),
          loader: "js",
          resolveDir: root,
        };
      });
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const browser = args.path.replace(/\.ts$/, ".browser.ts");
        const file = fs.existsSync(browser) ? browser : args.path;
        let contents = fs.readFileSync(file, "utf8");
        if (/\b__dirname\b/.test(contents)) {
          const dir = path.relative(root, path.dirname(args.path)).split(path.sep).join("/");
          contents = `const __dirname = ${JSON.stringify(dir)};\n${contents}`;
        }
        return { contents, loader: "ts", resolveDir: path.dirname(file) };
      });
    },
  };
}

/** Writes sw.js, the offline copy of `siteFiles` (paths relative to the site; `version` names the copy). */
export async function bundleServiceWorker(siteDir: string, siteFiles: readonly string[], version: string): Promise<void> {
  await build({
    entryPoints: [path.join(__dirname, "browser", "service-worker.ts")],
    outfile: path.join(siteDir, "sw.js"),
    ...BROWSER_SCRIPT,
    define: { SITE_FILES: JSON.stringify(["./", ...siteFiles]), SITE_VERSION: JSON.stringify(version) },
  });
}

/** Writes live/page.js and live/worker.js into the site. */
export async function bundleLiveScripts(root: string, siteDir: string): Promise<void> {
  for (const [entry, out] of [
    ["page.ts", "live/page.js"],
    ["worker.ts", "live/worker.js"],
  ] as const) {
    const result = await build({
      entryPoints: [path.join(__dirname, "browser", entry)],
      outfile: path.join(siteDir, out),
      ...BROWSER_SCRIPT,
      legalComments: "none",
      keepNames: true, // class names show in printed values and errors, as in tslab
      define: { "process.env.NODE_ENV": '"production"' },
      plugins: [browserPlugin(root)],
    });
    for (const warning of result.warnings) if (!/require\.resolve|"require" /.test(warning.text)) console.warn(`esbuild (${entry}): ${warning.text}`);
  }
}
