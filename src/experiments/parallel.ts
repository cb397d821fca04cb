/**
 * Independent runs (seeds, sweep points, with/without-BN pairs) on every core: a small pool of
 * worker threads, one per core, kept until it has been idle for two minutes.
 *
 *   const trainAll = parallelTask(path.join(__dirname, "why-bn"), trainOne);
 *   trainAll(inputs)  ≡  inputs.map(trainOne), in the same order
 *
 * `file` is the caller's own module, named without its extension, so that the sources and the
 * dist/ build both resolve it; parallelTask runs at its top level, so a worker that loads the module
 * finds `trainOne` registered there too (it need not be exported). Its input and result are plain
 * data (numbers, strings, arrays, plain objects, typed arrays). A run computes the same arithmetic in a worker as on the main
 * thread, so the results are identical bit for bit.
 *
 * The call is synchronous, like the serial loop it replaces: the main thread waits (Atomics.wait)
 * and collects the results with receiveMessageOnPort, so a notebook cell needs no `await`.
 * It runs serially, in this thread, with one core, with one input, inside a worker, outside Node
 * (the live site's page), or when the environment says BNLAB_WORKERS=1. Workers start with the
 * MNIST digits this thread parsed (every experiment trains on them).
 */
import * as os from "node:os";
import * as path from "node:path";
import { MessageChannel, MessagePort, Worker, isMainThread, receiveMessageOnPort } from "node:worker_threads";
import { readMnist } from "../data/mnist";

/** What a worker sends back: a result, or what went wrong. */
export type WorkerReply = { index: number; result: unknown } | { index: number; error: string; exited?: true };

/** What the main thread sends a worker: which task of which module, on what. */
export interface WorkerTask {
  index: number;
  file: string;
  name: string;
  input: unknown;
}

interface Slot {
  worker: Worker;
  port: MessagePort;
}

/** Bumped by a worker after every reply: the main thread sleeps on it (made with the first worker: a browser page may have no SharedArrayBuffer). */
let signal: Int32Array | null = null;
const slots: Slot[] = [];
/** An idle pool ends after this long, giving back its workers' memory (each holds the digits and a library). */
const IDLE_MS = 120_000;
let idleTimer: ReturnType<typeof setTimeout> | null = null;

/** Workers to use: BNLAB_WORKERS if set (1 means serial), else one per core. */
function poolSize(): number {
  if (typeof process === "undefined" || typeof process.versions?.node !== "string") return 1;
  const asked = Number(process.env.BNLAB_WORKERS);
  return Number.isInteger(asked) && asked >= 1 ? asked : os.availableParallelism();
}

function startWorker(): Slot {
  signal ??= new Int32Array(new SharedArrayBuffer(4));
  const ts = __filename.endsWith(".ts"); // running from the sources (tests, benches): workers need tsx too
  const file = path.join(__dirname, `parallel-worker${ts ? ".ts" : ".js"}`);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(file, {
    workerData: { port: port2, signal, mnist: readMnist() },
    transferList: [port2],
    execArgv: ts ? ["--require", require.resolve("tsx/cjs")] : [],
  });
  worker.unref(); // an idle pool never keeps a process (or a kernel) alive
  port1.unref();
  const slot = { worker, port: port1 };
  worker.on("error", () => undefined); // reported to parallelMap's caller by the thread's last reply
  worker.on("exit", () => slots.includes(slot) && slots.splice(slots.indexOf(slot), 1)); // a thread that ended between calls is replaced
  return slot;
}

/** The tasks of the modules loaded in this thread, by module file and function name. */
const tasks = new Map<string, (input: unknown) => unknown>();

/** `fn` registered as a task of the module `file`; returns inputs => inputs.map(fn), on every core. */
export function parallelTask<I, R>(file: string, fn: (input: I) => R): (inputs: readonly I[]) => R[] {
  tasks.set(`${file}#${fn.name}`, fn as (input: unknown) => unknown);
  return (inputs) => parallelMap(file, fn, inputs);
}

/** The task `name` that the module `file` registered when it loaded (what a worker runs). */
export function registeredTask(file: string, name: string): ((input: unknown) => unknown) | undefined {
  return tasks.get(`${file}#${name}`);
}

function parallelMap<I, R>(file: string, fn: (input: I) => R, inputs: readonly I[]): R[] {
  const size = Math.min(poolSize(), inputs.length);
  if (size <= 1 || !isMainThread) return inputs.map((input) => fn(input));
  if (idleTimer !== null) clearTimeout(idleTimer);
  while (slots.length < size) slots.push(startWorker());
  const wake = signal!;
  const results = new Array<R>(inputs.length);
  const busy = new Array<boolean>(size).fill(false);
  let next = 0;
  let done = 0;
  let failure: { index: number; error: string } | null = null; // the first input that failed: what the serial map would throw
  const ended: Slot[] = []; // threads that ended while running a task: out of the pool
  const give = (k: number) => {
    const task: WorkerTask = { index: next, file, name: fn.name, input: inputs[next] };
    slots[k].port.postMessage(task);
    busy[k] = true;
    next++;
  };
  for (let k = 0; k < size; k++) give(k);
  while (done < next) {
    const seen = Atomics.load(wake, 0);
    let received = false;
    for (let k = 0; k < size; k++) {
      const message = busy[k] ? receiveMessageOnPort(slots[k].port) : undefined;
      if (!message) continue;
      received = true;
      busy[k] = false;
      done++;
      const reply = message.message as WorkerReply;
      if ("error" in reply) {
        if (failure === null || reply.index < failure.index) failure = reply;
        if (reply.exited) ended.push(slots[k]);
      } else results[reply.index] = reply.result as R;
      if (next < inputs.length && failure === null) give(k);
    }
    if (!received) Atomics.wait(wake, 0, seen);
  }
  for (const slot of ended) slots.splice(slots.indexOf(slot), 1);
  idleTimer = setTimeout(() => slots.splice(0).forEach((s) => void s.worker.terminate()), IDLE_MS).unref();
  if (failure !== null) throw new Error(`parallelMap: ${fn.name}(inputs[${failure.index}]) failed in a worker thread: ${failure.error}`);
  return results;
}
