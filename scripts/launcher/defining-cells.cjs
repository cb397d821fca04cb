"use strict";
/**
 * Which cells of the learner's notebook define the names a cell misses. After a restart (or with
 * cells run out of order) the kernel has not run them; the hint names each cell, so the learner
 * knows what to run. The notebook is the one Jupyter says the kernel belongs to (JPY_SESSION_NAME,
 * set by jupyter_server 2), else the one in the kernel's folder holding the cell being run, else
 * the only one there that defines every missing name.
 */
const fs = require("fs");
const path = require("path");
const { cellNames } = require("./cell-names.cjs");

/**
 * @typedef {{ position: number, firstLine: string, importsLibrary: boolean, names: string[] }} DefiningCell
 *   position: 1-based among the notebook's code cells
 */

/** @param {string} file @returns {string[]} the sources of its code cells ([] if unreadable) */
function codeCells(file) {
  try {
    const notebook = JSON.parse(fs.readFileSync(file, "utf8"));
    return (notebook.cells ?? [])
      .filter((/** @type {{ cell_type: string }} */ cell) => cell.cell_type === "code")
      .map((/** @type {{ source: string | string[] }} */ cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source));
  } catch {
    return [];
  }
}

/**
 * @param {typeof import("typescript")} ts
 * @param {string[]} missing names the cell uses and the kernel does not have
 * @param {string} source the cell being run
 * @param {{ dir: string, session?: string }} where the kernel's folder and JPY_SESSION_NAME
 * @returns {DefiningCell[]} one entry per defining cell, in notebook order (names no cell defines are left out)
 */
function definingCells(ts, missing, source, where) {
  const notebooks = fs.existsSync(where.dir) ? fs.readdirSync(where.dir).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(where.dir, f)) : [];
  const session = where.session ? [path.resolve(where.dir, where.session), path.join(where.dir, path.basename(where.session))].find((f) => fs.existsSync(f)) : undefined;
  /** @type {Map<string, ReturnType<typeof cellNames>[]>} */
  const parsed = new Map();
  const cellsOf = (/** @type {string} */ file) => {
    if (!parsed.has(file)) parsed.set(file, codeCells(file).map((cell) => safeNames(ts, cell)));
    return /** @type {ReturnType<typeof cellNames>[]} */ (parsed.get(file));
  };
  const sources = new Map(notebooks.map((file) => [file, codeCells(file)]));
  const holding = notebooks.filter((file) => sources.get(file)?.some((cell) => cell.trim() === source.trim()));
  const definingAll = notebooks.filter((file) => missing.every((name) => cellsOf(file).some((cell) => cell.declared.has(name))));
  const file = session ?? (holding.length === 1 ? holding[0] : definingAll.length === 1 ? definingAll[0] : undefined);
  if (!file) return [];
  return cellsDefining(ts, sources.get(file) ?? codeCells(file), missing, cellsOf(file));
}

/**
 * The cells among a notebook's code cells (`texts`, in order) that define the missing names.
 * @param {typeof import("typescript")} ts
 * @param {string[]} texts
 * @param {string[]} missing
 * @param {ReturnType<typeof cellNames>[]} [cells] the names of each cell, when already parsed
 * @returns {DefiningCell[]}
 */
function cellsDefining(ts, texts, missing, cells = texts.map((text) => safeNames(ts, text))) {
  /** @type {Map<number, DefiningCell>} */
  const found = new Map();
  for (const name of missing) {
    const index = cells.findIndex((cell) => cell.declared.has(name));
    if (index < 0) continue;
    const entry = found.get(index) ?? { position: index + 1, firstLine: firstLine(texts[index] ?? ""), importsLibrary: cells[index].importsLibrary, names: [] };
    entry.names.push(name);
    found.set(index, entry);
  }
  return [...found.values()].sort((a, b) => a.position - b.position);
}

/** @param {typeof import("typescript")} ts @param {string} source */
function safeNames(ts, source) {
  try {
    return cellNames(ts, source);
  } catch {
    return { declared: new Set(), used: new Set(), importsLibrary: false };
  }
}

/** @param {string} source @returns {string} its first line with code, without a line comment, shortened */
function firstLine(source) {
  const line = source.split("\n").map((l) => l.replace(/\s*\/\/.*$/, "").trim()).find((l) => l.length > 0) ?? "";
  return line.length > 50 ? `${line.slice(0, 49)}…` : line;
}

/** @param {string[]} names @returns {string} "a", "a and b", "a, b and c" */
function listNames(names) {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** @param {DefiningCell} cell @returns {string} the hint for one cell */
function runCellHint(cell) {
  const names = listNames(cell.names);
  const which = cell.importsLibrary ? `the Setup cell (code cell ${cell.position})` : `code cell ${cell.position} ("${cell.firstLine}")`;
  return `bnlab: ${names} ${cell.names.length === 1 ? "is" : "are"} defined by ${which}, which this kernel has not run yet: run it first (Run › Run All Above).\n`;
}

module.exports = { definingCells, cellsDefining, runCellHint, listNames };
