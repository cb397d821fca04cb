import { describe, expect, it } from "vitest";
import {
  batchSizeFigure,
  figureBundle,
  figureSummary,
  gammaBetaFigure,
  heatmapFigure,
  histogramFigure,
  lineChart,
  methodColor,
  percentileBands,
  percentileTrack,
  roundFigure,
  roundSig,
  runSeries,
  toMethod,
  trainingCurves,
  withFrames,
  type Figure,
  type HistoryLike,
  type Method,
  type Trace,
} from "../src/charts";
import { Rng } from "../src/random/rng";

function fakeHistory(steps: number, seed: number, drift: number): HistoryLike & { activations: { step: number[]; percentiles: Record<string, number[]> } } {
  const rng = new Rng(`charts-test/${seed}`);
  const s = Array.from({ length: steps }, (_, i) => i + 1);
  const evalSteps = Array.from({ length: 21 }, (_, i) => Math.round((i * steps) / 20));
  const recSteps = s.filter((x) => x === 1 || x % 10 === 0);
  return {
    steps: s,
    loss: s.map((i) => 2.3 * Math.exp(-i / (steps / 3)) + 0.05 * rng.normal(0, 1)),
    trainAccuracy: s.map((i) => Math.min(1, 0.1 + 0.85 * (1 - Math.exp(-i / (steps / 4))) + 0.02 * rng.normal(0, 1))),
    eval: { step: evalSteps, testAccuracy: evalSteps.map((i) => 0.1 + 0.85 * (1 - Math.exp(-i / (steps / 4)))), testLoss: evalSteps.map((i) => 2.3 * Math.exp(-i / (steps / 3))) },
    activations: {
      step: recSteps,
      percentiles: { "15": recSteps.map((i) => -1 + drift * i), "50": recSteps.map((i) => drift * 2 * i), "85": recSteps.map((i) => 1 + drift * 3 * i) },
    },
  };
}

function numbersIn(fig: Figure): number[] {
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "number") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
  };
  for (const t of [...fig.data, ...(fig.frames ?? []).flatMap((f) => f.data)]) for (const v of Object.values(t)) walk(v);
  return out;
}

function sigDigits(v: number): number {
  if (Number.isInteger(v)) return 0;
  return v.toExponential().split("e")[0].replace("-", "").replace(".", "").replace(/0+$/, "").length;
}

const lineColor = (t: Trace): string | undefined => t.line?.color;
const color = (method: Method): string => methodColor(method);
/** A figure's size as a saved notebook output holds it (JSON of its MIME bundle). */
const bundleBytes = (fig: Figure): number => Buffer.byteLength(JSON.stringify(figureBundle(fig)), "utf8");

describe("theme", () => {
  it("gives every method one colour, whatever the spelling", () => {
    for (const name of ["bn", "BatchNorm1d", "batch", "with BN"]) expect(methodColor(name)).toBe(color("BatchNorm"));
    for (const name of ["no BN", "none", "without_bn"]) expect(methodColor(name)).toBe(color("baseline"));
    expect(toMethod("layer")).toBe("LayerNorm");
    expect(toMethod("GroupNorm")).toBe("GroupNorm");
    expect(toMethod("Batch Renorm")).toBe("BatchRenorm");
    expect(toMethod("BatchRenorm1d")).toBe("BatchRenorm");
    const methods: Method[] = ["BatchNorm", "baseline", "LayerNorm", "GroupNorm", "BatchRenorm"];
    expect(new Set(methods.map(color)).size).toBe(5);
    expect(color("BatchNorm")).toBe("#1f77b4");
    expect(methodColor("something else", 0)).not.toBe(methodColor("something else", 1));
  });
});

