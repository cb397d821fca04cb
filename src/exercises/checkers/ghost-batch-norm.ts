import { Matrix } from "../../tensor/matrix";
import { formatMatrix, formatNumber, hang } from "../compare";
import { ExerciseSpec, readMatrix } from "../engine";
import { MisconceptionId } from "../misconceptions";
import { NormalizeVariant, RIGHT, normalizeVariant } from "../variants";
import { GhostBatchNormFn, Input, ghostBatchNormCollect } from "../collect/ghost-batch-norm";

/** How the rows are split into ghost batches, and how each is normalized (variants.ts). */
interface Variant extends Partial<NormalizeVariant> {
  chunks?: "consecutive" | "strided" | "whole";
  skipRemainder?: boolean;
  mergeRemainder?: boolean;
}

/** The row indices of each ghost batch. */
function groups(n: number, v: number, how: Variant["chunks"], skipRemainder: boolean, mergeRemainder = false): number[][] {
  const count = Math.ceil(n / v);
  if (how === "whole") return [Array.from({ length: n }, (_, i) => i)];
  if (how === "strided") return Array.from({ length: count }, (_, g) => Array.from({ length: n }, (_, i) => i).filter((i) => i % count === g));
  const out: number[][] = [];
  for (let s = 0; s < n; s += v) {
    if (skipRemainder && s + v > n) break;
    out.push(Array.from({ length: Math.min(v, n - s) }, (_, i) => s + i));
  }
  if (mergeRemainder && out.length > 1 && n % v !== 0) out[out.length - 2].push(...(out.pop() ?? []));
  return out;
}

/** Ghost normalization with each mistake switchable (rows outside every group stay 0). */
function ghostVariant(x: Matrix, v: number, eps: number, o: Variant = {}): Matrix {
  const out = new Matrix(x.rows, x.cols);
  for (const rows of groups(x.rows, v, o.chunks ?? "consecutive", o.skipRemainder ?? false, o.mergeRemainder)) {
    const xhat = normalizeVariant(x.selectRows(rows), eps, { ...RIGHT, ...o });
    rows.forEach((r, k) => out.data.set(xhat.data.subarray(k * x.cols, (k + 1) * x.cols), r * x.cols));
  }
  return out;
}

const MISTAKES: Array<{ ids: MisconceptionId[]; variant: Variant; message?: string }> = [
  { ids: ["ghost-whole-batch"], variant: { chunks: "whole" } },
  { ids: ["ghost-strided"], variant: { chunks: "strided" } },
  { ids: ["ghost-remainder-skipped"], variant: { skipRemainder: true } },
  { ids: ["ghost-remainder-merged"], variant: { mergeRemainder: true } },
  { ids: ["unbiased-variance"], variant: { unbiased: true } },
  { ids: ["eps-outside-sqrt"], variant: { eps: "outside" } },
  { ids: ["eps-forgotten"], variant: { eps: "none" } },
  {
    ids: ["wrong-axis"],
    variant: { axis: "examples" },
    message: "Your statistics are taken across the features of each row. Within each ghost batch, μ and σ² are per FEATURE, over the ghost batch's rows (axis 0).",
  },
];

export const ghostBatchNormSpec: ExerciseSpec<Input, GhostBatchNormFn> = {
  ...ghostBatchNormCollect,
  title: "Ghost batch normalization (statistics per ghost batch)",
  read: readMatrix("xhat", "x̂", "N×D, the shape of x"),
  reference: (i) => ({ xhat: ghostVariant(i.x, i.virtualBatchSize, i.eps) }),
  mistakes: MISTAKES.map(({ ids, variant, message }) => ({ ids, message, outputs: (i: Input) => ({ xhat: ghostVariant(i.x, i.virtualBatchSize, i.eps, variant) }) })),
  passMessage: "Each block of virtualBatchSize consecutive rows (and the smaller last one) is normalized with its own μ and biased σ², ε inside the root; 3 batches.",
  describeInput: (i) => `${hang("x = ", formatMatrix(i.x))}\nvirtualBatchSize = ${i.virtualBatchSize}, eps = ${formatNumber(i.eps)}`,
  labels: { xhat: "x̂" },
};
