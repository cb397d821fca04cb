/**
 * The "did not compile" verdict reaches the check cell's output under a bare Jupyter client:
 * Debian's jupyter_client (/usr/bin/python3) starts the project's kernelspec (the learner kernel),
 * runs the Setup cell, an exercise cell that does not compile, then the check cell right after the
 * exercise cell's reply, as every client does. tslab aborted whatever arrived in the 200 ms after
 * a failure, so the check printed nothing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureKernelspec, jupyterEnv, KERNEL_NAME } from "../src/course/jupyter/kernelspec";

const ROOT = path.resolve(__dirname, "..");
const PYTHON = "/usr/bin/python3";
const hasClient = fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import jupyter_client"]).status === 0;

const CLIENT = `
import json, sys
from jupyter_client.manager import start_new_kernel
cells = json.load(sys.stdin)
km, kc = start_new_kernel(kernel_name=${JSON.stringify(KERNEL_NAME)}, startup_timeout=240, cwd=${JSON.stringify(path.join(ROOT, "notebooks"))})
results = []
try:
    for code in cells:
        texts = []
        reply = kc.execute_interactive(code, timeout=180, output_hook=lambda m: texts.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        results.append({"status": reply["content"]["status"], "text": "".join(texts)})
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(results))
`;

const SETUP = 'import { Matrix, check } from "../src";';
const TYPO = "function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {\n  const mu = x.meanRows();\n  return { mu, variance: x.sub(mu).map((d) => d * d).meanRow() };\n}";
const CHECK = "check.batchStats(batchStats);";

describe.skipIf(!hasClient)("a bare jupyter_client", () => {
  it("shows the check cell's 'did not compile' line right after an exercise cell that does not compile", () => {
    ensureKernelspec(ROOT);
    const run = spawnSync(PYTHON, ["-c", CLIENT], { input: JSON.stringify([SETUP, TYPO, CHECK]), encoding: "utf8", env: jupyterEnv(), timeout: 600_000 });
    expect(run.status, run.stderr).toBe(0);
    const [setup, exercise, verdict] = JSON.parse(run.stdout.trim().split("\n").pop() ?? "[]") as { status: string; text: string }[];
    expect(setup.status).toBe("ok");
    expect(exercise.status).toBe("error");
    expect(exercise.text).toContain("meanRow");
    expect(verdict.status).toBe("ok");
    expect(verdict.text.trim()).toBe("✗ your latest version of batchStats did not compile — fix the error above and re-run that cell");
  }, 600_000);
});
