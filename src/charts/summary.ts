/** The text/plain face of a figure: its title and the names of its traces. */
import type { Figure } from "./figure";
import { checkFigure } from "./round";

export function figureSummary(fig: Figure): string {
  checkFigure("figureSummary", fig);
  const names = fig.data.map((t, i) => t.name ?? `${t.type} ${i + 1}`);
  const unique = Array.from(new Set(names));
  const lines = [`${fig.layout.title?.text ?? "Figure"} [${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}: ${unique.join(", ")}]`];
  const sliders = fig.layout.sliders ?? [];
  for (const s of sliders) {
    const prefix = String(s.currentvalue?.prefix ?? "").replace(/[:=]\s*$/, "").trim() || "slider";
    lines.push(`slider ${prefix}: ${s.steps.map((st) => st.label).join(", ")}`);
  }
  return lines.join("\n");
}
