/**
 * Whether this kernel process has already sent plotly.js to the page. The flag lives on
 * globalThis (not in module state) because tslab may re-instantiate a re-compiled module in the
 * same process; a kernel restart is a new process, so the first chart after it injects again.
 */
const KEY = Symbol.for("bnlab.charts.plotlyInjected");

interface Flags {
  [KEY]?: boolean;
}

export function plotlyInjected(): boolean {
  return (globalThis as Flags)[KEY] === true;
}

export function markPlotlyInjected(): void {
  (globalThis as Flags)[KEY] = true;
}

export function forgetPlotlyInjected(): void {
  delete (globalThis as Flags)[KEY];
}