describe("rounding", () => {
  it("keeps 4 significant digits, integers exact, and turns non-finite numbers into gaps", () => {
    expect(roundSig(0.123456)).toBe(0.1235);
    expect(roundSig(2.302585)).toBe(2.303);
    expect(roundSig(0.000012345678)).toBe(0.00001235);
    expect(roundSig(49999)).toBe(49999);
    expect(roundSig(NaN)).toBeNull();
    expect(roundSig(Infinity)).toBeNull();
    const fig = roundFigure({ data: [{ type: "heatmap", z: [[Math.PI, NaN]], error_y: { array: [1 / 3] } }], layout: {} });
    expect(fig.data[0].z).toEqual([[3.142, null]]);
    expect(fig.data[0].error_y).toEqual({ array: [0.3333] });
  });
});

describe("trainingCurves", () => {
  const runs = [
    { name: "no BN", method: "baseline", history: fakeHistory(5000, 1, 0.001) },
    { name: "with BN", method: "BatchNorm", history: fakeHistory(5000, 2, 0) },
  ];

  it("overlays loss and accuracy of both runs in two panels, coloured by method", () => {
    const fig = trainingCurves(runs);
    expect(fig.data.every((t) => t.type === "scatter")).toBe(true);
    // per run: train loss, test loss, train accuracy, test accuracy
    expect(fig.data).toHaveLength(8);
    for (const t of fig.data) {
      const method = String(t.name).startsWith("with BN") ? "BatchNorm" : "baseline";
      expect(lineColor(t)).toBe(color(method));
    }
    expect(fig.layout.title?.text).toBeTruthy();
    expect(fig.layout.xaxis?.title?.text).toMatch(/step/);
    expect(fig.layout.yaxis?.title?.text).toMatch(/loss \(nats\)/);
    expect(fig.layout.yaxis2?.title?.text).toMatch(/accuracy/);
    expect(fig.layout.yaxis2?.tickformat).toBe(".0%");
    expect(fig.data.filter((t) => t.yaxis === "y2")).toHaveLength(4);
    // train dashed, test solid
    expect(fig.data.find((t) => t.name === "with BN (train)")?.line?.dash).toBe("dash");
    expect(fig.data.find((t) => t.name === "with BN (test)")?.line?.dash).toBe("solid");
  });

  it("thins 5000 steps to at most 400 points per trace, with exact integer steps, and stays small", () => {
    const fig = trainingCurves(runs);
    for (const t of fig.data) expect(t.x!.length).toBeLessThanOrEqual(400);
    const loss = fig.data.find((t) => t.name === "with BN (train loss)")!;
    expect(loss.x![loss.x!.length - 1]).toBe(5000);
    expect((loss.x as number[]).every((v) => Number.isInteger(v))).toBe(true);
    expect(Math.max(...numbersIn(fig).map(sigDigits))).toBeLessThanOrEqual(4);
    expect(bundleBytes(fig)).toBeLessThan(100_000);
  });

  it("draws one metric alone, and a history that evaluated accuracy only", () => {
    const loss = trainingCurves(runs, { metric: "loss" });
    expect(loss.data.map((t) => t.name)).toEqual(["no BN (train loss)", "no BN (test loss)", "with BN (train loss)", "with BN (test loss)"]);
    const accuracyOnly = { steps: [1, 2, 3], loss: [3, 2, 1], eval: { step: [0, 3], testAccuracy: [0.1, 0.9] } };
    const acc = trainingCurves([{ name: "r", history: accuracyOnly }], { metric: "accuracy" });
    expect(acc.data).toHaveLength(1);
    expect(acc.data[0].x).toEqual([0, 3]);
    expect(runSeries({ name: "r", history: {} }, ["loss"])).toEqual([]);
  });
});

