import { Matrix } from "../tensor/matrix";
import { Tolerance, closeNumbers, formatMatrix, formatNumber, verbFor } from "./compare";

/**
 * Influence probes: how the learner's outputs depend on the inputs, compared with the right ones.
 * The collector runs the learner's function on a base input, on the same input again, and on copies
 * with one argument changed; the judge (pure, this file) compares what moved, where and how far, and
 * fits outputs against the right intermediates. Every finding is a sentence about the learner's result.
 */

/** One argument changed, the rest as in the base input. */
export interface Perturbation<I> {
  /** The change, as a clause after "when": "β changes", "feature 1 is shifted by a constant". */
  what: string;
  input: I;
  /** What an output that ignores the change means: "β is never added". */
  ignored?: string;
  /** What an output that moves where the right one stays means: "the statistics mix features". */
  leaks?: string;
  /** For a change to one column: what it means when the output moves in that column only (then `leaks` is not said). */
  inColumn?: { column: number; leaks: string };
  /** For a change that multiplies part of the input by this factor: compare by what the outputs are multiplied. */
  scaledBy?: number;
}

/** An output fitted column by column (per feature) as a·term + b, or its difference from the right one as c·term. */
interface Fit<I> {
  key: string;
  /** The right intermediate, as written in the message: "x̂", "x − μ". */
  term: string;
  of(input: I): Matrix;
  /** Fit the learner's output minus the right one (what it adds or misses) instead of the output. */
  residual?: boolean;
  /** What an exact residual fit means: "the term through σ² is wrong". */
  meaning?: string;
  /** For a term x − μ: the per-feature variance, ε and the factor that multiplies x̂ (γ for y), to name the divisor. */
  divisor?(input: I): { variance: Matrix; eps: number; scale?: { name: string; row: Matrix } };
}

export interface Probes<I> {
  base: I;
  label: string;
  perturbations: Perturbation<I>[];
  fits?: Fit<I>[];
  /** Rows a per-feature coefficient or ratio may be named by, e.g. { γ: gamma, β: beta }. */
  rows?(input: I): Record<string, Matrix>;
  /** Numbers a ratio may be named by, e.g. { "N/(N−1)": 1.25 }. */
  factors?(input: I): Record<string, number>;
}

type Out = Record<string, Matrix>;

/** A parameter row (γ, a running mean) with entry j moved by 0.5 + 0.25·j: every entry, or entry `only`. */
export const bump = (row: Matrix, only?: number) => row.map((v, _i, j) => (only === undefined || j === only ? v + 0.5 + 0.25 * j : v));

/** Probes around one case: its input is the base. */
export function probesOn<I>(c: { label: string; input: I }, perturbations: Perturbation<I>[]): Probes<I> {
  return { label: c.label, base: c.input, perturbations };
}

/** Probes of an exercise whose arguments are plain numbers: one perturbation per entry of `changes` ("k changes"; ignored: "k is never used"). */
export function argumentProbes<I extends object>(label: string, base: I, changes: Partial<I>): Probes<I> {
  const names = Object.keys(changes) as Array<keyof I & string>;
  return { label, base, perturbations: names.map((k) => ({ what: `${k} changes`, input: { ...base, [k]: changes[k] }, ignored: `${k} is never used` })) };
}

/** "sigma = 3, batchSize = 4": an input of plain numbers as its cases' label and its description. */
export const describeArguments = (input: object) => Object.entries(input).map(([k, v]) => `${k} = ${v}`).join(", ");

/** The cases of an exercise whose arguments are plain numbers, labelled by describeArguments, and argumentProbes around the first. */
export function argumentCases<I extends object>(inputs: I[], changes: Partial<I>): { cases: Array<{ label: string; input: I }>; probes: Probes<I> } {
  const cases = inputs.map((input) => ({ label: describeArguments(input), input }));
  return { cases, probes: argumentProbes(cases[0].label, inputs[0], changes) };
}

