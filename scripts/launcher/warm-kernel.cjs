"use strict";
/**
 * A warm kernel: the next restart's learner kernel, prepared ahead (TypeScript and tslab's compiler
 * loaded: most of a kernel's start), waiting on a Unix socket for the launcher of that restart to
 * hand it the connection file. Only for the project's own library (`npm start`): a warm kernel has
 * not loaded the library, the first cell after the hand-over does, so it runs the sources as they
 * are at the restart (an edit made meanwhile included).
 *
 *   node warm-kernel.cjs ROOT OWNER_PID     (launch.cjs starts it, in the kernel's folder)
 *
 * The launcher that claims it stays the process Jupyter knows: it passes on SIGINT (interrupt) and
 * shows the kernel's stdout/stderr; the kernel exits when the launcher's socket closes, so killing
 * the launcher stops it. An unclaimed warm kernel exits with OWNER_PID (Jupyter's server, the
 * process that starts kernels). Messages are JSON lines: claim → claimed (the kernel's pid), then
 * out/err.
 */
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");

/**
 * The socket of the warm kernel for this project, kernel folder, node flags and launcher code, in
 * a folder only this user can enter (a socket others could reach would run their code as you, and
 * one they placed there would receive your environment).
 * @param {string} root @param {string} [cwd] @param {string[]} [execArgv]
 */
function warmSocket(root, cwd = process.cwd(), execArgv = process.execArgv) {
  const h = crypto.createHash("sha256");
  for (const part of [root, cwd, process.execPath, ...execArgv]) h.update(`${part}\0`);
  for (const file of fs.readdirSync(__dirname).sort()) h.update(fs.readFileSync(path.join(__dirname, file)));
  return path.join(os.tmpdir(), `bnlab-warm-${process.getuid?.() ?? "user"}`, `${h.digest("hex").slice(0, 24)}.sock`);
}

/** @param {string} socketPath @returns {boolean} its folder exists, is this user's and closed to others */
function privateFolder(socketPath) {
  const dir = path.dirname(socketPath);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch {
    // there already
  }
  try {
    const stat = fs.lstatSync(dir);
    return stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** @param {net.Socket} socket @param {(message: Record<string, any>) => void} onMessage */
function readMessages(socket, onMessage) {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk) => {
    const lines = (buffered + chunk).split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line) onMessage(JSON.parse(line));
  });
}

/** @param {net.Socket} socket @param {Record<string, unknown>} message */
function send(socket, message) {
  socket.write(`${JSON.stringify(message)}\n`);
}

/**
 * Starts the warm kernel for the next restart (low priority; it outlives this kernel).
 * @param {string} root
 */
function startWarmKernel(root) {
  const child = spawn(process.execPath, [...process.execArgv, __filename, root, String(process.ppid)], { detached: true, stdio: "ignore" });
  if (!child.pid) return;
  try {
    os.setPriority(child.pid, 19);
  } catch {
    // not allowed: it warms at normal priority
  }
  child.unref();
}

/**
 * Hands this kernel's connection file to the warm kernel, if there is one, and stays as its
 * stand-in until it exits.
 * @param {string} root
 * @param {{ configPath: string, buildProblem: string }} claim
 * @returns {Promise<boolean>} false: no warm kernel took it (start one here)
 */
function claimWarmKernel(root, claim) {
  const socketPath = warmSocket(root);
  if (!privateFolder(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let claimed = false;
    socket.on("error", () => resolve(false));
    socket.on("connect", () => send(socket, { claim: { ...claim, env: process.env } }));
    socket.on("close", () => (claimed ? process.exit(0) : resolve(false)));
    readMessages(socket, (message) => {
      if (message.claimed) {
        claimed = true;
        // a signal, not a message: it also stops a cell that never yields (vm's breakOnSigint)
        process.on("SIGINT", () => process.kill(message.claimed, "SIGINT"));
        resolve(true);
      }
      if (typeof message.out === "string") process.stdout.write(message.out);
      if (typeof message.err === "string") process.stderr.write(message.err);
    });
  });
}

/** @param {string} root @param {number} owner */
function serveWarm(root, owner) {
  const { prepareKernel, serveKernel } = require("./learner-kernel.cjs");
  const ownerCheck = setInterval(() => {
    try {
      process.kill(owner, 0);
    } catch {
      process.exit(0);
    }
  }, 1000);
  // prepared before it listens: a restart meanwhile starts its kernel itself
  const kernel = prepareKernel(path.join(path.dirname(require.resolve("tslab/package.json", { paths: [root] })), "dist"), true);
  const socketPath = warmSocket(root);
  if (!privateFolder(socketPath)) process.exit(0);
  const listener = net.createServer((socket) => {
    readMessages(socket, (message) => {
      if (!message.claim) return;
      if (!listener.listening) {
        socket.destroy(); // claimed already: that launcher starts a kernel itself
        return;
      }
      listener.close();
      clearInterval(ownerCheck);
      const { configPath, buildProblem, env } = message.claim;
      for (const name of Object.keys(process.env)) delete process.env[name];
      Object.assign(process.env, env);
      socket.on("close", () => process.exit(0));
      for (const [stream, name] of /** @type {const} */ ([[process.stdout, "out"], [process.stderr, "err"]])) {
        stream.write = (/** @type {string | Uint8Array} */ chunk) => {
          send(socket, { [name]: String(chunk) });
          return true;
        };
      }
      send(socket, { claimed: process.pid });
      const server = serveKernel(kernel, { configPath, watch: { root, buildProblem } });
      const close = server.close.bind(server);
      server.close = () => {
        close();
        socket.end();
      };
    });
  });
  process.on("exit", () => listener.listening && fs.rmSync(socketPath, { force: true }));
  listener.on("error", (err) => {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EADDRINUSE") process.exit(1);
    // another warm kernel listens there, or a dead one left its socket behind
    const probe = net.connect(socketPath);
    probe.on("connect", () => process.exit(0));
    probe.on("error", () => {
      fs.rmSync(socketPath, { force: true });
      listener.listen(socketPath);
    });
  });
  listener.listen(socketPath);
}

if (require.main === module) serveWarm(path.resolve(process.argv[2]), Number(process.argv[3]));

module.exports = { startWarmKernel, claimWarmKernel, warmSocket };