describe("histograms", () => {
  const rng = new Rng("hist");
  const before = Array.from({ length: 2000 }, () => rng.normal(3, 2));
  const mean = before.reduce((a, b) => a + b) / before.length;
  const sd = Math.sqrt(before.reduce((a, b) => a + (b - mean) ** 2, 0) / before.length);
  const after = before.map((v) => (v - mean) / sd);

  it("overlays before/after on shared bins as densities that integrate to 1", () => {
    const fig = histogramFigure([
      { name: "before normalization", values: before },
      { name: "after BatchNorm", values: after, method: "BatchNorm" },
    ]);
    expect(fig.data.map((t) => t.type)).toEqual(["bar", "bar"]);
    expect(fig.data[0].x).toEqual(fig.data[1].x);
    expect(fig.layout.barmode).toBe("overlay");
    expect(fig.data[1].marker?.line?.color).toBe(color("BatchNorm"));
    for (const t of fig.data) {
      const area = (t.y as number[]).reduce((a, b) => a + b, 0) * (t.width as number);
      expect(area).toBeCloseTo(1, 2);
    }
    expect(fig.layout.yaxis?.title?.text).toBe("probability density");
    expect(bundleBytes(fig)).toBeLessThan(20_000);
  });

  it("rejects frames with duplicate labels", () => {
    expect(() => withFrames({ layout: {} }, [{ label: "a", data: [] }, { label: "a", data: [] }])).toThrow(/unique/);
  });
});

describe("gammaBetaFigure", () => {
  it("has a γ slider restyling positions/widths/heights and a β slider restyling the offset", () => {
    const rng = new Rng("gb");
    const xhat = Array.from({ length: 1000 }, () => rng.normal(0, 1));
    const fig = gammaBetaFigure(xhat, { gammas: [0.5, 1, 2], betas: [-1, 0, 1] });
    const [gamma, beta] = fig.layout.sliders!;
    expect(gamma.steps.map((s) => s.label)).toEqual(["0.5", "1", "2"]);
    expect(gamma.active).toBe(1);
    expect(beta.active).toBe(1);
    const g2 = gamma.steps[2].args as [{ x: number[][]; width: number[]; y: number[][] }, number[]];
    expect(g2[1]).toEqual([1]);
    const x1 = fig.data[1].x as number[];
    g2[0].x[0].forEach((v, i) => expect(v).toBeCloseTo(2 * x1[i], 2));
    expect(g2[0].width[0]).toBeCloseTo(2 * (fig.data[1].width as number), 3);
    expect(beta.steps.map((s) => s.args)).toEqual([[{ offset: [-1] }, [1]], [{ offset: [0] }, [1]], [{ offset: [1] }, [1]]]);
    expect(() => gammaBetaFigure(xhat, { gammas: [0, 1] })).toThrow(/positive/);
  });
});

describe("percentileBands", () => {
  it("draws a band and a median per run in side-by-side panels sharing the y axis (Ioffe & Szegedy Fig. 1)", () => {
    const tracks = [percentileTrack("without BN", "baseline", fakeHistory(2000, 1, 0.001).activations), percentileTrack("with BN", "BatchNorm", fakeHistory(2000, 2, 0).activations)];
    const fig = percentileBands(tracks);
    expect(fig.data).toHaveLength(6);
    expect(fig.data.filter((t) => t.fill === "tonexty")).toHaveLength(2);
    expect(fig.data.filter((t) => t.xaxis === "x2").every((t) => lineColor(t) === color("BatchNorm"))).toBe(true);
    expect(fig.layout.yaxis2?.matches).toBe("y");
    expect(fig.layout.xaxis?.domain![1]).toBeLessThan(fig.layout.xaxis2!.domain![0]);
    expect(fig.data.find((t) => String(t.name).includes("median"))?.line?.width).toBeGreaterThan(1);
    expect(fig.layout.title?.text).toContain("15th");
  });

  it("reads the 15th, 50th and 85th percentile columns that fit records", () => {
    const t = percentileTrack("r", undefined, { step: [1, 2], percentiles: { "15": [-1, -2], "50": [0, 0], "85": [1, 2] } });
    expect([t.low, t.median, t.high]).toEqual([[-1, -2], [0, 0], [1, 2]]);
    expect(() => percentileTrack("r", undefined, { step: [1], percentiles: { a: [1] } })).toThrow(/no column 15 among a/);
  });
});