/** The inputs the collector runs: the base, the base again, then each perturbation. */
export function probeInputs<I>(p: Probes<I>): Array<{ label: string; input: I }> {
  return [
    { label: p.label, input: p.base },
    { label: `${p.label} (called again)`, input: p.base },
    ...p.perturbations.map((q) => ({ label: `${p.label}, where ${q.what}`, input: q.input })),
  ];
}

/**
 * The probes of an exercise that takes a batch x: its own changes (`extra`, first), then one example
 * changed, one feature shifted, two examples swapped; ratios named from N.
 */
export function batchProbes<I extends { x: Matrix }>(c: { label: string; input: I }, extra: Array<Perturbation<I>> = [], more: Partial<Probes<I>> = {}, ofX = ""): Probes<I> {
  const base = c.input;
  const x = base.x;
  const withX = (m: Matrix): I => ({ ...base, x: m });
  const last = x.rows - 1;
  const row = (i: number) => x.map((v, r, c) => (r === i ? v + 0.75 - 0.5 * c + 0.2 * c * c : v));
  const swapped = x.selectRows([1, 0, ...Array.from({ length: x.rows - 2 }, (_, i) => i + 2)]);
  const perturbations = [
    ...extra,
    { what: `example 0${ofX} changes`, input: withX(row(0)), ignored: "example 0 is never counted" },
    { what: `example ${last}${ofX} changes`, input: withX(row(last)), ignored: `example ${last} is never counted` },
    {
      what: `feature 1${ofX} is shifted by a constant`,
      input: withX(x.map((v, _r, j) => (j === 1 ? v + 1.5 : v))),
      leaks: "the statistics mix features",
      inColumn: { column: 1, leaks: "a shift moves a feature's mean by as much, so x − μ must not change" },
    },
    { what: `examples 0 and 1${ofX} swap places`, input: withX(swapped), leaks: "every example must count the same" },
  ];
  const n = x.rows;
  const counts = { "N/(N−1)": n / (n - 1), "(N−1)/N": (n - 1) / n, "N/(N+1)": n / (n + 1), "(N+1)/N": (n + 1) / n, N: n, "1/N": 1 / n };
  return { label: c.label, base, perturbations, ...more, factors: (i) => ({ ...counts, ...more.factors?.(i) }) };
}

/** One entry of a row named by `rows`, or undefined. */
function rowName(v: readonly number[], rows: Record<string, Matrix>, close: (a: number, b: number) => boolean): string | undefined {
  return Object.keys(rows).find((r) => rows[r].cols === v.length && v.every((x, j) => Number.isNaN(x) || close(x, rows[r].data[j])));
}

/**
 * Sentences about what the learner's outputs do under the probes (none when nothing stands out).
 * `got` and `expected` follow probeInputs: base, repeat, then one per perturbation.
 */
export function probeFindings<I>(p: Probes<I>, got: Out[], expected: Out[], label: (key: string) => string, tol: Tolerance): string[] {
  const same = (a: number, b: number) => closeNumbers(a, b, tol);
  const comparable = (k: string, i: number) => got[i][k] && got[i][k].rows === expected[i][k].rows && got[i][k].cols === expected[i][k].cols;
  const keys = Object.keys(expected[0]).filter((k) => expected.every((_, i) => comparable(k, i)));
  const out: string[] = [];
  for (const k of keys) {
    if (!got[1][k].data.every((v, e) => Object.is(v, got[0][k].data[e]) || same(v, got[0][k].data[e]))) {
      out.push(`Your ${label(k)} ${verbFor(label(k))("changes", "change")} between two calls with the same input: compute it exactly (no random sampling or estimate).`);
    }
  }
  if (out.length > 0) return out;
  const rows = p.rows?.(p.base) ?? {};
  const factors = p.factors?.(p.base) ?? {};
  // where the output moves first; then how far, once per output and factor
  const ratios = new Map<string, string>();
  p.perturbations.forEach((q, n) => {
    for (const k of keys) {
      const s = influence(q, { label: label(k), same, rows, factors }, got[0][k], got[n + 2][k], expected[0][k], expected[n + 2][k]);
      if (!s) continue;
      if (s.ratio === undefined) {
        if (!out.includes(s.text)) out.push(s.text);
      } else if (!ratios.has(`${k} ${s.ratio}`)) ratios.set(`${k} ${s.ratio}`, s.text);
    }
  });
  out.push(...ratios.values());
  for (const f of p.fits ?? []) {
    if (!keys.includes(f.key)) continue;
    const s = fitFinding(f, p.base, got[0][f.key], expected[0][f.key], { label: label(f.key), same, rows, factors });
    if (s) out.push(s);
  }
  return out;
}

