/** The chart builders lesson 7 added: errorBarChart, rangeBands, seriesSlider. */
import { describe, expect, it } from "vitest";
import { errorBarChart, rangeBands, seriesSlider } from "../src/charts";

describe("errorBarChart", () => {
  it("one trace per series with symmetric data error bars, numeric or categorical x, optional log x", () => {
    const fig = errorBarChart(
      [
        { name: "BN", method: "BatchNorm", x: [0.1, 1, 10], mean: [0.8, 0.9, 0.85], error: [0.01, 0.02, 0.03] },
        { name: "no BN", method: "baseline", x: [0.1, 1, 10], mean: [0.7, 0.5, 0.1], error: [0, 0.1, 0], dash: "dash" },
      ],
      { title: "t", xTitle: "lr", yTitle: "acc", logX: true, yTickformat: ".0%" },
    );
    expect(fig.data).toHaveLength(2);
    expect(fig.data[0].y).toEqual([0.8, 0.9, 0.85]);
    expect(fig.data[0].error_y).toMatchObject({ type: "data", array: [0.01, 0.02, 0.03], visible: true });
    expect(fig.data[1].line?.dash).toBe("dash");
    expect(fig.layout.xaxis?.type).toBe("log");
    const cats = errorBarChart([{ name: "a", x: ["no BN", "BN"], mean: [1, 2], error: [0.1, 0.2] }], { markersOnly: true });
    expect(cats.data[0].x).toEqual(["no BN", "BN"]);
    expect(cats.data[0].mode).toBe("markers");
  });

  it("refuses series whose x, mean and error lengths differ, naming the series", () => {
    expect(() => errorBarChart([{ name: "bad", x: [1, 2], mean: [1], error: [0] }])).toThrow(/"bad".*2, 1, 1/);
  });
});

describe("rangeBands", () => {
  it("draws each band as a max line and a filled min line (tonexty), plus an optional middle line", () => {
    const fig = rangeBands([
      { name: "BN", method: "BatchNorm", x: [0, 50], low: [1, 2], high: [3, 4], middle: [2, 3] },
      { name: "no BN", method: "baseline", x: [0, 50], low: [0, 1], high: [5, 6] },
    ], { logY: true });
    expect(fig.data).toHaveLength(5);
    expect(fig.data[0].y).toEqual([3, 4]);
    expect(fig.data[1]).toMatchObject({ y: [1, 2], fill: "tonexty" });
    expect(fig.data[2].y).toEqual([2, 3]);
    expect(fig.data[3].y).toEqual([5, 6]);
    expect(fig.layout.yaxis?.type).toBe("log");
    expect(() => rangeBands([{ name: "x", x: [1], low: [1, 2], high: [1] }])).toThrow(/"x"/);
  });
});

describe("seriesSlider", () => {
  const frames = [1, 2, 4].map((eta) => ({
    label: `${eta}× lr`,
    series: [
      { name: "BN", method: "BatchNorm", x: [0, 1], y: [eta, eta * 2] },
      { name: "no BN", method: "baseline", x: [0, 1], y: [eta * 3, eta * 4] },
    ],
  }));

  it("one frame per value, a slider step per frame, the active frame's traces shown, one y range for all frames", () => {
    const fig = seriesSlider(frames, { prefix: "η = ", active: 1 });
    expect(fig.frames?.map((f) => f.name)).toEqual(["1× lr", "2× lr", "4× lr"]);
    expect(fig.data.map((t) => t.y)).toEqual([[2, 4], [6, 8]]);
    const slider = (fig.layout.sliders as Array<{ steps: unknown[]; active: number }>)[0];
    expect(slider.steps).toHaveLength(3);
    expect(slider.active).toBe(1);
    const range = fig.layout.yaxis?.range as number[];
    expect(range[0]).toBeLessThan(1);
    expect(range[1]).toBeGreaterThan(16);
  });

  it("refuses no frames, or frames with different numbers of series", () => {
    expect(() => seriesSlider([])).toThrow(/no frames/);
    expect(() => seriesSlider([frames[0], { label: "x", series: [frames[0].series[0]] }])).toThrow(/same number of series/);
  });
});
