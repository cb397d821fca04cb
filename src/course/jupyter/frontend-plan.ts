/**
 * Deciding how `npm start` gets a Jupyter front end, from what exists on this machine.
 * Pure: the probing is in frontend-probe.ts, so every branch is unit-testable.
 *
 * Order: the project's .venv JupyterLab, JupyterLab on PATH, provisioning .venv with a Python
 * ≥ 3.8 that has venv (pip install jupyterlab plotly), the classic `jupyter notebook`
 * (e.g. Debian's /usr/bin/jupyter-notebook), else instructions and exit 1.
 */

export interface PythonInfo {
  path: string;
  version: [major: number, minor: number];
  /** `venv` and `ensurepip` import (Debian needs python3-venv for that). */
  hasVenv: boolean;
}

export interface FrontendProbe {
  /** <root>/.venv/bin/jupyter-lab if it exists. */
  venvJupyterLab: string | null;
  /** jupyter-lab found on PATH. */
  pathJupyterLab: string | null;
  /** Candidate Pythons, in order of preference. */
  pythons: PythonInfo[];
  /** A classic notebook server (`jupyter-notebook`), if any. */
  classicNotebook: string | null;
}

export type FrontendKind = "lab" | "notebook";

type FrontendPlan =
  | { action: "run"; kind: FrontendKind; command: string; source: "venv" | "path" | "classic" }
  | { action: "provision"; python: string; venvDir: string; packages: string[]; then: string; fallback: string | null }
  | { action: "missing"; message: string };

const LAB_PACKAGES = ["jupyterlab", "plotly"];
const MIN_PYTHON: [number, number] = [3, 8];

function pythonIsRecentEnough(version: [number, number]): boolean {
  return version[0] > MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] >= MIN_PYTHON[1]);
}

function installInstructions(probe: FrontendProbe): string {
  const lines = ["bnlab needs Jupyter to open the course notebooks, and none could be found or installed."];
  const old = probe.pythons.filter((p) => !pythonIsRecentEnough(p.version));
  const noVenv = probe.pythons.filter((p) => pythonIsRecentEnough(p.version) && !p.hasVenv);
  if (old.length) lines.push(`Found only old Python: ${old.map((p) => `${p.path} (${p.version.join(".")})`).join(", ")}; need ${MIN_PYTHON.join(".")} or newer.`);
  if (noVenv.length) lines.push(`${noVenv.map((p) => p.path).join(", ")} cannot create virtual environments (the venv module is missing).`);
  lines.push(
    "Install one of:",
    "  - Python 3 with venv, then run `npm start` again (it installs JupyterLab into .venv):",
    "      Debian/Ubuntu: sudo apt-get install python3 python3-venv",
    "      Fedora:        sudo dnf install python3",
    "      macOS:         brew install python   (or the installer from https://www.python.org/downloads/)",
    "      Windows:       https://www.python.org/downloads/",
    "  - or JupyterLab itself: pip install jupyterlab   (https://jupyter.org/install)",
    "  - or the classic notebook: sudo apt-get install jupyter-notebook",
  );
  return lines.join("\n");
}

export function planFrontend(probe: FrontendProbe, venvDir: string, opts: { allowProvision?: boolean } = {}): FrontendPlan {
  if (probe.venvJupyterLab) return { action: "run", kind: "lab", command: probe.venvJupyterLab, source: "venv" };
  if (probe.pathJupyterLab) return { action: "run", kind: "lab", command: probe.pathJupyterLab, source: "path" };
  const python = probe.pythons.find((p) => pythonIsRecentEnough(p.version) && p.hasVenv);
  if (python && opts.allowProvision !== false) {
    return {
      action: "provision",
      python: python.path,
      venvDir,
      packages: LAB_PACKAGES,
      then: `${venvDir}/bin/jupyter-lab`,
      fallback: probe.classicNotebook,
    };
  }
  if (probe.classicNotebook) return { action: "run", kind: "notebook", command: probe.classicNotebook, source: "classic" };
  return { action: "missing", message: installInstructions(probe) };
}
