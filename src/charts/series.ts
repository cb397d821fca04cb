/**
 * The simple inputs of the builders: a named series of (x, y) points that may name its method,
 * and long series thinned to a few hundred points before they go into a figure.
 */

export interface Series {
  /** Legend entry, e.g. "BatchNorm, lr 0.1". */
  name: string;
  /** A normalization method ("BatchNorm", "baseline", …) picks the course colour for the series. */
  method?: string;
  x: readonly number[];
  y: readonly number[];
  /** Dashed lines tell train curves from test curves of the same run. */
  dash?: "solid" | "dot" | "dash";
  color?: string;
}

import { checkInteger, checkNumbers } from "../validate/checks";

export const DEFAULT_MAX_POINTS = 400;

/**
 * Thins a series to at most `maxPoints` points by averaging consecutive buckets of y (which also
 * smooths a noisy minibatch loss) and keeping the last x of each bucket.
 */
export function downsample(x: readonly number[], y: readonly number[], maxPoints: number = DEFAULT_MAX_POINTS): { x: number[]; y: number[] } {
  checkNumbers("downsample", "x", x);
  checkNumbers("downsample", "y", y);
  checkInteger("downsample", "maxPoints", maxPoints, { min: 1, hint: "the most points the series keeps (default 400)" });
  const n = Math.min(x.length, y.length);
  if (n <= maxPoints) return { x: x.slice(0, n), y: y.slice(0, n) };
  const size = Math.ceil(n / maxPoints);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let sum = 0;
    let count = 0;
    for (let i = start; i < end; i++) {
      if (Number.isFinite(y[i])) {
        sum += y[i];
        count++;
      }
    }
    xs.push(x[end - 1]);
    ys.push(count > 0 ? sum / count : NaN);
  }
  return { x: xs, y: ys };
}
