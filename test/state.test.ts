import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { fit, loadState, loadStateFile, mlp, saveState, saveStateFile, BatchNorm1d } from "../src";
import { gaussianBlobs } from "./helpers/datasets";

const data = gaussianBlobs({ n: 120, centers: [[-3, 0], [3, 0], [0, 3]], seed: 0 });

/** A trained BN model: its running statistics are no longer the initial 0 and 1. */
function trained() {
  const model = mlp({ sizes: [2, 8, 8, 3], batchNorm: true, seed: 1 });
  fit(model, { train: data }, { steps: 20, batchSize: 16, lr: 0.3 });
  return model;
}

describe("saveState / loadState", () => {
  it("round trip: a fresh model gives identical predictions after loading", () => {
    const model = trained();
    const json = saveState(model);
    const copy = mlp({ sizes: [2, 8, 8, 3], batchNorm: true, seed: 99 });
    loadState(copy, json);
    expect(copy.eval().forward(data.x).data).toEqual(model.eval().forward(data.x).data);
    expect((copy.at(1) as BatchNorm1d).numBatchesTracked).toBe(20);
  });

  it("writes a self-describing JSON document", () => {
    const model = trained();
    const saved = JSON.parse(saveState(model));
    expect(saved.format).toBe("bnlab-state");
    expect(saved.version).toBe(1);
    expect(saved.architecture).toBe(model.toString());
    expect(Object.keys(saved.state)).toContain("1.running_var");
  });

  it("refuses a state saved from a different architecture and says where they differ", () => {
    const json = saveState(trained());
    const other = mlp({ sizes: [2, 8, 8, 3], batchNorm: false });
    expect(() => loadState(other, json)).toThrow(
      "loadState: the saved state belongs to a different architecture.\n" +
        "  saved: Sequential(Linear(2→8), BatchNorm1d(8, eps=1e-5, momentum=0.1), Sigmoid, Linear(8→8), BatchNorm1d(8, eps=1e-5, momentum=0.1), Sigmoid, Linear(8→3))\n" +
        "  model: Sequential(Linear(2→8), Sigmoid, Linear(8→8), Sigmoid, Linear(8→3))\n" +
        '  they first differ at character 24: saved "…ential(Linear(2→8), BatchNorm1d(8, eps=1" vs model "…ential(Linear(2→8), Sigmoid, Linear(8→8)"',
    );
  });

  it("explains input that is not a saved state", () => {
    const model = mlp({ sizes: [2, 3] });
    expect(() => loadState(model, "{oops")).toThrow(/^loadState: not valid JSON \(.*\); pass the string that saveState returned$/);
    expect(() => loadState(model, '{"a": 1}')).toThrow(
      'loadState: expected a saved bnlab state (format "bnlab-state"), got format undefined',
    );
    expect(() => loadState(model, '{"format": "bnlab-state", "version": 2}')).toThrow(
      "loadState: this bnlab reads state version 1, got version 2",
    );
  });

  it("saves to and loads from a file", () => {
    const model = trained();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-state-")), "model.json");
    saveStateFile(model, file);
    const copy = mlp({ sizes: [2, 8, 8, 3], batchNorm: true, seed: 5 });
    loadStateFile(copy, file);
    expect(copy.stateDict()).toEqual(model.stateDict());
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
