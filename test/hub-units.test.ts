/**
 * The pieces of `npm run hub` and `npm run collect`, without a hub: the generated config (read by
 * Python's traitlets, as JupyterHub reads it), the single-user start command (really run by
 * /bin/sh), finding and stopping marked processes, and collecting notebooks from learners' homes.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readManifest } from "../src/course/homework/manifest";
import { collectFromHomes } from "../src/course/hub/collect-from-homes";
import { renderCourseConfig, renderHubConfig, type HubPlan } from "../src/course/hub/hub-config";
import { proxyCommand, setUpHub } from "../src/course/hub/hub-setup";
import { HUB_ID_VARIABLE, markedProcesses, stopMarkedProcesses } from "../src/course/hub/marked-processes";
import { projectRoot } from "../src/course/jupyter/project-root";

const PYTHON = "/usr/bin/python3";
let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-hub-units-"))));
afterEach(() => {
  spawnSync("chmod", ["-R", "u+w", tmp]); // the hub's shared library is read-only
  fs.rmSync(tmp, { recursive: true, force: true });
});

function plan(overrides: Partial<HubPlan> = {}): HubPlan {
  return {
    port: 8123,
    hubPort: 40001,
    proxyApiPort: 40002,
    stateDir: path.join(tmp, "state"),
    homesDir: path.join(tmp, "homes with space"),
    courseDir: path.join(tmp, "it's the course"),
    libraryDir: path.join(tmp, "library"),
    jupyterDataDir: path.join(tmp, "share", "jupyter"),
    syncCommand: ["/usr/bin/node", "/x/tsx/cli.mjs", "/x/tools/course-sync.ts"],
    singleUser: { command: "/usr/bin/jupyterhub-singleuser", kind: "notebook" },
    proxyCommand: ["/usr/bin/env", "NODE_PATH=/usr/share/nodejs", "/usr/bin/configurable-http-proxy"],
    hubId: "abc123",
    asRoot: true,
    ...overrides,
  };
}

/** The single-user start command a config sets (`c.Spawner.cmd = [...]`: a Python list that is also JSON). */
function spawnerCmd(config: string): string[] {
  const line = config.split("\n").find((l) => l.startsWith("c.Spawner.cmd = "));
  return JSON.parse((line ?? "").slice("c.Spawner.cmd = ".length)) as string[];
}

const traitlets = spawnSync(PYTHON, ["-c", "import traitlets"]).status === 0;

