/** Short number labels for ticks, heatmap cells and progress lines. */

/** 0.001 → "0.001", 0.0001 → "1e-4", 2.5e-5 → "2.5e-5", 12345 → "1.23e4". */
export function formatNumber(v: number, digits: number = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(digits)));
  const [mant, exp] = v.toExponential(digits - 1).split("e");
  return `${String(Number(mant))}e${Number(exp)}`;
}

/** 0.9731 → "97.3%". */
export function formatPercent(v: number, decimals: number = 1): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(decimals)}%` : "–";
}

/** Seconds → "42s", "3m 05s", "1h 02m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
