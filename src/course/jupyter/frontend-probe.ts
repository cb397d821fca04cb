/** Looking at the machine for the inputs of planFrontend(): executables and Pythons. */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { FrontendProbe, PythonInfo } from "./frontend-plan";

/** The first executable named `name` on PATH, or null. */
export function which(name: string, pathVar: string | undefined = process.env.PATH): string | null {
  for (const dir of (pathVar ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** A regular file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Version and venv support of a Python, or null if it does not run. */
function inspectPython(path: string): PythonInfo | null {
  const script = "import sys\ntry:\n import venv, ensurepip\n ok = 1\nexcept Exception:\n ok = 0\nprint(sys.version_info[0], sys.version_info[1], ok)";
  const run = spawnSync(path, ["-c", script], { encoding: "utf8", timeout: 20_000 });
  const m = /^(\d+) (\d+) ([01])/.exec(run.stdout ?? "");
  if (run.status !== 0 || !m) return null;
  return { path, version: [Number(m[1]), Number(m[2])], hasVenv: m[3] === "1" };
}

export function probeFrontend(venvDir: string, env: NodeJS.ProcessEnv = process.env): FrontendProbe {
  const venvLab = join(venvDir, "bin", "jupyter-lab");
  const pythons: PythonInfo[] = [];
  const seen = new Set<string>();
  for (const candidate of [which("python3", env.PATH), which("python", env.PATH), "/usr/bin/python3", "/usr/local/bin/python3"]) {
    if (!candidate || seen.has(candidate) || !isExecutable(candidate)) continue;
    seen.add(candidate);
    const info = inspectPython(candidate);
    if (info) pythons.push(info);
  }
  return {
    venvJupyterLab: isExecutable(venvLab) ? venvLab : null,
    pathJupyterLab: which("jupyter-lab", env.PATH),
    pythons,
    classicNotebook: which("jupyter-notebook", env.PATH) ?? (isExecutable("/usr/bin/jupyter-notebook") ? "/usr/bin/jupyter-notebook" : null),
  };
}
