/** The progress line of a training run: step, loss, accuracy, rate and time left. */
import { formatDuration, formatNumber, formatPercent } from "./format";
import { escapeHtml } from "./html";
import type { MimeBundle } from "./jupyter-display";

export interface ProgressState {
  step: number;
  totalSteps?: number;
  loss: number;
  trainAccuracy?: number;
  testAccuracy?: number;
  /** Steps per second. */
  rate?: number;
  elapsedSeconds?: number;
  done?: boolean;
}

export function progressText(p: ProgressState): string {
  const parts: string[] = [];
  const of = p.totalSteps !== undefined ? `/${p.totalSteps}` : "";
  parts.push(p.done ? `done: ${p.step} steps${p.elapsedSeconds !== undefined ? ` in ${formatDuration(p.elapsedSeconds)}` : ""}` : `step ${p.step}${of}`);
  parts.push(`loss ${formatNumber(p.loss, 4)}`);
  if (p.trainAccuracy !== undefined) parts.push(`batch acc ${formatPercent(p.trainAccuracy)}`);
  if (p.testAccuracy !== undefined) parts.push(`test acc ${formatPercent(p.testAccuracy)}`);
  if (p.rate !== undefined && Number.isFinite(p.rate)) parts.push(`${formatNumber(p.rate, 3)} steps/s`);
  if (!p.done && p.rate !== undefined && p.rate > 0 && p.totalSteps !== undefined) parts.push(`${formatDuration((p.totalSteps - p.step) / p.rate)} left`);
  return parts.join(" · ");
}

export function progressBundle(p: ProgressState): MimeBundle {
  const text = progressText(p);
  const bar =
    p.totalSteps !== undefined
      ? `<progress max="${p.totalSteps}" value="${Math.min(p.step, p.totalSteps)}" style="width:12em;vertical-align:middle;margin-right:0.8em"></progress>`
      : "";
  return {
    "text/plain": text,
    "text/html": `<div class="bnlab-progress" style="font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px">${bar}${escapeHtml(text)}</div>`,
  };
}
