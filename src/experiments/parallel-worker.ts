/**
 * A worker thread of parallelMap (parallel.ts): runs tasks one at a time and replies on its port,
 * then wakes the main thread, which is waiting on the shared signal.
 */
import { MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { useParsedMnist } from "../data/mnist";
import type { RawMnist } from "../data/mnist-binary";
import { type WorkerReply, type WorkerTask, registeredTask } from "./parallel";

const { port, signal, mnist } = workerData as { port: MessagePort; signal: Int32Array; mnist: RawMnist };

/** The task being run, and why the thread is ending when an error escaped every task. */
let current: WorkerTask | null = null;
let escaped = "";

function reply(message: WorkerReply): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

// A thread that ends (process.exit, an error thrown outside a task's call) still answers the task it
// runs and the ones waiting on its port, so the main thread, sleeping until a reply, is not left waiting.
process.on("uncaughtException", (e) => {
  escaped = e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.exit(1);
});
process.on("exit", (code) => {
  const owed = current === null ? [] : [current];
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) owed.push(m.message as WorkerTask);
  const why = `the worker thread ended (exit code ${code}) before it replied${escaped ? `: ${escaped}` : " (process.exit?)"}; run with BNLAB_WORKERS=1 to see it in this thread`;
  for (const task of owed) reply({ index: task.index, error: why, exited: true });
});

useParsedMnist(mnist);

function run(task: WorkerTask): unknown {
  require(task.file); // eslint-disable-line @typescript-eslint/no-require-imports -- registers the module's tasks
  const fn = registeredTask(task.file, task.name);
  if (fn === undefined) throw new TypeError(`${task.file} registers no task ${task.name} (call parallelTask at the top level of the module)`);
  return fn(task.input);
}

port.on("message", (task: WorkerTask) => {
  current = task;
  let answer: WorkerReply;
  try {
    answer = { index: task.index, result: run(task) };
  } catch (e) {
    answer = { index: task.index, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  try {
    reply(answer);
  } catch (e) {
    reply({ index: task.index, error: `its result cannot be sent between threads (${e instanceof Error ? e.message : String(e)}): return plain data` });
  }
  current = null;
});
