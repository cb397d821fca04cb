import { Matrix } from "../tensor/matrix";

/** Two numbers agree when |a − b| ≤ atol + rtol·|b| (NaN agrees with NaN, ∞ with the same ∞). */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Float64 arithmetic done in another order agrees far better than this; every mistake differs far more. */
export const DEFAULT_TOLERANCE: Tolerance = { atol: 1e-9, rtol: 1e-6 };

export function closeNumbers(a: number, b: number, tol: Tolerance = DEFAULT_TOLERANCE): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
}

function isVector(m: Matrix): boolean {
  return m.rows === 1 || m.cols === 1;
}

/**
 * Same shape and values within tolerance. With `anyOrientation`, a row and a column holding the
 * same values also agree (used to recognise a mistake whatever way the learner laid out a vector).
 */
export function closeMatrices(got: Matrix, expected: Matrix, tol: Tolerance = DEFAULT_TOLERANCE, anyOrientation = false): boolean {
  const sameShape = got.rows === expected.rows && got.cols === expected.cols;
  const vectors = anyOrientation && isVector(got) && isVector(expected) && got.size === expected.size;
  if (!sameShape && !vectors) return false;
  for (let i = 0; i < got.data.length; i++) {
    if (!closeNumbers(got.data[i], expected.data[i], tol)) return false;
  }
  return true;
}

/** The entry where two same-shape matrices differ most, as "(i, j): expected …, got …". */
export function largestDifference(got: Matrix, expected: Matrix): string | null {
  if (got.rows !== expected.rows || got.cols !== expected.cols) return null;
  let worst = -1;
  let at = -1;
  for (let k = 0; k < got.data.length; k++) {
    const d = Math.abs(got.data[k] - expected.data[k]);
    const score = Number.isNaN(d) ? Infinity : d;
    if (score > worst) {
      worst = score;
      at = k;
    }
  }
  if (at < 0) return null;
  const i = Math.floor(at / got.cols);
  const j = at % got.cols;
  return `at (${i}, ${j}): expected ${formatNumber(expected.data[at])}, got ${formatNumber(got.data[at])}`;
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(5).replace(/\.?0+e/, "e").replace("e+", "e");
  return v.toPrecision(6).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** A matrix on a few lines: "[1×3] [0.5, 1.25, -2]" or a header and one line per row. */
export function formatMatrix(m: Matrix, maxRows = 6, maxCols = 8): string {
  const row = (i: number) => {
    const cells = m.rowArray(i).slice(0, maxCols).map(formatNumber);
    if (m.cols > maxCols) cells.push("…");
    return `[${cells.join(", ")}]`;
  };
  if (m.rows === 0 || m.cols === 0) return `[${m.rows}×${m.cols}] (empty)`;
  if (m.rows === 1) return `[1×${m.cols}] ${row(0)}`;
  const lines = [`[${m.rows}×${m.cols}]`];
  for (let i = 0; i < Math.min(m.rows, maxRows); i++) lines.push("  " + row(i));
  if (m.rows > maxRows) lines.push("  …");
  return lines.join("\n");
}

/** Indent every line after the first by `pad` (for "name = <multi-line matrix>"). */
export function hang(label: string, text: string): string {
  const pad = " ".repeat(label.length);
  return label + text.split("\n").join("\n" + pad);
}

/** True if any entry is NaN. */
export function hasNaN(m: Matrix): boolean {
  for (let i = 0; i < m.data.length; i++) if (Number.isNaN(m.data[i])) return true;
  return false;
}

/**
 * The form of a verb agreeing with an output's label: plural for "losses" or "dγ and dβ", singular
 * for "x̂", "bias" or "running mean" (the label's head, before " (" or " =", ends in an s not of
 * -as, -is, -us or -ss, or joins two with "and").
 */
export function verbFor(label: string): (singular: string, plural: string) => string {
  const many = /[^aius]s$| and /.test(label.split(/ \(| =/)[0]);
  return (singular, plural) => (many ? plural : singular);
}