describe("jupyterhub_config.py", () => {
  it.skipIf(!traitlets)("is valid Python that sets the course's hub up, as traitlets reads it", () => {
    const file = path.join(tmp, "jupyterhub_config.py");
    fs.writeFileSync(file, renderHubConfig(plan()));
    const read = spawnSync(PYTHON, ["-c", `
import json, sys
from traitlets.config import Config
c = Config()
exec(open(sys.argv[1]).read(), {"get_config": lambda: c})
from traitlets.config.loader import LazyConfigValue
plain = lambda v: v.get_value({}) if isinstance(v, LazyConfigValue) else v
print(json.dumps({k: {n: plain(x) for n, x in v.items()} for k, v in c.items()}, default=list))
`, file], { encoding: "utf8" });
    expect(read.stderr).toBe("");
    const config = JSON.parse(read.stdout) as Record<string, Record<string, unknown>>;
    expect(config.JupyterHub).toMatchObject({ ip: "127.0.0.1", port: 8123, hub_ip: "127.0.0.1", hub_port: 40001, authenticator_class: "dummy", spawner_class: "simple", cleanup_servers: true, cleanup_proxy: true });
    expect(config.ConfigurableHTTPProxy).toMatchObject({ api_url: "http://127.0.0.1:40002", command: plan().proxyCommand });
    expect(config.SimpleLocalProcessSpawner.home_dir_template).toBe(path.join(tmp, "homes with space", "{username}"));
    expect(config.Spawner).toMatchObject({ args: ["--allow-root"], default_url: "/tree/bnlab/notebooks", cmd: spawnerCmd(renderCourseConfig(plan())) });
    expect(config.Spawner.cmd).toEqual(["/bin/sh", "-c", expect.stringContaining("exec /usr/bin/jupyterhub-singleuser"), "bnlab-singleuser"]);
    expect(config.Spawner.environment).toEqual({ JUPYTER_PATH: path.join(tmp, "share", "jupyter"), [HUB_ID_VARIABLE]: "abc123" });
  });

  it.skipIf(!traitlets)("has a course-only part for another hub (TLJH) that adds to its environment instead of replacing it", () => {
    const file = path.join(tmp, "bnlab_course_config.py");
    fs.writeFileSync(file, renderCourseConfig({ ...plan(), hubId: undefined }, { standalone: true }));
    const read = spawnSync(PYTHON, ["-c", `
import json, sys
from traitlets.config import Config
c = Config()
c.Spawner.environment = {"TLJH": "kept"}
c.JupyterHub.authenticator_class = "tljh"
exec(open(sys.argv[1]).read(), {"get_config": lambda: c})
print(json.dumps({"env": c.Spawner.environment, "auth": c.JupyterHub.authenticator_class, "cmd": c.Spawner.cmd}))
`, file], { encoding: "utf8" });
    expect(read.stderr).toBe("");
    const config = JSON.parse(read.stdout) as { env: Record<string, string>; auth: string; cmd: string[] };
    expect(config).toEqual({ env: { TLJH: "kept", JUPYTER_PATH: path.join(tmp, "share", "jupyter") }, auth: "tljh", cmd: spawnerCmd(renderCourseConfig(plan())) });
    expect(fs.readFileSync(file, "utf8")).not.toMatch(/authenticator|spawner_class|allow-root|BNLAB_HUB_ID/);
  });

  it("tells how to switch to PAM or OAuth and which spawner isolates learners", () => {
    const text = renderHubConfig(plan({ asRoot: false }));
    expect(text).toMatch(/authenticator_class = "pam"/);
    expect(text).toMatch(/oauthenticator/);
    expect(text).toMatch(/NOT\s*\n?#? ?isolated/);
    expect(text).toMatch(/spawner_class = "localprocess"/);
    expect(text).toContain("c.Spawner.args = []");
  });

  it("opens the learner's copy in the classic Notebook or JupyterLab", () => {
    expect(renderCourseConfig(plan())).toContain(`c.Spawner.default_url = "/tree/bnlab/notebooks"`);
    expect(renderCourseConfig(plan({ singleUser: { command: "/venv/bin/jupyterhub-singleuser", kind: "lab" } }))).toContain(`c.Spawner.default_url = "/lab/tree/bnlab/notebooks"`);
  });
});

describe("the single-user start command", () => {
  /** Runs the command with stand-ins for node (the sync) and jupyterhub-singleuser that log their arguments. */
  function run(syncExit: number): { log: string[]; status: number | null; stderr: string } {
    const logFile = path.join(tmp, "log");
    const fake = (name: string, exit: number): string => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, `#!/bin/sh\nfor a in "$@"; do printf '%s|' "$a" >> '${logFile}'; done; echo >> '${logFile}'\nexit ${exit}\n`, { mode: 0o755 });
      return file;
    };
    const p = plan({ syncCommand: [fake("sync", syncExit)], singleUser: { command: fake("singleuser", 0), kind: "notebook" } });
    const [cmd, ...args] = spawnerCmd(renderCourseConfig(p));
    const result = spawnSync(cmd, [...args, "--allow-root", "--arg with space"], { encoding: "utf8", env: { ...process.env, JUPYTERHUB_USER: "alice" } });
    return { log: fs.readFileSync(logFile, "utf8").trim().split("\n"), status: result.status, stderr: result.stderr };
  }

  it("syncs the course (paths quoted) and then execs Jupyter with the hub's arguments", () => {
    const { log, status } = run(0);
    expect(status).toBe(0);
    expect(log).toEqual([`--course|${path.join(tmp, "it's the course")}|--library|${path.join(tmp, "library")}|`, "--allow-root|--arg with space|"]);
  });

  it("still starts the learner's server when the sync fails, saying so in the log", () => {
    const { log, stderr } = run(3);
    expect(log[1]).toBe("--allow-root|--arg with space|");
    expect(stderr).toMatch(/could not be brought up to date for alice/);
  });
});

