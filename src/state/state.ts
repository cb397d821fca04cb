import * as fs from "fs";
import { Module, StateDict } from "../nn/module";
import { describe } from "../validate/checks";

/** A saved number: JSON has no NaN, ±Infinity or −0, so those are written as these strings. */
export type SavedNumber = number | "NaN" | "Infinity" | "-Infinity" | "-0";

/** What saveState writes. */
export interface SavedState {
  format: "bnlab-state";
  version: 1;
  /** model.toString() of the model that was saved. */
  architecture: string;
  /**
   * Parameters and buffers, keyed like PyTorch's state_dict. Every float64
   * survives the round trip: NaN, Infinity, -Infinity and -0 are saved as the
   * strings "NaN", "Infinity", "-Infinity" and "-0".
   */
  state: Record<string, SavedNumber[]>;
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };

/** v as JSON can hold it, exactly. */
function encode(v: number): SavedNumber {
  const special = Object.keys(SPECIAL).find((name) => Object.is(SPECIAL[name], v));
  return special === undefined ? v : (special as SavedNumber);
}

/** A model's parameters and buffers (running statistics included) as JSON; every float64 round-trips. */
export function saveState(model: Module): string {
  checkModel("saveState", model);
  const state: Record<string, SavedNumber[]> = {};
  for (const [name, values] of Object.entries(model.stateDict())) state[name] = values.map(encode);
  const saved: SavedState = { format: "bnlab-state", version: 1, architecture: model.toString(), state };
  return JSON.stringify(saved);
}

/**
 * Load what saveState wrote into a model of the SAME architecture. All or
 * nothing: the whole document is checked (every key present, every size and
 * every number valid) before the first value is written.
 */
export function loadState(model: Module, json: string): void {
  checkModel("loadState", model);
  if (typeof json !== "string") {
    throw new TypeError(`loadState: expected the JSON string that saveState returned, got ${describe(json)}`);
  }
  let parsed: Partial<SavedState>;
  try {
    parsed = JSON.parse(json) as Partial<SavedState>;
  } catch (e) {
    throw new Error(`loadState: not valid JSON (${e instanceof Error ? e.message : String(e)}); pass the string that saveState returned`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || parsed.format !== "bnlab-state") {
    const got = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? `format ${JSON.stringify(parsed.format)}` : describe(parsed);
    throw new Error(`loadState: expected a saved bnlab state (format "bnlab-state"), got ${got}`);
  }
  if (parsed.version !== 1) throw new Error(`loadState: this bnlab reads state version 1, got version ${parsed.version}`);
  const architecture = model.toString();
  if (parsed.architecture !== architecture) {
    throw new Error(
      `loadState: the saved state belongs to a different architecture.\n` +
        `  saved: ${parsed.architecture}\n  model: ${architecture}\n  ${describeDifference(String(parsed.architecture), architecture)}`,
    );
  }
  model.loadStateDict(decodeState(parsed.state)); // checks every key and size before writing anything
}

/** The saved state with "NaN", "Infinity", "-Infinity" and "-0" turned back into numbers; anything else that is not a number is refused. */
function decodeState(state: unknown): StateDict {
  if (state === null || typeof state !== "object" || Array.isArray(state)) {
    throw new TypeError(
      `loadState: "state" must be an object mapping names ("0.weight", …) to arrays of numbers, got ${describe(state)}; ` +
        "pass the string that saveState returned, unchanged",
    );
  }
  const out: StateDict = {};
  for (const [name, values] of Object.entries(state as Record<string, unknown>)) {
    if (!Array.isArray(values)) {
      throw new TypeError(`loadState: state["${name}"] must be an array of numbers, got ${describe(values)}; nothing was loaded`);
    }
    out[name] = values.map((v: unknown, i) => {
      if (typeof v === "number") return v;
      if (typeof v === "string" && Object.prototype.hasOwnProperty.call(SPECIAL, v)) return SPECIAL[v];
      throw new TypeError(
        `loadState: state["${name}"][${i}] must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got ${describe(v)}; nothing was loaded`,
      );
    });
  }
  return out;
}

/** saveState to a file. */
export function saveStateFile(model: Module, path: string): void {
  checkPath("saveStateFile", path);
  fs.writeFileSync(path, saveState(model) + "\n", "utf8");
}

/** loadState from a file written by saveStateFile. */
export function loadStateFile(model: Module, path: string): void {
  checkModel("loadStateFile", model);
  checkPath("loadStateFile", path);
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`loadStateFile: cannot read ${path} (${e instanceof Error ? e.message : String(e)}); pass the path saveStateFile wrote`);
  }
  loadState(model, text);
}

function checkModel(where: string, model: unknown): asserts model is Module {
  if (!(model instanceof Module)) {
    throw new TypeError(`${where}: expected a model (a Module such as Sequential or Linear), got ${describe(model)}`);
  }
}

function checkPath(where: string, path: unknown): void {
  if (typeof path !== "string" || path === "") throw new TypeError(`${where}: expected a file path (a non-empty string), got ${describe(path)}`);
}

/** "they first differ at character k: "…Sigmoid…" vs "…ReLU…"". */
function describeDifference(a: string, b: string): string {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  const around = (s: string) => JSON.stringify((k > 20 ? "…" : "") + s.slice(Math.max(0, k - 20), k + 20));
  return `they first differ at character ${k}: saved ${around(a)} vs model ${around(b)}`;
}
