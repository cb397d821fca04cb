/**
 * The live lesson page: one CodeMirror editor per code cell (its edits kept in localStorage), Run /
 * Shift-Enter / Run All / Stop, outputs rendered with the static export's renderers (charts drawn by
 * assets/charts.js), and "Download .ipynb" with the learner's code in the student notebook's cells.
 */
import { javascript } from "@codemirror/lang-javascript";
import { Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { basicSetup, EditorView } from "codemirror";
import { renderOutput, type OutputContext } from "../../export/render-output";
import { serializeNotebook, splitLines, type Notebook, type Output } from "../../notebook/nbformat";
import { LiveKernel } from "./live-kernel";
import type { WorkerMessage } from "./protocol";

declare global {
  interface Window {
    bnlabCharts?: { drawAll(root: ParentNode): void };
  }
}

interface LiveCell {
  id: string;
  section: HTMLElement;
  view: EditorView;
  original: string;
  outputs: HTMLElement;
  prompt: HTMLElement;
}

const notebookScript = document.getElementById("bnlab-notebook") as HTMLScriptElement;
const notebook = JSON.parse(notebookScript.textContent ?? "{}") as Notebook;
const lessonName = document.querySelector("article.lesson")?.getAttribute("data-lesson") ?? "lesson";
const status = document.querySelector(".kernel-status") as HTMLElement;
const storageKey = (cell: { id: string }): string => `bnlab-live:${lessonName}:${cell.id}`;
const outputContext: OutputContext = { charts: 0 };
/** display_id → the element showing it (update_display_data replaces it). */
const displays = new Map<string, HTMLElement>();

function setStatus(text: string, state: "ready" | "busy" | "stopped"): void {
  status.textContent = text;
  document.body.dataset.kernel = state;
}

function htmlElement(html: string): HTMLElement | null {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content.firstElementChild as HTMLElement | null;
}

/** Shows an output after the cell's others, or in place of `replaced` (an earlier output). */
function show(cell: LiveCell, output: Output, displayId?: string, replaced?: HTMLElement): void {
  const element = htmlElement(renderOutput(output, outputContext));
  if (!element) return;
  if (replaced) replaced.replaceWith(element);
  else cell.outputs.appendChild(element);
  if (displayId !== undefined) displays.set(displayId, element);
  window.bnlabCharts?.drawAll(element);
}

type StreamElement = HTMLElement & { streamText?: string };

/** Consecutive stream text of one name goes into one block, as in Jupyter. */
function appendStream(cell: LiveCell, name: "stdout" | "stderr", text: string): void {
  const last = cell.outputs.lastElementChild as StreamElement | null;
  const previous = last?.dataset.stream === name ? last : null;
  const all = (previous?.streamText ?? "") + text;
  const element = (htmlElement(renderOutput({ output_type: "stream", name, text: all }, outputContext)) ?? document.createElement("span")) as StreamElement;
  element.dataset.stream = name;
  element.streamText = all;
  if (previous) previous.replaceWith(element);
  else cell.outputs.appendChild(element);
}

function onMessage(cell: LiveCell, message: WorkerMessage): void {
  switch (message.type) {
    case "stream":
      appendStream(cell, message.name, message.text);
      break;
    case "display": {
      const output: Output = { output_type: "display_data", data: message.content.data, metadata: message.content.metadata } as Output;
      const id = message.content.transient?.display_id;
      const shown = id !== undefined ? displays.get(id) : undefined;
      if (!message.update) show(cell, output, id);
      else if (shown) show(cell, output, id, shown);
      break;
    }
    case "error":
      show(cell, { output_type: "error", ename: message.ename, evalue: message.evalue, traceback: message.traceback });
      break;
    default:
      break;
  }
}

const kernel = new LiveKernel("live/worker.js", setStatus);
let executionCount = 0;
/** Bumped by Stop: runs queued before it do not start. */
let generation = 0;
let queue: Promise<unknown> = Promise.resolve();

function runCell(cell: LiveCell): Promise<boolean> {
  const queuedIn = generation;
  cell.section.dataset.state = "queued";
  cell.prompt.textContent = "[*]";
  const result = queue.then(async () => {
    if (queuedIn !== generation) {
      cell.section.dataset.state = "idle";
      cell.prompt.textContent = "[ ]";
      return false;
    }
    cell.outputs.replaceChildren();
    cell.section.dataset.state = "running";
    const count = ++executionCount;
    const notebookNow = cells.map((c) => c.view.state.doc.toString());
    const outcome = await kernel.run(count, cell.view.state.doc.toString(), notebookNow, (m) => onMessage(cell, m));
    if (outcome === "stopped") {
      show(cell, { output_type: "stream", name: "stderr", text: "⏹ Stopped: the cell was interrupted and the worker restarted. Everything defined before is gone: run the cells above again (Run All).\n" });
    }
    cell.prompt.textContent = outcome === "stopped" ? "[ ]" : `[${count}]`;
    cell.section.dataset.state = outcome === "ok" ? "done" : outcome === "stopped" ? "stopped" : "error";
    return outcome === "ok";
  });
  queue = result.catch(() => false);
  return result;
}

async function runAll(cells: LiveCell[]): Promise<void> {
  for (const cell of cells) {
    const ok = await runCell(cell);
    if (!ok) return;
  }
}

function saveEdit(cell: LiveCell): void {
  const text = cell.view.state.doc.toString();
  const edited = text !== cell.original;
  if (edited) localStorage.setItem(storageKey(cell), text);
  else localStorage.removeItem(storageKey(cell));
  (cell.section.querySelector(".edited") as HTMLElement).hidden = !edited;
}

const cells: LiveCell[] = [];

function makeCell(section: HTMLElement): LiveCell {
  const original = JSON.parse(section.querySelector("script.cell-source")?.textContent ?? '""') as string;
  const id = section.dataset.cellId ?? "";
  const saved = localStorage.getItem(storageKey({ id }));
  const cell = { id, section, original, outputs: section.querySelector(".outputs") as HTMLElement, prompt: section.querySelector(".prompt") as HTMLElement } as LiveCell;
  const runAndAdvance = (): boolean => {
    void runCell(cell);
    const next = cells[cells.indexOf(cell) + 1];
    next?.view.focus();
    return true;
  };
  cell.view = new EditorView({
    doc: saved ?? original,
    parent: section.querySelector(".editor") as HTMLElement,
    extensions: [
      Prec.highest(keymap.of([{ key: "Shift-Enter", run: runAndAdvance }])),
      basicSetup,
      javascript({ typescript: true }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) saveEdit(cell);
      }),
    ],
  });
  (section.querySelector(".edited") as HTMLElement).hidden = saved === null;
  section.querySelector('[data-action="run"]')?.addEventListener("click", () => void runCell(cell));
  section.querySelector('[data-action="reset"]')?.addEventListener("click", () => {
    cell.view.dispatch({ changes: { from: 0, to: cell.view.state.doc.length, insert: cell.original } });
  });
  return cell;
}

