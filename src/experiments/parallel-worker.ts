/**
 * A worker thread of parallelMap (parallel.ts): runs tasks one at a time and replies on its port,
 * then wakes the main thread, which is waiting on the shared signal.
 */
import { MessagePort, workerData } from "node:worker_threads";
import { useParsedMnist } from "../data/mnist";
import type { RawMnist } from "../data/mnist-binary";
import type { WorkerReply, WorkerTask } from "./parallel";

const { port, signal, mnist } = workerData as { port: MessagePort; signal: Int32Array; mnist: RawMnist };
useParsedMnist(mnist);

function run(task: WorkerTask): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fn = (require(task.file) as Record<string, unknown>)[task.name];
  if (typeof fn !== "function") throw new TypeError(`${task.file} exports no function ${task.name} (parallelMap needs an exported function)`);
  return fn(task.input);
}

port.on("message", (task: WorkerTask) => {
  let reply: WorkerReply;
  try {
    reply = { index: task.index, result: run(task) };
  } catch (e) {
    reply = { index: task.index, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  try {
    port.postMessage(reply);
  } catch (e) {
    port.postMessage({ index: task.index, error: `its result cannot be sent between threads (${e instanceof Error ? e.message : String(e)}): return plain data` });
  }
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