describe("hub setup", () => {
  it("adds NODE_PATH for Debian's configurable-http-proxy only", () => {
    const own = path.join(tmp, "chp");
    fs.writeFileSync(own, "#!/bin/sh\n", { mode: 0o755 });
    expect(proxyCommand(own)).toEqual([own]);
    if (fs.existsSync("/usr/bin/configurable-http-proxy") && fs.realpathSync("/usr/bin/configurable-http-proxy").startsWith("/usr/share/nodejs/")) {
      expect(proxyCommand("/usr/bin/configurable-http-proxy")).toEqual(["/usr/bin/env", "NODE_PATH=/usr/share/nodejs", "/usr/bin/configurable-http-proxy"]);
    }
  });

  it("registers the course's launcher for the hub, with absolute node, on the read-only library, with the learner helpers", async () => {
    const singleUser = path.join(tmp, "jupyterhub-singleuser");
    fs.writeFileSync(singleUser, "#!/bin/sh\n", { mode: 0o755 });
    fs.mkdirSync(path.join(tmp, "course"));
    const stateDir = path.join(tmp, "state");
    const { plan: setup } = await setUpHub({ root: projectRoot(), port: 8123, stateDir, courseDir: path.join(tmp, "course"), singleUser, setupOnly: true });
    expect(setup.jupyterDataDir).toBe(path.join(stateDir, "share", "jupyter"));
    expect(setup.libraryDir).toBe(path.join(stateDir, "library"));
    expect(fs.statSync(path.join(setup.libraryDir, "dist", "index.js")).mode & 0o222, "the shared library is read-only").toBe(0);
    const spec = JSON.parse(fs.readFileSync(path.join(setup.jupyterDataDir, "kernels", "bnlab-tslab", "kernel.json"), "utf8")) as { argv: string[]; env: Record<string, string> };
    expect(spec.argv).toEqual([process.execPath, path.join(projectRoot(), "scripts", "launcher", "launch.cjs"), "kernel", "--config-path", "{connection_file}", "--library", setup.libraryDir]);
    expect(spec.env).toEqual({ BNLAB_LEARNER_KERNEL: "1" });
    for (const file of spec.argv.slice(0, 2)) expect(path.isAbsolute(file) && fs.existsSync(file)).toBe(true);
  });
});

