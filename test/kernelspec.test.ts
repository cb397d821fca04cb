import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KERNEL_DISPLAY_NAME, KERNEL_NAME, ensureKernelspec, expectedKernelspec, jupyterEnv, kernelspecDir } from "../src/course/jupyter";
import { KERNELSPEC_METADATA } from "../src/course/notebook/kernel-metadata";

const ROOT = join(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const postinstall = require("../scripts/postinstall.js") as { install(root: string): string };

describe("project-local kernelspec", () => {
  const tmp = mkdtempSync(join(tmpdir(), "bnlab-kernelspec-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("uses the names the notebooks declare", () => {
    expect(KERNEL_NAME).toBe("bnlab-tslab");
    expect(KERNEL_DISPLAY_NAME).toBe("TypeScript (bnlab)");
    expect(KERNELSPEC_METADATA).toEqual({ name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: "typescript" });
  });

  it("starts this project's tslab through the launcher, with the argv `tslab install` would write", () => {
    const spec = expectedKernelspec(ROOT);
    expect(spec.argv).toEqual([join(ROOT, "scripts", "launcher", "launch.cjs"), "kernel", "--config-path", "{connection_file}"]);
    expect(spec.env).toEqual({ BNLAB_LEARNER_KERNEL: "1" });
    const installPy = readFileSync(join(ROOT, "node_modules", "tslab", "python", "install.py"), "utf8");
    expect(installPy).toContain("argv = [bin, 'kernel', '--config-path', '{connection_file}']");
  });

  it("scripts/postinstall.js writes exactly what ensureKernelspec() writes", () => {
    const a = join(tmp, "a");
    const b = join(tmp, "b");
    postinstall.install(a);
    ensureKernelspec(b);
    const fromPostinstall = readFileSync(join(kernelspecDir(a), "kernel.json"), "utf8");
    const fromTs = readFileSync(join(kernelspecDir(b), "kernel.json"), "utf8");
    expect(fromPostinstall.split(a).join("<root>")).toBe(fromTs.split(b).join("<root>"));
    expect(kernelspecDir(a)).toBe(join(a, ".jupyter", "share", "jupyter", "kernels", "bnlab-tslab"));
  });

  it("postinstall warns but exits 0 when it cannot write the kernelspec", () => {
    const root = join(tmp, "broken");
    mkdirSync(join(root, "scripts"), { recursive: true });
    copyFileSync(join(ROOT, "scripts", "postinstall.js"), join(root, "scripts", "postinstall.js"));
    cpSync(join(ROOT, "scripts", "launcher"), join(root, "scripts", "launcher"), { recursive: true });
    writeFileSync(join(root, ".jupyter"), "a file where the folder should be");
    const run = spawnSync(process.execPath, [join(root, "scripts", "postinstall.js")], { encoding: "utf8", timeout: 10_000 });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/warning: could not register the Jupyter kernel/);
  });

  it("jupyterEnv puts the local data dir first on JUPYTER_PATH and node on PATH", () => {
    const env = jupyterEnv({ JUPYTER_PATH: "/x", PATH: "/usr/bin" }, ROOT);
    expect(env.JUPYTER_PATH).toBe(`${join(ROOT, ".jupyter", "share", "jupyter")}:/x`);
    expect(env.PATH?.split(":")[0]).toBe(join(process.execPath, ".."));
  });

  it("Jupyter itself finds the kernelspec through JUPYTER_PATH", () => {
    ensureKernelspec(ROOT);
    const out = execFileSync("/usr/bin/jupyter", ["kernelspec", "list", "--json"], { env: jupyterEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const specs = (JSON.parse(out) as { kernelspecs: Record<string, { resource_dir: string; spec: { display_name: string } }> }).kernelspecs;
    expect(specs[KERNEL_NAME]?.resource_dir).toBe(kernelspecDir(ROOT));
    expect(specs[KERNEL_NAME]?.spec.display_name).toBe(KERNEL_DISPLAY_NAME);
  }, 30_000);
});
