/**
 * y = γ·x̂ + β on a histogram, with one slider for γ and one for β (lesson 2).
 *
 * The two sliders must not overwrite each other, so each restyles different attributes of the
 * same bar trace: γ sets the bars' positions x = γ·(left edge), their width γ·w and their height
 * density/γ; β sets the bars' `offset` (drawn from x + β). Any (γ, β) pair is therefore exact.
 */
import { density, jointRange, makeBins } from "./bins";
import type { Figure, Trace } from "./figure";
import { DENSITY_TITLE } from "./histogram";
import { roundArray, roundFigure, roundSig } from "./round";
import { baseLayout, methodColor, NEUTRAL_COLOR, withAlpha } from "./theme";
import { checkChartOptions } from "./check-options";
import { checkNumbers } from "../validate/checks";

export interface GammaBetaOptions {
  gammas?: readonly number[];
  betas?: readonly number[];
  /** Initial values (default γ = 1, β = 0). */
  gamma?: number;
  beta?: number;
  bins?: number;
  /** Fixed x range of the plot. */
  xRange?: readonly [number, number];
  title?: string;
  height?: number;
}

const DEFAULT_GAMMAS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3];
const DEFAULT_BETAS = [-3, -2, -1, 0, 1, 2, 3];

function nearestIndex(values: readonly number[], v: number): number {
  let best = 0;
  values.forEach((x, i) => {
    if (Math.abs(x - v) < Math.abs(values[best] - v)) best = i;
  });
  return best;
}

export function gammaBetaFigure(xhat: readonly number[], opts: GammaBetaOptions = {}): Figure {
  checkNumbers("gammaBetaFigure", "xhat", xhat);
  checkChartOptions("gammaBetaFigure", opts);
  const gammas = checkNumbers("gammaBetaFigure", "gammas", opts.gammas ?? DEFAULT_GAMMAS, true) as readonly number[];
  const betas = checkNumbers("gammaBetaFigure", "betas", opts.betas ?? DEFAULT_BETAS, true) as readonly number[];
  if (gammas.length === 0 || betas.length === 0) throw new RangeError("gammaBetaFigure: the sliders need at least one γ and one β value");
  if (gammas.some((g) => !(g > 0))) throw new Error("gammaBetaFigure: the slider's γ values must be positive");
  const bins = makeBins(opts.bins ?? 30, jointRange([xhat]));
  const dens = density(xhat, bins);
  const g0 = gammas[nearestIndex(gammas, opts.gamma ?? 1)];
  const b0 = betas[nearestIndex(betas, opts.beta ?? 0)];
  const blue = methodColor("BatchNorm");
  const scaled = (g: number) => ({ x: roundArray(bins.edges.map((e) => g * e)), width: roundSig(g * bins.width), y: roundArray(dens.map((d) => d / g)) });
  const reference: Trace = {
    type: "bar",
    name: "x̂ (normalized)",
    x: bins.edges.slice(),
    y: dens,
    width: bins.width,
    offset: 0,
    marker: { color: withAlpha(NEUTRAL_COLOR, 0.35), line: { color: NEUTRAL_COLOR, width: 1 } },
  };
  const s0 = scaled(g0);
  const output: Trace = {
    type: "bar",
    name: "y = γ·x̂ + β",
    x: s0.x,
    y: s0.y,
    width: s0.width,
    offset: b0,
    marker: { color: withAlpha(blue, 0.55), line: { color: blue, width: 1 } },
  };
  const span = Math.max(...gammas) * Math.max(Math.abs(bins.edges[0]), Math.abs(bins.edges[bins.edges.length - 1] + bins.width)) + Math.max(...betas.map(Math.abs));
  const layout = baseLayout({
    title: opts.title ?? "Scale and shift: y = γ·x̂ + β",
    x: { title: "value", range: opts.xRange ? [opts.xRange[0], opts.xRange[1]] : [-span, span] },
    y: { title: DENSITY_TITLE, range: [0, (Math.max(...dens) / Math.min(...gammas)) * 1.05] },
    height: (opts.height ?? 400) + 160,
  });
  layout.barmode = "overlay";
  layout.bargap = 0;
  layout.margin = { l: 64, r: 24, t: 56, b: 200 };
  layout.sliders = [
    {
      active: gammas.indexOf(g0),
      currentvalue: { prefix: "γ = " },
      pad: { t: 50 },
      steps: gammas.map((g) => {
        const s = scaled(g);
        return { label: String(g), method: "restyle", args: [{ x: [s.x], y: [s.y], width: [s.width] }, [1]] };
      }),
    },
    {
      active: betas.indexOf(b0),
      currentvalue: { prefix: "β = " },
      pad: { t: 140 },
      steps: betas.map((b) => ({ label: String(b), method: "restyle", args: [{ offset: [b] }, [1]] })),
    },
  ];
  return roundFigure({ data: [reference, output], layout });
}
