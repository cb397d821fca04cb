/**
 * The kernel launcher's quick library build (scripts/launcher/library-build.cjs): after an edit it
 * transpiles only the files that changed, and the dist/ it leaves is the one a build of every file
 * gives — never a stale .js beside the new stamp.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const load = createRequire(__filename);

/**
 * ensureLibrary(root) in a process group of its own, stopped afterwards with the type check it
 * starts in the background (as a kernel's group is).
 */
async function ensureLibrary(root: string): Promise<{ rebuilt: boolean; problem: string }> {
  const code = `process.stdout.write(JSON.stringify(require(${JSON.stringify(join(ROOT, "scripts", "launcher", "library-build.cjs"))}).ensureLibrary(${JSON.stringify(root)})))`;
  const child = spawn(process.execPath, ["-e", code], { detached: true, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on("exit", resolve));
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // the group is gone already
  }
  return JSON.parse(out) as { rebuilt: boolean; problem: string };
}
const hashes = load("../scripts/launcher/library-hash.cjs") as { librarySourceHash(root: string): string; builtHash(root: string): string; listFiles(dir: string): string[] };

/** Every .js of dist/, relative path → text. */
function distJs(root: string): Map<string, string> {
  const dist = join(root, "dist");
  return new Map(hashes.listFiles(dist).filter((f) => f.endsWith(".js")).map((f) => [relative(dist, f), readFileSync(f, "utf8")]));
}

describe("the launcher's library build after an edit", () => {
  // a copy of the project (node_modules linked): its background type check must not touch this dist/
  const copy = mkdtempSync(join(tmpdir(), "bnlab-build-"));
  for (const entry of ["src", "dist", "tsconfig.json", "tsconfig.lib.json", "package.json"]) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  /** Forgets what dist/'s files came from: the next build transpiles every file. */
  const forget = (): void => {
    rmSync(join(copy, "dist", ".source-files"));
    writeFileSync(join(copy, "dist", ".source-hash"), "unknown\n");
  };

  it("rewrites only the edited file's .js, removes a deleted file's, and gives what a build of every file gives", async () => {
    forget();
    expect(await ensureLibrary(copy)).toMatchObject({ rebuilt: true, problem: "" });
    const before = distJs(copy);
    const rng = join(copy, "src", "random", "rng.ts");
    writeFileSync(rng, `${readFileSync(rng, "utf8")}\nexport const editedLive = 42;\n`);
    writeFileSync(join(copy, "src", "random", "extra.ts"), "export const extra = 1;\n");
    expect(await ensureLibrary(copy)).toMatchObject({ rebuilt: true, problem: "" });
    expect(readFileSync(join(copy, "dist", "random", "extra.js"), "utf8")).toContain("extra = 1");
    rmSync(join(copy, "src", "random", "extra.ts"));
    expect(await ensureLibrary(copy)).toMatchObject({ rebuilt: true, problem: "" });
    expect(hashes.builtHash(copy)).toBe(hashes.librarySourceHash(copy));
    expect(existsSync(join(copy, "dist", "random", "extra.js"))).toBe(false);

    const after = distJs(copy);
    const changed = [...after.keys()].filter((f) => after.get(f) !== before.get(f));
    expect(changed).toEqual([join("random", "rng.js")]);
    expect(after.get(join("random", "rng.js"))).toContain("editedLive = 42");

    forget();
    expect(await ensureLibrary(copy)).toMatchObject({ rebuilt: true, problem: "" });
    const full = distJs(copy);
    expect([...full.keys()].sort()).toEqual([...after.keys()].sort());
    for (const [file, text] of full) expect(after.get(file), file).toBe(text);
  }, 120_000);

  it("an edit that does not parse leaves dist/ as it was and says where", async () => {
    const stamp = hashes.builtHash(copy);
    const before = distJs(copy);
    const norm = join(copy, "src", "nn", "batchnorm.ts");
    const text = readFileSync(norm, "utf8");
    writeFileSync(join(copy, "src", "random", "rng.ts"), `${readFileSync(join(copy, "src", "random", "rng.ts"), "utf8")}\nexport const fine = 1;\n`);
    writeFileSync(norm, `${text}\nexport const broken = (;\n`);
    const result = await ensureLibrary(copy);
    expect(result.rebuilt).toBe(false);
    expect(result.problem).toMatch(/batchnorm\.ts:\d+/);
    expect(hashes.builtHash(copy)).toBe(stamp);
    expect(distJs(copy)).toEqual(before); // not even the file that did parse
    writeFileSync(norm, text);
  }, 120_000);
});