describe("marked processes", () => {
  it("finds every process carrying the hub's id, children included, and stops them", async () => {
    const id = `test-${process.pid}-${Date.now()}`;
    const child = spawn("/bin/sh", ["-c", "sleep 60 & sleep 60; wait"], { env: { ...process.env, [HUB_ID_VARIABLE]: id }, stdio: "ignore" });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    const deadline = Date.now() + 10_000;
    while (markedProcesses(id).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(markedProcesses(id)).toHaveLength(3); // sh and its two sleeps
    expect(markedProcesses(`${id}x`)).toEqual([]);
    const stopped = await stopMarkedProcesses(id, 3_000);
    expect(stopped).toContain(child.pid);
    await exited;
    expect(markedProcesses(id)).toEqual([]);
  });
});

describe("collectFromHomes", () => {
  const nb = (text: string): string => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: text, metadata: {}, outputs: [], execution_count: null }] });
  const home = (learner: string, lesson: string, text: string): string => {
    const dir = path.join(tmp, "homes", learner, "bnlab", "notebooks");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${lesson}.ipynb`), nb(text));
    return path.join(dir, `${lesson}.ipynb`);
  };

  it("copies each learner's notebooks of the assignment into <out>/<learner>/<lesson>.ipynb", () => {
    home("alice", "01-normalize", "alice 1");
    home("alice", "02-gamma-beta", "alice 2");
    home("alice", "scratch", "not assigned");
    home("bruno", "02-gamma-beta", "bruno 2");
    fs.mkdirSync(path.join(tmp, "homes", "carla")); // logged in never
    const out = path.join(tmp, "submitted");
    const report = collectFromHomes({ homesDir: path.join(tmp, "homes"), outDir: out, lessons: ["01", "02-gamma-beta"], lessonsDir: path.join(projectRoot(), "lessons") });
    expect(report.lessons).toEqual(["01-normalize", "02-gamma-beta"]);
    expect(Object.fromEntries(report.collected)).toEqual({ alice: ["01-normalize", "02-gamma-beta"], bruno: ["02-gamma-beta"] });
    expect(Object.fromEntries(report.missing)).toEqual({ bruno: ["01-normalize"], carla: ["01-normalize", "02-gamma-beta"] });
    expect(fs.readdirSync(out).sort()).toEqual(["alice", "bruno", "carla"]);
    expect(fs.readdirSync(path.join(out, "alice")).sort()).toEqual(["01-normalize.ipynb", "02-gamma-beta.ipynb"]);
    expect(fs.readFileSync(path.join(out, "bruno", "02-gamma-beta.ipynb"), "utf8")).toContain("bruno 2");
    expect(fs.readdirSync(path.join(out, "carla"))).toEqual([]);
  });

  it("refuses a notebook that is a link (to another learner's work), and a non-empty output", () => {
    const alice = home("alice", "01-normalize", "alice's work");
    const brunoDir = path.join(tmp, "homes", "bruno", "bnlab", "notebooks");
    fs.mkdirSync(brunoDir, { recursive: true });
    fs.symlinkSync(alice, path.join(brunoDir, "01-normalize.ipynb"));
    const out = path.join(tmp, "submitted");
    const report = collectFromHomes({ homesDir: path.join(tmp, "homes"), outDir: out, lessons: ["01-normalize"] });
    expect(report.refused).toEqual(["bruno/bnlab/notebooks/01-normalize.ipynb: not a regular file (a symbolic link); not collected"]);
    expect(fs.readdirSync(path.join(out, "bruno"))).toEqual([]);
    expect(() => collectFromHomes({ homesDir: path.join(tmp, "homes"), outDir: out, lessons: ["01-normalize"] })).toThrow(/is not empty; choose another --out, or --replace/);
    expect(collectFromHomes({ homesDir: path.join(tmp, "homes"), outDir: out, lessons: ["01-normalize"], replace: true }).collected.get("alice")).toEqual(["01-normalize"]);
    expect(() => collectFromHomes({ homesDir: path.join(tmp, "homes"), outDir: path.join(tmp, "homes", "x"), lessons: ["01-normalize"] })).toThrow(/must not be inside the learners' homes/);
  });

  it("resolves lessons by number, and from a release manifest; names an unknown one", () => {
    fs.mkdirSync(path.join(tmp, "homes"));
    const collect = (lessons: string[], lessonsDir?: string) => collectFromHomes({ homesDir: path.join(tmp, "homes"), outDir: path.join(tmp, "submitted"), lessons, replace: true, ...(lessonsDir ? { lessonsDir } : {}) });
    const lessons = path.join(projectRoot(), "lessons");
    expect(collect(["03", "01-normalize", "03-running-averages"], lessons).lessons).toEqual(["03-running-averages", "01-normalize"]);
    expect(() => collect(["99"], lessons)).toThrow(/no lesson "99" in .*lessons \(lessons: 01-normalize, /);
    expect(() => collect([], lessons)).toThrow(/name the assignment's lessons/);
    expect(collect(["04-eval-mode.ipynb"]).lessons).toEqual(["04-eval-mode"]);
    expect(() => collect(["04"])).toThrow(/"04" is not a full lesson name/);
    const manifest = path.join(tmp, "manifest.json");
    fs.writeFileSync(manifest, JSON.stringify({ format: 1, kind: "bnlab-homework-release", lessons: [{ lesson: "04-eval-mode" }], points: 3 }));
    expect(readManifest(manifest).lessons.map((l) => l.lesson)).toEqual(["04-eval-mode"]);
    fs.writeFileSync(manifest, "{}");
    expect(() => readManifest(manifest)).toThrow(/manifest\.json is not a release manifest/);
  });
});
