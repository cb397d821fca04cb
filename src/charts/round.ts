/**
 * Rounding numbers in traces so that saved notebook outputs stay small: 4 significant digits are
 * more than a chart can show. Integers (steps, batch sizes, counts) are kept exact; NaN and
 * ±Infinity become null, which JSON can hold and Plotly draws as a gap.
 */
import type { Datum, Figure, Frame, Trace } from "./figure";
import { checkInteger, describe } from "../validate/checks";

const DEFAULT_DIGITS = 4;

/** Significant digits: toPrecision takes 1 … 100. */
function checkDigits(where: string, digits: number): void {
  checkInteger(where, "digits", digits, { min: 1, max: 100, hint: "significant digits (default 4)" });
}

/** A figure: { data: [traces…], layout: {…} }. */
export function checkFigure(where: string, fig: Figure): void {
  if (fig === null || typeof fig !== "object" || !Array.isArray(fig.data) || fig.layout === null || typeof fig.layout !== "object") {
    throw new TypeError(`${where}: expected a figure { data: [traces], layout: {…} } as the chart builders return, got ${describe(fig)}`);
  }
}

export function roundSig(v: number, digits: number = DEFAULT_DIGITS): number | null {
  checkDigits("roundSig", digits);
  if (!Number.isFinite(v)) return null;
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v;
  return Number(v.toPrecision(digits));
}

function roundValue(v: unknown, digits: number): unknown {
  if (typeof v === "number") return roundSig(v, digits);
  if (Array.isArray(v)) return v.map((e) => roundValue(e, digits));
  return v;
}

/** Rounds every number inside the array-valued attributes of a trace (x, y, z, error bars, …). */
function roundTrace(trace: Trace, digits: number): Trace {
  if (trace === null || typeof trace !== "object") throw new TypeError(`roundTrace: expected a trace (an object), got ${describe(trace)}`);
  const out: Trace = { ...trace };
  for (const key of Object.keys(out)) {
    const v = out[key];
    if (Array.isArray(v)) out[key] = roundValue(v, digits);
    else if (v !== null && typeof v === "object" && key.startsWith("error_")) {
      const bars = { ...(v as Record<string, unknown>) };
      if (Array.isArray(bars.array)) bars.array = roundValue(bars.array, digits);
      out[key] = bars;
    }
  }
  return out;
}

/** Rounds the traces of a figure and of its frames; the layout is left as it is. */
export function roundFigure(fig: Figure, digits: number = DEFAULT_DIGITS): Figure {
  checkDigits("roundFigure", digits);
  checkFigure("roundFigure", fig);
  const out: Figure = { ...fig, data: fig.data.map((t) => roundTrace(t, digits)) };
  if (fig.frames) out.frames = fig.frames.map((f): Frame => ({ ...f, data: f.data.map((t) => roundTrace(t, digits)) }));
  return out;
}

/** Rounds a plain array of numbers (for builders that put numbers into text labels). */
export function roundArray(values: readonly number[], digits: number = DEFAULT_DIGITS): Datum[] {
  checkDigits("roundArray", digits);
  return values.map((v) => roundSig(v, digits));
}
