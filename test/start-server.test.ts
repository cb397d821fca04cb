/**
 * `npm start` as a learner runs it, in a real process with a real Jupyter server: one server per
 * project (a second start prints the running one's URL), the server and its kernels stop when the
 * terminal goes (SIGHUP), and every signal path of the real `npm start` (kill, Ctrl-C, closing the
 * terminal) leaves no process it started (found by a mark in their environment), Jupyter's runtime files stay in the project, and a saved notebook loses
 * the PNG snapshots JupyterLab's plotly renderer adds to charts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../src/course/jupyter/connection";
import { killGroup } from "../src/course/jupyter/process-group";
import { jupyterEnv } from "../src/course/jupyter/kernelspec";
import { runningServer } from "../src/course/jupyter/running-server";
import { PipProgress, pipInstallArgs, pipSources } from "../src/course/jupyter/pip-install";
import { processAlive } from "./helpers/process";
import { HUB_ID_VARIABLE, markedProcesses } from "../src/course/hub/marked-processes";

const ROOT = join(__dirname, "..");
/** Where npm start records its server (read by the next npm start). */
const RECORD_FILE = join(ROOT, ".jupyter", "bnlab-server.json");
const RUNTIME_DIR = jupyterEnv(process.env, ROOT).JUPYTER_RUNTIME_DIR!;
const TSX = join(ROOT, "node_modules", "tsx", "dist", "loader.mjs");

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function npmStart(args: string[]): Started {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.JUPYTER_TOKEN;
  const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "tools", "start.ts"), "--no-install", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (c: Buffer) => (text += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function until(what: string, test: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const started: Started[] = [];
afterAll(() => {
  for (const s of started) if (s.child.pid) killGroup(s.child.pid, "SIGKILL");
  const record = existsSync(RECORD_FILE) ? (JSON.parse(readFileSync(RECORD_FILE, "utf8")) as { pid: number; owner: number }) : null;
  if (record && started.some((s) => s.child.pid === record.owner)) killGroup(record.pid, "SIGKILL");
});

describe("npm start", () => {
  it("runs one server per project, says so on a second start, and stops server and kernels when the terminal goes", async () => {
    const port = await freePort();
    const first = npmStart(["--port", String(port)]);
    started.push(first);
    await until("the first server", () => /the course is open at/.test(first.output()));
    const record = await runningServer(ROOT);
    expect(record?.owner).toBe(first.child.pid);
    expect(record?.url).toContain(`127.0.0.1:${port}/`);

    // a kernel, started the way the page starts one: its connection file is in the project
    const res = await fetch(`${record!.baseUrl}api/kernels?token=${record!.token}`, { method: "POST", body: JSON.stringify({ name: "bnlab-tslab" }) });
    expect(res.status).toBe(201);
    const kernel = (await res.json()) as { id: string };
    await until("the kernel's connection file", () => existsSync(join(RUNTIME_DIR, `kernel-${kernel.id}.json`)), 30_000);

    const second = npmStart([]);
    started.push(second);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain("is already running for this project");
    expect(second.output()).toContain(record!.url);
    expect(second.output()).toContain("npm start -- --replace");
    expect(processAlive(record!.pid)).toBe(true);

    first.child.kill("SIGHUP"); // the terminal closed
    await first.exited;
    await until("the server to stop", () => !processAlive(record!.pid), 30_000);
    expect(existsSync(RECORD_FILE)).toBe(false);
    const leftovers = readdirSync(RUNTIME_DIR).filter((f) => f === `kernel-${kernel.id}.json`);
    expect(leftovers).toEqual([]); // Jupyter shut the kernel down (it removes the connection file)
  }, 240_000);

  it.each([
    ["kill <pid of npm start> (SIGTERM)", "SIGTERM", "npm"],
    ["Ctrl-C (SIGINT to the terminal's foreground process group)", "SIGINT", "group"],
    ["closing the terminal (SIGHUP to the foreground process group)", "SIGHUP", "group"],
  ] as const)("the real `npm start`: %s stops everything it started", async (_what, signal, target) => {
    const id = `start-${process.pid}-${signal}-${Date.now()}`;
    const env: NodeJS.ProcessEnv = { ...process.env, [HUB_ID_VARIABLE]: id };
    delete env.NODE_OPTIONS;
    delete env.JUPYTER_TOKEN;
    // its own process group, as a terminal's foreground job is
    const npm = spawn("npm", ["start", "--", "--no-install", "--port", String(await freePort())], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    npm.stdout!.on("data", (c: Buffer) => (text += c.toString()));
    npm.stderr!.on("data", (c: Buffer) => (text += c.toString()));
    const exited = new Promise((resolve) => npm.on("exit", resolve));
    try {
      await until("the server", () => /the course is open at/.test(text));
      const record = (await runningServer(ROOT))!;
      const res = await fetch(`${record.baseUrl}api/kernels?token=${record.token}`, { method: "POST", body: JSON.stringify({ name: "bnlab-tslab" }) });
      expect(res.status).toBe(201);
      await until("the kernel process", () => markedProcesses(id).length >= 3, 60_000);
      if (target === "npm") process.kill(npm.pid!, signal);
      else process.kill(-npm.pid!, signal);
      await exited;
      await until("every process npm start started to stop", () => markedProcesses(id).length === 0, 40_000).catch(() => undefined);
      expect(markedProcesses(id).map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" "))).toEqual([]);
    } finally {
      for (const pid of markedProcesses(id)) killGroup(pid, "SIGKILL");
    }
  }, 240_000);

  it("--replace stops the running server and starts a new one", async () => {
    const first = npmStart(["--port", String(await freePort())]);
    started.push(first);
    await until("the first server", () => /the course is open at/.test(first.output()));
    const old = (await runningServer(ROOT))!;
    const second = npmStart(["--replace", "--port", String(await freePort())]);
    started.push(second);
    await until("the replacement", () => /the course is open at/.test(second.output()));
    expect(second.output()).toContain(`stopping the server already running for this project (pid ${old.pid})`);
    await first.exited;
    expect(processAlive(old.pid)).toBe(false);
    expect((await runningServer(ROOT))?.owner).toBe(second.child.pid);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  }, 240_000);

  it("saves notebooks without the PNG snapshots of charts (the Plotly JSON stays)", async () => {
    const s = npmStart(["--port", String(await freePort())]);
    started.push(s);
    await until("the server", () => /the course is open at/.test(s.output()));
    const record = (await runningServer(ROOT))!;
    const chart = { output_type: "display_data", metadata: {}, data: { "application/vnd.plotly.v1+json": { data: [], layout: {} }, "image/png": "iVBORw0KGgo=", "text/plain": "chart" } };
    const photo = { output_type: "display_data", metadata: {}, data: { "image/png": "iVBORw0KGgo=", "text/plain": "photo" } };
    const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", id: "c1", metadata: {}, execution_count: 1, source: "x", outputs: [chart, photo] }] };
    const file = "test-artifacts/start-server-png.ipynb";
    mkdirSync(join(ROOT, "test-artifacts"), { recursive: true }); // the server saves into an existing folder only
    const put = await fetch(`${record.baseUrl}api/contents/${file}?token=${record.token}`, { method: "PUT", body: JSON.stringify({ type: "notebook", format: "json", content: nb }) });
    expect(put.status).toBeLessThan(300);
    const saved = JSON.parse(readFileSync(join(ROOT, file), "utf8")) as { cells: { outputs: { data: Record<string, unknown> }[] }[] };
    expect(Object.keys(saved.cells[0].outputs[0].data).sort()).toEqual(["application/vnd.plotly.v1+json", "text/plain"]);
    expect(Object.keys(saved.cells[0].outputs[1].data).sort()).toEqual(["image/png", "text/plain"]); // other pictures stay
    s.child.kill("SIGTERM");
    await s.exited;
  }, 240_000);
});

describe("pip install for .venv", () => {
  const config = "global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'\nglobal.find-links='/opt/wheels'\n:env:.default-timeout='180'";
  /** A "python" whose `-m pip config list` prints `output` and exits with `status`. */
  function fakePython(output: string, status = 0): string {
    const dir = mkdtempSync(join(tmpdir(), "bnlab-fake-python-"));
    const file = join(dir, "python");
    writeFileSync(file, `#!/bin/sh\ncat <<'EOF'\n${output}\nEOF\nexit ${status}\n`, { mode: 0o755 });
    return file;
  }

  it("retries once with a 5 s timeout", () => {
    const { args, env, from } = pipInstallArgs(["jupyterlab"], pipSources(fakePython("")), true);
    expect(args).toEqual(["install", "--retries", "1", "--timeout", "5", "--progress-bar", "off", "jupyterlab"]);
    expect(env).toEqual({});
    expect(from).toBe("installing from https://pypi.org/simple");
  });

  it("uses the configured mirror as the index when the main index does not answer, each index once", () => {
    const sources = pipSources(fakePython(config));
    expect(sources).toEqual({ indexUrl: null, extraIndexUrls: ["file:///opt/pypi/simple", "file:///opt/pypi-more/simple"], findLinks: ["/opt/wheels"] });
    expect(pipSources(fakePython(config, 1))).toEqual({ indexUrl: null, extraIndexUrls: [], findLinks: [] }); // pip could not say
    const down = pipInstallArgs(["jupyterlab", "plotly"], sources, false);
    expect(down.env).toEqual({ PIP_INDEX_URL: "file:///opt/pypi/simple", PIP_EXTRA_INDEX_URL: "file:///opt/pypi-more/simple" });
    expect(down.from).toBe("https://pypi.org/simple does not answer: installing from the configured mirror instead (file:///opt/pypi/simple, file:///opt/pypi-more/simple, /opt/wheels)");
    expect(pipInstallArgs(["jupyterlab"], sources, true).env).toEqual({});
  });

  it("shows pip's progress in one line, each warning once, no 'Location … is ignored', and pip's last lines when it fails", () => {
    const pipOutput = [
      "Looking in indexes: file:///opt/pypi/simple, file:///opt/pypi-more/simple",
      "WARNING: Location 'file:///opt/pypi-more/simple/jupyterlab/' is ignored: it is neither a file nor a directory.",
      "Processing /opt/pypi/files/jupyterlab-4.6.4-py3-none-any.whl",
      "WARNING: Location 'file:///opt/pypi-more/simple/plotly/' is ignored: it is neither a file nor a directory.",
      "Collecting plotly",
      "WARNING: the cache is disabled",
      "WARNING: the cache is disabled",
      "Installing collected packages: plotly, jupyterlab",
      "Successfully installed jupyterlab-4.6.4 plotly-7.1.0",
      "",
    ].join("\n");
    let log = "";
    const progress = new PipProgress((text) => (log += text), false);
    for (const piece of pipOutput.match(/[\s\S]{1,37}/g)!) progress.write(piece); // chunks split lines anywhere
    progress.finish(true);
    expect(log).toBe("WARNING: the cache is disabled\nbnlab: pip: installing 2 packages…\nbnlab: pip: installed 2 packages.\n");
    let terminal = "";
    const onTerminal = new PipProgress((text) => (terminal += text), true);
    onTerminal.write(pipOutput);
    onTerminal.finish(true);
    const screen = terminal.split("\n").map((line) => line.split("\r\x1b[K").pop()); // what a terminal shows
    expect(screen.filter((line) => line?.includes("bnlab: pip"))).toEqual(["bnlab: pip: installed 2 packages."]); // one line, rewritten in place
    expect(terminal).toContain("\r\x1b[Kbnlab: pip: 2 packages found (plotly)");
    let failed = "";
    const failing = new PipProgress((text) => (failed += text), false);
    failing.write("Collecting nothere\nERROR: No matching distribution found for nothere\n");
    failing.finish(false);
    expect(failed).toBe("ERROR: No matching distribution found for nothere\nbnlab: pip failed; the end of its output:\nCollecting nothere\nERROR: No matching distribution found for nothere\n");
  });
});