/** What a finding is written and named with: the output's label, the tolerance, named rows and ratios. */
interface Naming {
  label: string;
  same(a: number, b: number): boolean;
  rows: Record<string, Matrix>;
  factors: Record<string, number>;
}

function influence(q: Perturbation<unknown>, { label, same, rows, factors }: Naming, g0: Matrix, g1: Matrix, e0: Matrix, e1: Matrix): { text: string; ratio?: string } | null {
  const n = e0.size;
  const dg = Array.from({ length: n }, (_, i) => g1.data[i] - g0.data[i]);
  const de = Array.from({ length: n }, (_, i) => e1.data[i] - e0.data[i]);
  // the right output moves beyond rounding; the learner's stays only when it does not move at all
  const gMoves = dg.map((_, i) => !same(g1.data[i], g0.data[i]));
  const gStill = dg.map((d) => Math.abs(d) <= 1e-13 * (1 + Math.abs(d)));
  const eMoves = de.map((_, i) => !same(e1.data[i], e0.data[i]));
  const because = (why?: string) => (why ? `: ${why}` : "");
  const verb = verbFor(label);
  const [does, moves, stays] = [verb("does", "do"), verb("moves", "move"), verb("stays", "stay")];
  if (!eMoves.some(Boolean) && !gMoves.some(Boolean)) return null;
  if (gStill.every(Boolean)) return { text: `Your ${label} ${does} not change when ${q.what}${because(q.ignored)}.` };
  if (!eMoves.some(Boolean)) {
    const own = q.inColumn && gMoves.every((m, i) => !m || i % g0.cols === q.inColumn?.column);
    return { text: `Your ${label} ${verb("changes", "change")} when ${q.what}; the right ${label} ${does} not${because(own ? q.inColumn?.leaks : q.leaks)}.` };
  }
  const leak = gMoves.map((m, i) => m && !eMoves[i]);
  if (leak.some(Boolean)) return { text: `When ${q.what}, your ${label} ${moves} ${where(leak, e0)} too, where the right ${label} ${stays}${because(q.leaks)}.` };
  const stuck = eMoves.map((m, i) => m && gStill[i]);
  if (stuck.some(Boolean)) return { text: `When ${q.what}, your ${label} ${stays} ${where(stuck, e0)}, where the right ${label} ${moves}${because(q.ignored)}.` };
  if (q.scaledBy !== undefined) {
    const text = scaling(q, label, g0, g1, e0, e1, eMoves);
    if (text) return { text };
  }
  // both move on the same entries: by the same factor everywhere, or per feature?
  const ratio = dg.map((d, i) => (eMoves[i] ? d / de[i] : NaN));
  const moved = ratio.filter((r) => !Number.isNaN(r));
  const closeRatio = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  if (moved.every((r) => closeRatio(r, moved[0]))) {
    if (Math.abs(moved[0] - 1) < 1e-3) return null;
    const name = Object.keys(factors).find((f) => closeRatio(factors[f], moved[0]));
    const far = Math.abs(moved[0] + 1) < 1e-6 ? "the opposite way, exactly as far" : `${formatNumber(moved[0])} times as far`;
    return { text: `When ${q.what}, your ${label} ${moves} ${far} as the right ${label}${name ? ` (${name})` : ""}.`, ratio: formatNumber(moved[0]) };
  }
  const perColumn = Array.from({ length: e0.cols }, (_, j) => ratio.find((r, i) => i % e0.cols === j && !Number.isNaN(r)) ?? NaN);
  const columnsConsistent = ratio.every((r, i) => Number.isNaN(r) || closeRatio(r, perColumn[i % e0.cols]));
  if (columnsConsistent) {
    const name = rowName(perColumn, rows, closeRatio);
    if (name) return { text: `When ${q.what}, your ${label} ${moves} ${name} times as far as the right ${label}, in each feature.`, ratio: name };
  }
  return null;
}

