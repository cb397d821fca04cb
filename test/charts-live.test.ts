import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { liveTraining, PLOTLY_MIME } from "../src/charts";
import { setDisplaySink, type DisplayContent } from "../src/charts/jupyter-display";
import { fit, mlp } from "../src";
import { gaussianBlobs } from "./helpers/datasets";

interface Sent {
  content: DisplayContent;
  update: boolean;
}

let sent: Sent[];

beforeEach(() => {
  sent = [];
  setDisplaySink((content, update) => sent.push({ content, update }));
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
  setDisplaySink(null);
});

const byId = (id: string) => sent.filter((s) => s.content.transient?.display_id === id);
const plain = (s: Sent) => String(s.content.data["text/plain"]);

describe("liveTraining", () => {
  it("shows a progress line and a chart, then updates both in place at most every 500 ms and at the end", () => {
    const live = liveTraining({ name: "with BN", method: "BatchNorm" });
    for (let step = 1; step <= 1000; step++) {
      vi.advanceTimersByTime(2); // 2 ms per step: 2 s in all
      live.onStep({ step, totalSteps: 1000, loss: 2 / step, batchAccuracy: 1 - 1 / step, ...(step % 100 === 0 ? { testAccuracy: 0.9 } : {}) });
    }
    // first draw + one per 500 ms (4 in 2 s) + the last step
    expect(live.draws).toBeGreaterThanOrEqual(5);
    expect(live.draws).toBeLessThanOrEqual(6);
    const progress = byId(live.progressId);
    const chartMessages = byId(live.chartId);
    // every chart update is preceded by a text-only update (JupyterLab's plotly renderer only
    // redraws after its output was swapped for another MIME type)
    const chart = chartMessages.filter((s) => PLOTLY_MIME in s.content.data);
    const placeholders = chartMessages.filter((s) => !(PLOTLY_MIME in s.content.data));
    expect(placeholders).toHaveLength(live.draws - 1);
    expect(placeholders.every((s) => s.update && Object.keys(s.content.data).join() === "text/plain")).toBe(true);
    expect(chartMessages.indexOf(placeholders[0])).toBe(1);
    expect(progress).toHaveLength(live.draws);
    expect(chart).toHaveLength(live.draws);
    expect(progress[0].update).toBe(false);
    expect(progress.slice(1).every((s) => s.update)).toBe(true);
    expect(chart[0].update).toBe(false);
    expect(chart.slice(1).every((s) => s.update)).toBe(true);
    // plotly.js went out once, as its own output without display_id (updates never carry it)
    const loaders = sent.filter((s) => String(s.content.data["text/html"]).includes("plotly.js, bundled by bnlab"));
    expect(loaders).toHaveLength(1);
    expect(loaders[0].content.transient).toBeUndefined();
    expect(sent.indexOf(loaders[0])).toBe(0);
    expect(plain(progress[0])).toBe("step 1/1000 · loss 2 · batch acc 0.0%");
    expect(plain(progress[1])).toMatch(/step \d+\/1000 .* steps\/s · \ds left/);
    const last = plain(progress[progress.length - 1]);
    expect(last).toMatch(/^done: 1000 steps in 2s · loss 0\.002 · batch acc 99\.9% · test acc 90\.0% · 500 steps\/s$/);
    const fig = chart[chart.length - 1].content.data[PLOTLY_MIME] as { data: { name: string; x: number[] }[]; layout: { xaxis: { range: number[] } } };
    expect(fig.data.map((t) => t.name)).toContain("with BN (train loss)");
    expect(fig.data.find((t) => t.name === "with BN (train loss)")!.x.at(-1)).toBe(1000);
    expect(fig.layout.xaxis.range).toEqual([0, 1000]);
    for (const s of chart) expect(Object.keys(s.content.data)).toHaveLength(3);
  });

  it("redraws the last state after a pause (trailing timer) or on finish() when training stops early", () => {
    const live = liveTraining({ chart: false, throttleMs: 500 });
    live.onStep({ step: 1, totalSteps: 100, loss: 1 });
    vi.advanceTimersByTime(10);
    live.onStep({ step: 2, totalSteps: 100, loss: 0.5 });
    expect(live.draws).toBe(1);
    vi.advanceTimersByTime(500);
    expect(live.draws).toBe(2);
    expect(plain(byId(live.progressId)[1])).toMatch(/^step 2\/100/);
    live.finish();
    expect(live.draws).toBe(3);
    expect(plain(byId(live.progressId)[2])).toMatch(/^done: 2 steps/);
    live.finish();
    expect(live.draws).toBe(3);
    // chart: false sends no chart and no plotly.js
    expect(sent.every((s) => s.content.transient?.display_id === live.progressId)).toBe(true);
  });

  it("overlays finished runs to compare with", () => {
    const baseline = { name: "no BN", method: "baseline", history: { steps: [1, 2, 3], loss: [2, 1.9, 1.8] } };
    const live = liveTraining({ name: "with BN", method: "BatchNorm", compare: [baseline], metric: "loss", throttleMs: 0 });
    live.onStep({ step: 1, totalSteps: 3, loss: 2 });
    const fig = byId(live.chartId)[0].content.data[PLOTLY_MIME] as { data: { name: string }[] };
    expect(fig.data.map((t) => t.name)).toEqual(["no BN (train loss)", "with BN (train loss)"]);
  });

  it("prints throttled progress lines outside a kernel", () => {
    setDisplaySink(null);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const live = liveTraining({ totalSteps: 10 });
    for (let step = 1; step <= 10; step++) {
      vi.advanceTimersByTime(100);
      live.onStep({ step, loss: 1 / step });
    }
    const lines = log.mock.calls.map((c) => String(c[0]));
    log.mockRestore();
    expect(lines[0]).toMatch(/^step 1\/10/);
    expect(lines.some((l) => l.startsWith("done: 10 steps"))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Training \(live\) \[1 trace/);
    expect(lines.length).toBeLessThanOrEqual(5);
  });

  it("plugs into fit's onStep and draws from fit's history", () => {
    vi.useRealTimers();
    const data = gaussianBlobs({ n: 240, centers: 3, seed: 1 });
    const model = mlp({ sizes: [2, 16, 3], batchNorm: true, seed: 1 });
    const live = liveTraining({ name: "with BN", method: "BatchNorm", throttleMs: 50 });
    const history = fit(model, { train: data, test: data }, { steps: 60, batchSize: 20, lr: 0.1, onStep: live.onStep });
    const chart = byId(live.chartId);
    const fig = chart[chart.length - 1].content.data[PLOTLY_MIME] as { data: { name: string; x: number[] }[] };
    expect(fig.data.find((t) => t.name === "with BN (train loss)")!.x).toEqual(history.steps);
    expect(fig.data.find((t) => t.name === "with BN (test)")!.x).toEqual(history.eval.step);
    expect(plain(byId(live.progressId).at(-1)!)).toMatch(/^done: 60 steps .* test acc/);
  });
});
