/**
 * What a Node built-in module (fs, path, child_process, …) is in the live site's bundle. The library
 * and TypeScript import them; in the page:
 * - fs.existsSync is false; fs.readFileSync(file) of a file the site ships beside the library (backend.wasm, mnist.bin) is a
 *   synchronous request to `lib/<file>` (the cells run in a Web Worker, where that is allowed);
 * - path.join/dirname/basename/resolve work on "/"-separated paths;
 * - vm runs a script in a context object, WITHOUT its timeout (a worker cannot interrupt itself: an
 *   endless loop in a check is stopped with the page's Stop, not after the checker's time limit);
 * - os.totalmem is the device's memory as the browser reports it (navigator.deviceMemory, else 4 GB,
 *   a tab's usual limit); perf_hooks.performance is the page's;
 * - crypto.randomBytes (chart ids) and randomUUID come from the Web Crypto API;
 * - everything else throws, naming the function and saying that it needs Node (Jupyter).
 */
import { syncRequest } from "./sync-request";

function nodeOnlyError(what: string): Error {
  return new Error(`${what} needs Node.js: it is not available in the browser page (the live site runs the library without a file system or processes). Run this in Jupyter instead (npm start).`);
}

function normalize(parts: string[]): string {
  const out: string[] = [];
  for (const part of parts.join("/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return out.join("/") || ".";
}

const browserPath = {
  sep: "/",
  join: (...parts: string[]): string => normalize(parts),
  resolve: (...parts: string[]): string => normalize(parts),
  dirname: (p: string): string => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) || "/" : "."),
  basename: (p: string, ext?: string): string => {
    const base = p.slice(p.lastIndexOf("/") + 1);
    return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
  },
  extname: (p: string): string => /\.[^./]*$/.exec(p)?.[0] ?? "",
};

/** The site's copy of a library file, or a Node-only error. */
function readFileSync(file: unknown, encoding?: unknown): Uint8Array | string {
  if (typeof file !== "string") throw nodeOnlyError("fs.readFileSync");
  const bytes = syncRequest(`lib/${file.replace(/^\/+/, "")}`);
  if (bytes === null) throw nodeOnlyError(`fs.readFileSync("${file}")`);
  const wantsText = typeof encoding === "string" || (typeof encoding === "object" && encoding !== null && "encoding" in encoding);
  return wantsText ? new TextDecoder().decode(bytes) : bytes;
}

/** Random bytes whose toString("hex") is what Node's Buffer gives. */
function randomBytes(size: number): Uint8Array {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(size));
  Object.defineProperty(bytes, "toString", {
    value: (encoding?: string): string => {
      if (encoding !== "hex") throw nodeOnlyError(`crypto.randomBytes(…).toString(${JSON.stringify(encoding)})`);
      return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    },
  });
  return bytes;
}

/** node:vm's Script, minus the timeout. */
class Script {
  private readonly run: (context: object) => unknown;
  constructor(code: string) {
    // Compiled once: a checker runs the same script around every call of the learner's code.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    this.run = new Function("__context", `with (__context) { return eval(${JSON.stringify(code)}); }`) as (context: object) => unknown;
  }
  runInContext(context: object): unknown {
    return this.run(context);
  }
}

const implemented: Record<string, Record<string, unknown>> = {
  path: browserPath,
  // The page has no files: nothing exists (the native backend then says it is not built).
  fs: { readFileSync, existsSync: (): boolean => false },
  os: { totalmem: (): number => ((globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? 4) * 2 ** 30 },
  perf_hooks: { performance: globalThis.performance },
  vm: { Script, createContext: <T extends object>(context: T): T => context },
  crypto: { randomBytes, randomUUID: (): string => globalThis.crypto.randomUUID() },
};

/** The module object esbuild gives to `import … from "<name>"` in the page. */
export function nodeModule(name: string): Record<string, unknown> {
  const base = name.replace(/^node:/, "");
  const own = implemented[base] ?? {};
  const target: Record<string, unknown> = { ...own };
  target.default = new Proxy(target, { get: (t, prop) => member(t, prop) });
  function member(t: Record<string, unknown>, prop: string | symbol): unknown {
    if (typeof prop === "symbol" || prop === "__esModule" || prop === "then") return undefined;
    if (prop in t) return t[prop];
    return (): never => {
      throw nodeOnlyError(`${base}.${prop}`);
    };
  }
  return new Proxy(target, { get: member });
}