/** "your σ² is multiplied by 3; the right σ² by 9 = 3²", when each output is multiplied by one factor where it moves. */
function scaling(q: Perturbation<unknown>, label: string, g0: Matrix, g1: Matrix, e0: Matrix, e1: Matrix, moves: boolean[]): string | null {
  const factor = (a: Matrix, b: Matrix): number | null => {
    const fs = moves.flatMap((m, i) => (m && a.data[i] !== 0 ? [b.data[i] / a.data[i]] : []));
    return fs.length > 0 && fs.every((f) => Math.abs(f - fs[0]) <= 1e-9 * Math.abs(fs[0])) ? fs[0] : null;
  };
  const got = factor(g0, g1);
  const want = factor(e0, e1);
  if (got === null || want === null || Math.abs(got - want) <= 1e-6 * Math.abs(want)) return null;
  const k = q.scaledBy ?? 1;
  const power = (f: number) => [1, 2, 0.5, -1, -2].find((p) => Math.abs(k ** p - f) <= 1e-6 * Math.abs(f));
  const named = (f: number) => {
    const p = power(f);
    return p === undefined || p === 1 ? formatNumber(f) : `${formatNumber(f)} = ${formatNumber(k)}${{ 2: "²", 0.5: "^½", [-1]: "⁻¹", [-2]: "⁻²" }[p] ?? ""}`;
  };
  return `When ${q.what}, your ${label} ${verbFor(label)("is", "are")} multiplied by ${named(got)}; the right ${label} by ${named(want)}.`;
}

/** "in column 1", "in rows 1, 2, 3", or "at 4 entries". */
function where(mask: boolean[], m: Matrix): string {
  const colsHit = Array.from({ length: m.cols }, (_, j) => mask.some((v, i) => v && i % m.cols === j));
  const rowsHit = Array.from({ length: m.rows }, (_, i) => mask.slice(i * m.cols, (i + 1) * m.cols).some(Boolean));
  const list = (xs: boolean[]) => xs.flatMap((v, i) => (v ? [i] : [])).join(", ");
  const full = (xs: boolean[], count: number) => xs.filter(Boolean).length === count;
  // whole columns (every row of each column hit), or a 1-row output
  if (m.rows === 1 || colsHit.every((hit, j) => !hit || mask.every((v, i) => i % m.cols !== j || v))) {
    return `in ${full(colsHit, 1) ? "column" : "columns"} ${list(colsHit)}`;
  }
  return `in ${full(rowsHit, 1) ? "row" : "rows"} ${list(rowsHit)}`;
}

/** Least squares of y on [t, 1] per column; null unless every column fits exactly. */
function columnFits(y: Matrix, t: Matrix, same: (a: number, b: number) => boolean, intercept: boolean): { a: number[]; b: number[] } | null {
  const a: number[] = [];
  const b: number[] = [];
  for (let j = 0; j < y.cols; j++) {
    const ys = Array.from({ length: y.rows }, (_, i) => y.get(i, j));
    const ts = Array.from({ length: y.rows }, (_, i) => t.get(i, j));
    const mt = intercept ? ts.reduce((s, v) => s + v, 0) / ts.length : 0;
    const my = intercept ? ys.reduce((s, v) => s + v, 0) / ys.length : 0;
    const stt = ts.reduce((s, v) => s + (v - mt) ** 2, 0);
    const sty = ts.reduce((s, v, i) => s + (v - mt) * (ys[i] - my), 0);
    const aj = stt > 0 ? sty / stt : 0;
    const bj = my - aj * mt;
    if (!ys.every((v, i) => same(aj * ts[i] + bj, v))) return null;
    a.push(aj);
    b.push(bj);
  }
  return { a, b };
}

