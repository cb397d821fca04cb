"use strict";
/**
 * tslab's executor with what a learner needs around it (the bnlab kernel with
 * BNLAB_LEARNER_KERNEL=1; graders never run it):
 *
 * - A cell that did not compile keeps tslab's previous binding of what it declares. Until it
 *   compiles, any other cell using one of its functions is not run, and says
 *   "your latest version of normalize did not compile — fix the error above and re-run that cell"
 *   (a check would otherwise judge the previous attempt).
 * - A cell that stops at an unsolved exercise (the stub's `TODO: implement …` error) prints one
 *   line naming the exercise instead of a stack trace, and counts as run, so Run All goes on.
 *   A later cell using a value that cell never computed is skipped with one line as well.
 * - A name the kernel misses (after a restart, or cells run out of order) names the cell of the
 *   notebook that defines it, one line per cell, instead of the compiler's "Cannot find name" lines.
 * - When src/ changes under a running kernel, the next cell says so (restart to load it).
 */
const { cellNames } = require("./cell-names.cjs");
const { definingCells, runCellHint } = require("./defining-cells.cjs");

const TODO = /^\s*TODO: implement (\S+) — see the exercise above \(Exercise ([^)]+)\)/;

/**
 * The unsolved exercise an error comes from (its message or a cause's), if any.
 * @param {unknown} error
 * @returns {{ name: string, exercise: string } | null}
 */
function unsolvedExercise(error) {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : typeof e === "string" ? e : "";
    const match = TODO.exec(message);
    if (match) return { name: match[1], exercise: match[2] };
    e = e instanceof Error ? /** @type {{ cause?: unknown }} */ (e).cause : undefined;
  }
  return null;
}

/** @param {{ name: string, exercise: string }} todo */
function needsExerciseLine(todo) {
  return `Skipped: this cell needs Exercise ${todo.exercise} (${todo.name}), which is not solved yet. ` +
    `Write ${todo.name} in the exercise's cell above, run that cell, then run this one again.\n`;
}

/** @param {string} name @param {{ name: string, exercise: string }} todo */
function notComputedLine(name, todo) {
  return `Skipped: this cell uses ${name}, which its cell above could not compute because Exercise ${todo.exercise} ` +
    `(${todo.name}) is not solved yet. Solve it, then run the cells above again (Run › Run All Above).\n`;
}

/** @param {string} name */
function didNotCompileLine(name) {
  return `✗ your latest version of ${name} did not compile — fix the error above and re-run that cell\n`;
}

/** @param {string} name a missing name no cell of the notebook defines */
function missingNameHint(name) {
  return `bnlab: ${name} is not defined in this kernel. If a cell above defines it, run that cell first (Run › Run All Above).\n`;
}

/** tslab prints each diagnostic as console.error("%s%d:%d - %s", file, line, column, message). */
const DIAGNOSTIC = "%s%d:%d - %s";
const CANNOT_FIND = /^Cannot find name '([^']+)'/;

/**
 * @typedef {{ log(...args: unknown[]): void, error(...args: unknown[]): void }} ConsoleLike
 * @typedef {{ execute(src: string): Promise<boolean>, [key: string]: unknown }} Executor
 */

/**
 * @param {object} options
 * @param {typeof import("typescript")} options.ts
 * @param {Executor} options.executor tslab's executor, created with `options.sink` as its console
 * @param {{ target: ConsoleLike }} options.sink the console tslab's executor writes to
 * @param {(text: string) => void} [options.out] the cell's stdout
 * @param {(text: string) => void} [options.err] the cell's stderr
 * @param {() => string[]} [options.notices] lines to show before a cell runs (library changes)
 * @param {(missing: string[], source: string) => import("./defining-cells.cjs").DefiningCell[]} [options.definingCells]
 *   the notebook's cells that define missing names (default: found from the kernel's folder)
 * @returns {Executor}
 */