/** The student notebook with the learner's code in its cells (ids and metadata unchanged). */
function learnerNotebook(): Notebook {
  const byId = new Map(cells.map((c) => [c.id, c.view.state.doc.toString()]));
  const copy = structuredClone(notebook);
  for (const cell of copy.cells) {
    const text = byId.get(cell.id);
    if (text !== undefined) cell.source = splitLines(text);
  }
  return copy;
}

function download(): void {
  const blob = new Blob([serializeNotebook(learnerNotebook())], { type: "application/x-ipynb+json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = notebookScript.dataset.file ?? `${lessonName}.ipynb`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

for (const section of document.querySelectorAll<HTMLElement>("section.cell.code.live")) cells.push(makeCell(section));
document.querySelector('[data-action="run-all"]')?.addEventListener("click", () => void runAll(cells));
document.querySelector('[data-action="stop"]')?.addEventListener("click", () => {
  generation++;
  kernel.stop();
});
document.querySelector('[data-action="download"]')?.addEventListener("click", download);
// Offline use: sw.js keeps the whole site once a page has been opened (it needs http(s), not file://).
if ("serviceWorker" in navigator && location.protocol !== "file:") {
  navigator.serviceWorker.register("sw.js").catch((error: unknown) => console.warn("bnlab: offline copy unavailable:", error));
}
