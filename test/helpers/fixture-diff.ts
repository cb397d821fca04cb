/**
 * Compare a regenerated PyTorch fixture with the committed one, the way a BLAS allows.
 *
 * Debian's OpenBLAS picks its dgemm kernel from the CPU at run time (Haswell/Zen on Zen 3, Cooperlake
 * on Zen 4 with AVX-512), and the kernels group partial sums differently: the same float64 PyTorch
 * code legitimately differs in the last bits of a matrix product from one CPU to the next. So:
 *
 * - the structure must match exactly: the same keys in the same order, the same array lengths, the
 *   same strings, booleans and nulls (integers such as num_batches_tracked are held by the ulp rule
 *   below, which no integer can meet unless it is equal);
 * - inputs (numbers under the keys in `inputKeys`: the script's seeded, 4-decimal data) must match
 *   exactly, since nothing but numpy's seeded generator produced them;
 * - every other number may differ by at most `ulps` units in the last place of its scale, where the
 *   scale is the largest magnitude in the innermost object that holds it (both versions; e.g. all the
 *   gradients of one step): a sum that cancels to a small value carries the rounding of its large terms,
 *   which is the BLAS's freedom. (The gradient of a Linear bias right before BatchNorm is exactly zero in
 *   exact arithmetic; PyTorch writes rounding noise of 1e-18 there, whose sign depends on the CPU.)
 *
 * Returns null when the two agree, else one sentence naming the first difference by its JSON path.
 */
export interface FixtureDiffOptions {
  /** Keys whose numbers (at any depth below) are inputs and must be equal to the bit. */
  inputKeys: ReadonlySet<string>;
  /** Units in the last place (of the enclosing object's scale) allowed for outputs (default 8). */
  ulps?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The spacing of float64 values at magnitude s (s > 0). */
export function ulpOf(s: number): number {
  if (!(s > 0) || !Number.isFinite(s)) return 0;
  const exponent = Math.floor(Math.log2(s));
  return 2 ** Math.max(exponent - 52, -1074);
}

function kind(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function describe(v: Json): string {
  return JSON.stringify(v)?.slice(0, 60) ?? String(v);
}

/** The largest finite magnitude anywhere below v. */
function scaleOf(v: Json): number {
  if (typeof v === "number") return Number.isFinite(v) ? Math.abs(v) : 0;
  if (v === null || typeof v !== "object") return 0;
  let s = 0;
  for (const u of Array.isArray(v) ? v : Object.values(v)) s = Math.max(s, scaleOf(u));
  return s;
}

export function diffFixtures(committed: unknown, fresh: unknown, options: FixtureDiffOptions): string | null {
  const ulps = options.ulps ?? 8;
  const walk = (a: Json, b: Json, path: string, isInput: boolean, scale: number): string | null => {
    if (kind(a) !== kind(b)) return `${path}: committed ${kind(a)} ${describe(a)}, regenerated ${kind(b)} ${describe(b)}`;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return `${path}: committed length ${a.length}, regenerated length ${b.length}`;
      for (let i = 0; i < a.length; i++) {
        const d = walk(a[i], b[i], `${path}[${i}]`, isInput, scale);
        if (d) return d;
      }
      return null;
    }
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      const ka = Object.keys(a), kb = Object.keys(b);
      if (ka.join("\u0000") !== kb.join("\u0000")) return `${path}: committed keys [${ka.join(", ")}], regenerated keys [${kb.join(", ")}]`;
      const s = Math.max(scaleOf(a), scaleOf(b));
      for (const k of ka) {
        const d = walk(a[k], b[k], `${path}.${k}`, isInput || options.inputKeys.has(k), s);
        if (d) return d;
      }
      return null;
    }
    if (typeof a === "number" && typeof b === "number") {
      if (Object.is(a, b)) return null;
      if (isInput || !Number.isFinite(a) || !Number.isFinite(b)) {
        return `${path}: committed ${a}, regenerated ${b}${isInput ? " (an input: must be equal exactly)" : ""}`;
      }
      const tol = ulps * ulpOf(Math.max(scale, Math.abs(a), Math.abs(b)));
      if (Math.abs(a - b) <= tol) return null;
      return `${path}: committed ${a}, regenerated ${b}: |difference| ${Math.abs(a - b).toExponential(2)} is more than ${ulps} ulp of the scale ${Math.max(scale, Math.abs(a), Math.abs(b)).toExponential(3)} (${tol.toExponential(2)})`;
    }
    return a === b ? null : `${path}: committed ${describe(a)}, regenerated ${describe(b)}`;
  };
  return walk(committed as Json, fresh as Json, "$", false, 0);
}