function learnerExecutor(options) {
  const { ts, executor, sink } = options;
  const out = options.out ?? ((text) => process.stdout.write(text));
  const err = options.err ?? ((text) => process.stderr.write(text));
  /** function/class name → true while its latest version did not compile */
  const didNotCompile = new Set();
  /** name declared by a cell that stopped at an unsolved exercise → that exercise */
  const notComputed = new Map();
  const findCells = options.definingCells ??
    ((missing, source) => definingCells(ts, missing, source, { dir: process.cwd(), session: process.env.JPY_SESSION_NAME }));
  const original = executor.execute.bind(executor);

  /** @param {string} src */
  async function execute(src) {
    for (const line of options.notices?.() ?? []) err(line);
    let names;
    try {
      names = cellNames(ts, src);
    } catch {
      return original(src);
    }
    const { declared, used } = names;
    const uses = [...used].filter((name) => !declared.has(name));
    const broken = uses.find((name) => didNotCompile.has(name));
    if (broken) {
      out(didNotCompileLine(broken));
      return true;
    }
    const missing = uses.find((name) => notComputed.has(name));
    if (missing) {
      out(notComputedLine(missing, notComputed.get(missing)));
      return true;
    }
    /** @type {unknown[][]} */
    const errors = [];
    const real = sink.target;
    sink.target = { log: real.log, error: (...args) => errors.push(args) };
    let ok;
    try {
      ok = await original(src);
    } finally {
      sink.target = real;
    }
    const flush = () => errors.forEach((args) => real.error(...args));
    if (ok) {
      flush();
      for (const name of declared) {
        didNotCompile.delete(name);
        notComputed.delete(name);
      }
      return true;
    }
    const compileFailed = errors.some((args) => args[0] === DIAGNOSTIC);
    if (compileFailed) {
      for (const name of functionsAndClasses(ts, src)) didNotCompile.add(name);
      const unknown = new Set(errors.filter((args) => args[0] === DIAGNOSTIC).map((args) => CANNOT_FIND.exec(String(args[4]))?.[1] ?? ""));
      unknown.delete("");
      /** @type {string[]} */
      const hints = [];
      /** names a hint explains: their compiler lines are left out */
      const explained = new Set();
      const rest = [];
      for (const name of unknown) {
        const todo = notComputed.get(name);
        if (todo) {
          hints.push(notComputedLine(name, todo));
          explained.add(name);
        } else rest.push(name);
      }
      const cells = rest.length > 0 ? findCells(rest, src) : [];
      for (const cell of cells) {
        hints.push(runCellHint(cell));
        cell.names.forEach((name) => explained.add(name));
      }
      for (const name of rest) if (!explained.has(name)) hints.push(missingNameHint(name));
      for (const args of errors) if (!(args[0] === DIAGNOSTIC && explained.has(CANNOT_FIND.exec(String(args[4]))?.[1] ?? ""))) real.error(...args);
      for (const hint of hints) err(hint);
      return false;
    }
    const todo = errors.map((args) => unsolvedExercise(args[0])).find((t) => t !== null);
    if (todo) {
      for (const name of declared) notComputed.set(name, todo);
      out(needsExerciseLine(todo));
      return true;
    }
    flush();
    return false;
  }

  return Object.assign(Object.create(null), executor, { execute });
}

/**
 * The top-level functions and classes a cell declares (what a later cell calls, and what tslab
 * keeps in its old version when the cell does not compile).
 * @param {typeof import("typescript")} ts
 * @param {string} source
 * @returns {string[]}
 */
function functionsAndClasses(ts, source) {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  /** @type {string[]} */
  const names = [];
  for (const statement of file.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.push(statement.name.text);
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init) || ts.isClassExpression(init))) names.push(d.name.text);
      }
    }
  }
  return names;
}

module.exports = { learnerExecutor, unsolvedExercise, functionsAndClasses, didNotCompileLine, needsExerciseLine, notComputedLine, missingNameHint };