function rowText(v: number[], rows: Record<string, Matrix>): string {
  if (v.every((x) => Math.abs(x) < 1e-9)) return "0";
  if (v.every((x) => Math.abs(x - 1) < 1e-9)) return "1";
  return rowName(v, rows, (a, b) => Math.abs(a - b) <= 1e-9 + 1e-6 * Math.abs(a)) ?? formatMatrix(Matrix.row(v));
}

function fitFinding<I>(f: Fit<I>, input: I, got: Matrix, expected: Matrix, { label, same, rows, factors }: Naming): string | null {
  const term = f.of(input);
  if (got.rows < 3 || term.rows !== got.rows || term.cols !== got.cols) return null;
  if (f.residual) {
    const fit = columnFits(got.sub(expected), term, same, false);
    if (!fit || fit.a.every((c) => Math.abs(c) < 1e-12)) return null;
    return `Your ${label} ${verbFor(label)("differs from the right one", "differ from the right ones")} by a multiple of ${f.term} in each feature${f.meaning ? `: ${f.meaning}` : ""}.`;
  }
  const fit = columnFits(got, term, same, true);
  if (!fit) return null;
  const d = f.divisor?.(input);
  // a = scale/√(k·σ² + c), with or without the scale (γ): name k and c from the divisors the slopes imply
  const scales = d ? [...(d.scale ? [d.scale] : []), { name: "", row: Matrix.ones(1, got.cols) }] : [];
  for (const scale of scales) {
    if (!d) break;
    const line = linearFit(Array.from(d.variance.data), fit.a.map((a, j) => (scale.row.data[j] / a) ** 2));
    const named = line && (Math.abs(line.k - 1) < 1e-6 ? "" : Object.keys(factors).find((n) => Math.abs(factors[n] - line.k) <= 1e-6 * line.k));
    const c = line && epsText(line.c, d.eps);
    if (!line || named === undefined || c === null) continue;
    return `Your ${label} = ${scale.name ? `${scale.name}·` : ""}(x − μ)/√(${named ? `${named}·` : ""}σ² + ${c}) + ${rowText(fit.b, rows)} in every feature (ε = ${formatNumber(d.eps)}).`;
  }
  const a = rowText(fit.a, rows);
  const b = rowText(fit.b, rows);
  if (a.startsWith("[") && b.startsWith("[")) return null;
  return `Your ${label} = ${f.term}·${a} + ${b} in every feature.`;
}

/** y = k·x + c through every point (k, c exact), or null. */
function linearFit(x: number[], y: number[]): { k: number; c: number } | null {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
  const k = sxx > 0 ? x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / sxx : 1;
  const c = my - k * mx;
  const exact = y.every((v, i) => Math.abs(k * x[i] + c - v) <= 1e-7 * Math.max(1e-12, Math.abs(v)) + 1e-14);
  return exact ? { k, c } : null;
}

/** c named as a form of ε ("ε²", "0 (no ε)"), or null. */
function epsText(c: number, eps: number): string | null {
  const forms: Record<string, number> = { ε: eps, "ε²": eps * eps, "2ε": 2 * eps, "√ε": Math.sqrt(eps), "ε/2": eps / 2, "0 (no ε)": 0 };
  if (Math.abs(c) < 1e-14) return "0 (no ε)";
  const name = Object.keys(forms).find((f) => Math.abs(forms[f] - c) <= 1e-4 * Math.abs(forms[f]) + 1e-15);
  if (name === undefined) return null;
  return name === "ε" ? "ε" : `${name} = ${formatNumber(c)}`;
}