describe("heatmapFigure", () => {
  it("annotates every cell, marks diverged runs, and uses category axes for log-spaced sweeps", () => {
    const fig = heatmapFigure(
      { x: [0.01, 0.1, 1], y: [1e-4, 1e-2], z: [[0.91, 0.97123, NaN], [0.5, 0.8, 0.1]] },
      { title: "Final test accuracy", xTitle: "learning rate", yTitle: "init scale (std)" },
    );
    const t = fig.data[0];
    expect(t.type).toBe("heatmap");
    expect(t.x).toEqual(["0.01", "0.1", "1"]);
    expect(t.y).toEqual(["1e-4", "0.01"]);
    expect(t.z).toEqual([[0.91, 0.9712, null], [0.5, 0.8, 0.1]]);
    expect(t.text).toEqual([["91.0%", "97.1%", "diverged"], ["50.0%", "80.0%", "10.0%"]]);
    expect(t.texttemplate).toBe("%{text}");
    expect(fig.layout.xaxis?.type).toBe("category");
    expect(fig.layout.yaxis?.title?.text).toBe("init scale (std)");
  });

  it("takes rows given as labels (without BN / with BN) and then needs no y title", () => {
    const fig = heatmapFigure({ x: [0.1, 1], y: ["without BN", "with BN"], z: [[0.5, 0.1], [0.9, 0.8]] }, { xTitle: "learning rate" });
    expect(fig.data[0].y).toEqual(["without BN", "with BN"]);
    expect(fig.layout.yaxis?.title).toBeUndefined();
    expect(fig.data[0].hovertemplate).toBe("learning rate %{x}<br>%{y}<br>%{text}<extra></extra>");
    expect(() => heatmapFigure({ x: [1], y: ["with BN", 2] as never, z: [[1], [1]] })).toThrow(/heatmapFigure: y\[0\] must be a number, got the string "with BN"/);
  });
});

describe("batchSizeFigure and lineChart", () => {
  it("plots a metric against batch size on a log axis, one coloured line per method", () => {
    const sizes = [2, 4, 8, 16, 32, 64, 128];
    const fig = batchSizeFigure(
      ["BatchNorm", "LayerNorm", "GroupNorm", "BatchRenorm"].map((method, i) => ({ method, batchSizes: sizes, values: sizes.map((b) => 0.9 - 0.1 * i / b), error: sizes.map(() => 0.01) })),
      { yTitle: "test accuracy", yTickformat: ".0%" },
    );
    expect(fig.layout.xaxis?.type).toBe("log");
    expect(fig.layout.xaxis?.tickvals).toEqual(sizes);
    expect(fig.data.map((t) => t.name)).toEqual(["BatchNorm", "LayerNorm", "GroupNorm", "Batch Renorm"]);
    expect(fig.data.map(lineColor)).toEqual([color("BatchNorm"), color("LayerNorm"), color("GroupNorm"), color("BatchRenorm")]);
    expect(fig.data[0].error_y).toMatchObject({ type: "data", visible: true });
  });

  it("draws generic named series with axis titles", () => {
    const fig = lineChart([{ name: "momentum 0.1", x: [1, 2, 3], y: [0.1, 0.19, 0.271] }, { name: "momentum 0.01", x: [1, 2, 3], y: [0.01, 0.0199, 0.0297] }], { title: "Running mean", xTitle: "step", yTitle: "estimate", logY: true });
    expect(fig.layout.yaxis?.type).toBe("log");
    expect(lineColor(fig.data[0])).not.toBe(lineColor(fig.data[1]));
    expect(figureSummary(fig)).toBe("Running mean [2 traces: momentum 0.1, momentum 0.01]");
  });
});
