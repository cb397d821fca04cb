"use strict";
/**
 * tslab's `startKernel` (node_modules/tslab/dist/main.js) in two halves, so that a warm kernel
 * (warm-kernel.cjs) can do the slow one before a restart asks for it:
 * - `prepareKernel`: TypeScript and tslab's converter and executor (seconds; no connection file,
 *   no library loaded: the first cell that imports the library loads it);
 * - `serveKernel`: the learner's executor (learner-executor.cjs) in place of tslab's own, the
 *   library watch (library-watch.cjs) when the kernel runs the project's own library, and the
 *   Jupyter sockets of one connection file, with Jupyter's rule for a failed cell: the requests that
 *   were already waiting when it failed are aborted (if it asked for stop_on_error, as clients do by
 *   default), and a request sent after its reply runs. tslab itself aborts whatever arrives in the
 *   200 ms after a failure, which dropped the check cell a client sends right after an exercise cell
 *   that did not compile: the learner saw an empty output where the verdict was.
 */
const path = require("path");
const { learnerExecutor } = require("./learner-executor.cjs");
const { libraryWatch } = require("./library-watch.cjs");

/**
 * @typedef {{ tslab: string, ts: typeof import("typescript"), executor: any, sink: { target: { log(...a: unknown[]): void, error(...a: unknown[]): void } } }} PreparedKernel
 */

/**
 * @param {string} tslab tslab's dist/ folder
 * @param {boolean} [rehearse] compile a cell once (not run), so that the first cell finds the
 *   compiler's code already optimised (a warm kernel, which has the time)
 * @returns {PreparedKernel}
 */
function prepareKernel(tslab, rehearse = false) {
  const { createConverter } = require(path.join(tslab, "converter.js"));
  const { createExecutor } = require(path.join(tslab, "executor.js"));
  // the parser tslab compiles with (one TypeScript loaded, not two)
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslab] }));

  /** @param {boolean} isBrowser */
  const converter = (isBrowser) => createConverter({ isJS: false, isBrowser });
  /** @type {{ _node?: any, _browser?: any, node: any, browser: any, close(): void }} */
  const convs = {
    get node() {
      return (this._node ??= converter(false));
    },
    get browser() {
      return (this._browser ??= converter(true));
    },
    close() {
      this._node?.close();
      this._browser?.close();
    },
  };
  void convs.node; // warm the converter, as tslab does
  if (rehearse) convs.node.convert("", 'import * as fs from "fs";\nclass A { x = [1, 2].map((v) => v * 2); f(y: string) { return y.length + this.x.length; } }\nconsole.log(new A().f("s"), fs.existsSync("."));');
  const sink = { target: { log: console.log, error: console.error } };
  const executor = createExecutor(process.cwd(), convs, {
    log: (/** @type {unknown[]} */ ...args) => sink.target.log(...args),
    error: (/** @type {unknown[]} */ ...args) => sink.target.error(...args),
  });
  return { tslab, ts, executor, sink };
}

/**
 * @param {PreparedKernel} kernel
 * @param {{ configPath: string, watch: { root: string, buildProblem: string } | null }} options
 * @returns {{ close(): void }} tslab's server (close: what a shutdown_request does)
 */
function serveKernel(kernel, options) {
  const { ZmqServer, JupyterHandlerImpl } = require(path.join(kernel.tslab, "jupyter.js"));
  const { ts, executor, sink } = kernel;
  const watch = options.watch ? libraryWatch(options.watch.root, { buildProblem: options.watch.buildProblem }) : null;
  const learner = learnerExecutor({ ts, executor, sink, notices: () => watch?.notices() ?? [] });
  const server = new ZmqServer(new (queueAsJupyterDoes(JupyterHandlerImpl))(learner, false), options.configPath);
  process.on("SIGINT", () => executor.interrupt());
  process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
  process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
  server.init();
  return server;
}

/**
 * tslab's handler with an execute queue that aborts, after a failed cell, only the requests that
 * were waiting behind it.
 * @param {any} JupyterHandlerImpl
 */
function queueAsJupyterDoes(JupyterHandlerImpl) {
  return class extends JupyterHandlerImpl {
    /** @param {unknown[]} args */
    constructor(...args) {
      super(...args);
      this.queue = Promise.resolve();
      this.received = 0;
      this.abortThrough = 0;
    }

    /**
     * @param {{ code: string, stop_on_error?: boolean }} req
     * @param {unknown} writeStream @param {unknown} writeDisplayData
     */
    handleExecute(req, writeStream, writeDisplayData) {
      const arrival = ++this.received;
      const run = this.queue.then(async () => {
        if (arrival <= this.abortThrough) return { status: "aborted" };
        try {
          const count = await this.handleExecuteImpl(req, writeStream, writeDisplayData);
          return { status: "ok", execution_count: count.count };
        } catch (e) {
          // handleExecuteImpl throws the cell's ExecutionCount when the cell failed
          const count = /** @type {{ count?: unknown }} */ (e)?.count;
          if (typeof count !== "number") throw e;
          if (req.stop_on_error !== false) this.abortThrough = this.received;
          return { status: "error", execution_count: count };
        }
      });
      this.queue = run.catch(() => undefined);
      return run;
    }
  };
}

module.exports = { prepareKernel, serveKernel };
