import { spawnSync } from "child_process";

/**
 * What a fresh process that imports the library picks with BNLAB_BACKEND = `value` (unset when
 * undefined): the name of its backend, and what it wrote to stderr.
 */
export function backendChosenBy(value: string | undefined): { name: string; stderr: string } {
  const env = { ...process.env };
  delete env.BNLAB_BACKEND;
  if (value !== undefined) env.BNLAB_BACKEND = value;
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "-e", 'import("./src/tensor/backend.ts").then((m) => process.stdout.write(m.default.backend().name))'],
    { cwd: `${__dirname}/../..`, env, encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`backendChosenBy(${JSON.stringify(value)}): the process failed (${run.status}): ${run.stderr}`);
  return { name: run.stdout, stderr: run.stderr };
}
