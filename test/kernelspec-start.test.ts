/**
 * `npm start`: the provisioning decisions (pure) and a real Jupyter server started through the
 * same module, queried for the project-local kernelspec.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../src/course/jupyter/connection";
import { planFrontend, type FrontendProbe } from "../src/course/jupyter/frontend-plan";
import { probeFrontend } from "../src/course/jupyter/frontend-probe";
import { startJupyterServer } from "../src/course/jupyter/jupyter-server";
import { runStartCli } from "../src/course/jupyter/start-cli";
import { KERNEL_NAME } from "../src/course/jupyter";

const ROOT = join(__dirname, "..");
const VENV = "/p/.venv";
const none: FrontendProbe = { venvJupyterLab: null, pathJupyterLab: null, pythons: [], classicNotebook: null };
const py311 = { path: "/usr/bin/python3", version: [3, 11] as [number, number], hasVenv: true };

describe("planFrontend", () => {
  it("prefers the project's .venv JupyterLab, then JupyterLab on PATH", () => {
    const both = { ...none, venvJupyterLab: "/p/.venv/bin/jupyter-lab", pathJupyterLab: "/usr/bin/jupyter-lab", pythons: [py311] };
    expect(planFrontend(both, VENV)).toEqual({ action: "run", kind: "lab", command: "/p/.venv/bin/jupyter-lab", source: "venv" });
    expect(planFrontend({ ...both, venvJupyterLab: null }, VENV)).toEqual({ action: "run", kind: "lab", command: "/usr/bin/jupyter-lab", source: "path" });
  });

  it("provisions .venv with a suitable Python, keeping the classic notebook as fallback", () => {
    expect(planFrontend({ ...none, pythons: [py311], classicNotebook: "/usr/bin/jupyter-notebook" }, VENV)).toEqual({
      action: "provision",
      python: "/usr/bin/python3",
      venvDir: VENV,
      packages: ["jupyterlab", "plotly"],
      then: "/p/.venv/bin/jupyter-lab",
      fallback: "/usr/bin/jupyter-notebook",
    });
  });

  it("skips Pythons that are too old or lack venv", () => {
    const pythons = [
      { path: "/old", version: [3, 7] as [number, number], hasVenv: true },
      { path: "/novenv", version: [3, 12] as [number, number], hasVenv: false },
      { path: "/good", version: [3, 8] as [number, number], hasVenv: true },
    ];
    const plan = planFrontend({ ...none, pythons }, VENV);
    expect(plan.action === "provision" && plan.python).toBe("/good");
  });

  it("uses the classic notebook when it cannot provision", () => {
    const classic = { ...none, classicNotebook: "/usr/bin/jupyter-notebook" };
    expect(planFrontend(classic, VENV)).toEqual({ action: "run", kind: "notebook", command: "/usr/bin/jupyter-notebook", source: "classic" });
    expect(planFrontend({ ...classic, pythons: [py311] }, VENV, { allowProvision: false })).toMatchObject({ action: "run", kind: "notebook" });
  });

  it("explains what to install when there is nothing", () => {
    const plan = planFrontend({ ...none, pythons: [{ path: "/usr/bin/python3", version: [3, 11], hasVenv: false }] }, VENV);
    expect(plan.action).toBe("missing");
    const message = plan.action === "missing" ? plan.message : "";
    expect(message).toContain("sudo apt-get install python3 python3-venv");
    expect(message).toContain("https://www.python.org/downloads/");
    expect(message).toContain("venv module is missing");
    const old = planFrontend({ ...none, pythons: [{ path: "/py2", version: [2, 7], hasVenv: false }] }, VENV);
    expect(old.action === "missing" && old.message).toContain("/py2 (2.7)");
  });
});

describe("server command line", () => {
  /** The arguments startJupyterServer gives the front end: /bin/echo prints them and exits, and the error shows its output. */
  async function argsOf(kind: "lab" | "notebook", opts: { port: number; browser?: boolean; openPath?: string }): Promise<string> {
    const error = await startJupyterServer({ command: "/bin/echo", kind, root: ROOT, ...opts, startTimeoutMs: 30_000 }).then(
      () => new Error("/bin/echo started as a server"),
      (err: Error) => err,
    );
    expect(error.message).toMatch(/^\/bin\/echo did not start \(it exited\)/);
    return error.message.split("\n")[1];
  }

  it("binds to localhost, keeps token auth, roots at the project and opens notebooks/", async () => {
    const asRoot = process.getuid?.() === 0 ? " --allow-root" : "";
    const lab = await argsOf("lab", { port: 8888 });
    expect(lab).toBe(`--ip=127.0.0.1 --port=8888 --no-browser --ServerApp.root_dir=${ROOT} --ServerApp.default_url=/lab/tree/notebooks --ContentsManager.pre_save_hook=bnlab_jupyter.strip_plotly_png${asRoot}`);
    expect(lab).not.toMatch(/token/i);
    const classic = await argsOf("notebook", { port: 9000, browser: true, openPath: "/notebooks/" });
    expect(classic).toBe(`--ip=127.0.0.1 --port=9000 --NotebookApp.notebook_dir=${ROOT} --NotebookApp.default_url=/tree/notebooks --ContentsManager.pre_save_hook=bnlab_jupyter.strip_plotly_png${asRoot}`);
  });

  it("refuses bad npm start arguments with exit code 2, saying why", async () => {
    const refusal = async (args: string[]): Promise<string> => {
      const lines: string[] = [];
      expect(await runStartCli(args, (line) => lines.push(line))).toBe(2);
      return lines.join("\n");
    };
    expect(await refusal(["--port", "x"])).toMatch(/--port: not a port number: x/);
    expect(await refusal(["--port", "70000"])).toMatch(/--port: not a port number: 70000/);
    expect(await refusal(["notebooks"])).toMatch(/unknown argument notebooks/);
    expect(await refusal(["--help"])).toMatch(/usage: npm start/);
  });
});

describe("a real Jupyter server", () => {
  it("starts on a free port and lists the bnlab-tslab kernelspec (token required)", async () => {
    const plan = planFrontend(probeFrontend(join(ROOT, ".venv")), join(ROOT, ".venv"), { allowProvision: false });
    if (plan.action !== "run") {
      throw new Error(`no Jupyter front end on this machine: run \`npm start\` once (creates .venv with JupyterLab) or \`sudo apt-get install jupyter-notebook\`.\n${plan.action === "missing" ? plan.message : ""}`);
    }
    const port = await freePort();
    const server = await startJupyterServer({ command: plan.command, kind: plan.kind, root: ROOT, port });
    try {
      expect(server.port).toBe(port);
      expect(server.url).toBe(`http://127.0.0.1:${port}${plan.kind === "lab" ? "/lab/tree/notebooks" : "/tree/notebooks"}?token=${server.token}`);
      expect(server.token).toMatch(/^[0-9a-f]{48}$/);
      const res = await fetch(`${server.baseUrl}api/kernelspecs?token=${server.token}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { kernelspecs: Record<string, { spec: { display_name: string; language: string } }> };
      expect(body.kernelspecs[KERNEL_NAME]?.spec).toMatchObject({ display_name: "TypeScript (bnlab)", language: "typescript" });
      const anonymous = await fetch(`${server.baseUrl}api/kernelspecs`);
      expect(anonymous.status).toBe(403);
    } finally {
      await server.stop();
    }
    expect(await Promise.race([server.exited.then(() => "exited"), new Promise((r) => setTimeout(() => r("running"), 100))])).toBe("exited");
  });
});
