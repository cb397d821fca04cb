import * as fs from "fs";
import { Module, StateDict } from "../nn/module";

/** What saveState writes. */
export interface SavedState {
  format: "bnlab-state";
  version: 1;
  /** model.toString() of the model that was saved. */
  architecture: string;
  /** Parameters and buffers, keyed like PyTorch's state_dict. */
  state: StateDict;
}

/** A model's parameters and buffers (running statistics included) as JSON. */
export function saveState(model: Module): string {
  const saved: SavedState = { format: "bnlab-state", version: 1, architecture: model.toString(), state: model.stateDict() };
  return JSON.stringify(saved);
}

/** Load what saveState wrote into a model of the SAME architecture. */
export function loadState(model: Module, json: string): void {
  let parsed: Partial<SavedState>;
  try {
    parsed = JSON.parse(json) as Partial<SavedState>;
  } catch (e) {
    throw new Error(`loadState: not valid JSON (${e instanceof Error ? e.message : String(e)}); pass the string that saveState returned`);
  }
  if (parsed === null || typeof parsed !== "object" || parsed.format !== "bnlab-state") {
    throw new Error(`loadState: expected a saved bnlab state (format "bnlab-state"), got format ${JSON.stringify(parsed?.format)}`);
  }
  if (parsed.version !== 1) throw new Error(`loadState: this bnlab reads state version 1, got version ${parsed.version}`);
  const architecture = model.toString();
  if (parsed.architecture !== architecture) {
    throw new Error(
      `loadState: the saved state belongs to a different architecture.\n` +
        `  saved: ${parsed.architecture}\n  model: ${architecture}\n  ${describeDifference(String(parsed.architecture), architecture)}`,
    );
  }
  model.loadStateDict(parsed.state ?? {});
}

/** saveState to a file. */
export function saveStateFile(model: Module, path: string): void {
  fs.writeFileSync(path, saveState(model) + "\n", "utf8");
}

/** loadState from a file written by saveStateFile. */
export function loadStateFile(model: Module, path: string): void {
  loadState(model, fs.readFileSync(path, "utf8"));
}

/** "they first differ at character k: "…Sigmoid…" vs "…ReLU…"". */
function describeDifference(a: string, b: string): string {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  const around = (s: string) => JSON.stringify((k > 20 ? "…" : "") + s.slice(Math.max(0, k - 20), k + 20));
  return `they first differ at character ${k}: saved ${around(a)} vs model ${around(b)}`;
}
