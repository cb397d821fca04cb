"use strict";
/**
 * tslab's `startKernel` (node_modules/tslab/dist/main.js), with the learner's executor
 * (learner-executor.cjs) in place of tslab's own and the library watch (library-watch.cjs).
 */
const path = require("path");
const { learnerExecutor } = require("./learner-executor.cjs");
const { libraryWatch } = require("./library-watch.cjs");

/**
 * @param {{ root: string, tslab: string, configPath: string, buildProblem: string }} options
 */
function startLearnerKernel(options) {
  const { createConverter } = require(path.join(options.tslab, "converter.js"));
  const { createExecutor } = require(path.join(options.tslab, "executor.js"));
  const { ZmqServer, JupyterHandlerImpl } = require(path.join(options.tslab, "jupyter.js"));
  const ts = require(require.resolve("typescript", { paths: [options.tslab] }));

  /** @type {{ diagnostics: { code?: number, messageText: string }[] } | null} */
  let lastConverted = null;
  /** @param {boolean} isBrowser */
  const converter = (isBrowser) => {
    const conv = createConverter({ isJS: false, isBrowser });
    const convert = conv.convert;
    conv.convert = (/** @type {string} */ prevDecl, /** @type {string} */ src) => (lastConverted = convert(prevDecl, src));
    return conv;
  };
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
  const sink = { target: { log: console.log, error: console.error } };
  const executor = createExecutor(process.cwd(), convs, {
    log: (/** @type {unknown[]} */ ...args) => sink.target.log(...args),
    error: (/** @type {unknown[]} */ ...args) => sink.target.error(...args),
  });
  const watch = libraryWatch(options.root, { buildProblem: options.buildProblem });
  const learner = learnerExecutor({ ts, executor, sink, lastConverted: () => lastConverted, notices: () => watch.notices() });
  const server = new ZmqServer(new JupyterHandlerImpl(learner, false), options.configPath);
  process.on("SIGINT", () => executor.interrupt());
  process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
  process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
  server.init();
}

module.exports = { startLearnerKernel };
