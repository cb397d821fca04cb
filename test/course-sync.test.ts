/**
 * The learner's copy of the course follows nbgitpuller's merge rules (src/course/hub/course-sync.ts):
 * each rule on temp folders, plus the library link of a learner's course folder.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syncCourse } from "../src/course/hub/course-sync";

/** Where the sync records what it delivered, in the learner's folder. */
const SYNC_STATE_FILE = ".bnlab-sync.json";
import { prepareLearnerCourse } from "../src/course/hub/learner-course";

let tmp: string;
let course: string;
let mine: string;
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

function notebook(sources: string[], outputs: string[] = []): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: sources.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, execution_count: outputs[i] ? i + 1 : null, outputs: outputs[i] ? [{ output_type: "stream", name: "stdout", text: outputs[i] }] : [] })),
  });
}
const write = (dir: string, file: string, text: string): void => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};
const read = (dir: string, file: string): string => fs.readFileSync(path.join(dir, file), "utf8");
const sync = () => syncCourse({ from: course, to: mine, now: NOW });
const actions = (entries: ReturnType<typeof syncCourse>): Record<string, string> => Object.fromEntries(entries.map((e) => [e.file, e.action]));

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-sync-"));
  course = path.join(tmp, "course");
  mine = path.join(tmp, "home", "bnlab", "notebooks");
  write(course, "01.ipynb", notebook(["one"]));
  write(course, "02.ipynb", notebook(["two"]));
  write(course, "data/notes.txt", "notes v1");
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("syncCourse (nbgitpuller's rules)", () => {
  it("copies the whole course on first login and records what it delivered", () => {
    expect(actions(sync())).toEqual({ "01.ipynb": "added", "02.ipynb": "added", "data/notes.txt": "added" });
    expect(read(mine, "01.ipynb")).toBe(read(course, "01.ipynb"));
    expect(read(mine, "data/notes.txt")).toBe("notes v1");
    const state = JSON.parse(read(mine, SYNC_STATE_FILE)) as { delivered: Record<string, string> };
    expect(Object.keys(state.delivered)).toEqual(["01.ipynb", "02.ipynb", "data/notes.txt"]);
    expect(actions(sync())).toEqual({ "01.ipynb": "unchanged", "02.ipynb": "unchanged", "data/notes.txt": "unchanged" });
  });

  it("updates an untouched file, keeps an edited one: the learner's edits win", () => {
    sync();
    write(mine, "01.ipynb", notebook(["one, edited by the learner"]));
    write(course, "01.ipynb", notebook(["one v2"]));
    write(course, "02.ipynb", notebook(["two v2"]));
    write(course, "data/notes.txt", "notes v2");
    expect(actions(sync())).toEqual({ "01.ipynb": "kept-edited", "02.ipynb": "updated", "data/notes.txt": "updated" });
    expect(read(mine, "01.ipynb")).toContain("one, edited by the learner");
    expect(read(mine, "02.ipynb")).toContain("two v2");
    expect(read(mine, "data/notes.txt")).toBe("notes v2");
    // Still the learner's on the next publication too.
    write(course, "01.ipynb", notebook(["one v3"]));
    expect(actions(sync())["01.ipynb"]).toBe("kept-edited");
    expect(read(mine, "01.ipynb")).toContain("one, edited by the learner");
  });

  it("counts a notebook that was only run (outputs, counts, metadata) as untouched", () => {
    sync();
    const ran = JSON.parse(notebook(["two"], ["4\n"])) as { metadata: Record<string, unknown> };
    ran.metadata = { kernelspec: { name: "bnlab-tslab" } };
    write(mine, "02.ipynb", JSON.stringify(ran, null, 1));
    write(course, "02.ipynb", notebook(["two v2"]));
    expect(actions(sync())["02.ipynb"]).toBe("updated");
    expect(read(mine, "02.ipynb")).toContain("two v2");
  });

  it("brings a deleted file back", () => {
    sync();
    fs.rmSync(path.join(mine, "02.ipynb"));
    fs.rmSync(path.join(mine, "data"), { recursive: true });
    expect(actions(sync())).toMatchObject({ "02.ipynb": "restored", "data/notes.txt": "restored" });
    expect(read(mine, "02.ipynb")).toBe(read(course, "02.ipynb"));
  });

  it("renames the learner's own file that collides with a new course file", () => {
    sync();
    write(mine, "03.ipynb", notebook(["my own work"]));
    write(course, "03.ipynb", notebook(["three"]));
    const entries = sync();
    expect(entries.find((e) => e.file === "03.ipynb")).toEqual({ file: "03.ipynb", action: "renamed-local", renamedTo: "03__20260102030405.ipynb" });
    expect(read(mine, "03.ipynb")).toContain("three");
    expect(read(mine, "03__20260102030405.ipynb")).toContain("my own work");
    // A second collision in the same second does not overwrite the first renamed file.
    fs.rmSync(path.join(course, "03.ipynb"));
    sync();
    write(mine, "03.ipynb", notebook(["more of my own work"]));
    write(course, "03.ipynb", notebook(["three again"]));
    expect(sync().find((e) => e.file === "03.ipynb")?.renamedTo).toBe("03__20260102030405-2.ipynb");
    expect(read(mine, "03__20260102030405.ipynb")).toContain("my own work");
  });

  it("adopts a learner's file that already equals a new course file, without renaming", () => {
    sync();
    write(mine, "04.ipynb", notebook(["four"]));
    write(course, "04.ipynb", notebook(["four"]));
    expect(actions(sync())["04.ipynb"]).toBe("unchanged");
    expect(fs.readdirSync(mine).filter((f) => f.startsWith("04"))).toEqual(["04.ipynb"]);
  });

  it("removes an untouched file dropped from the course, keeps an edited one as the learner's", () => {
    sync();
    write(mine, "01.ipynb", notebook(["edited"]));
    fs.rmSync(path.join(course, "01.ipynb"));
    fs.rmSync(path.join(course, "02.ipynb"));
    expect(actions(sync())).toMatchObject({ "01.ipynb": "kept-removed-from-course", "02.ipynb": "removed" });
    expect(fs.existsSync(path.join(mine, "02.ipynb"))).toBe(false);
    expect(read(mine, "01.ipynb")).toContain("edited");
    // It is the learner's now: a course file of that name later is a collision.
    write(course, "01.ipynb", notebook(["one again"]));
    expect(sync().find((e) => e.file === "01.ipynb")?.action).toBe("renamed-local");
  });

  it("never touches the learner's other files, checkpoints or dotfiles", () => {
    sync();
    write(mine, "scratch.ipynb", notebook(["mine"]));
    write(mine, ".ipynb_checkpoints/01-checkpoint.ipynb", notebook(["old"]));
    write(course, ".ipynb_checkpoints/02-checkpoint.ipynb", notebook(["instructor's checkpoint"]));
    sync();
    expect(read(mine, "scratch.ipynb")).toContain("mine");
    expect(fs.readdirSync(path.join(mine, ".ipynb_checkpoints"))).toEqual(["01-checkpoint.ipynb"]);
  });

  it("says what to do when the course folder or the sync record is wrong, before changing anything", () => {
    expect(() => syncCourse({ from: path.join(tmp, "nowhere"), to: mine })).toThrow(/course folder .*nowhere does not exist; publish/);
    sync();
    write(mine, "02.ipynb", notebook(["edited"]));
    write(mine, SYNC_STATE_FILE, "{ not json");
    write(course, "02.ipynb", notebook(["two v2"]));
    expect(() => sync()).toThrow(/\.bnlab-sync\.json is not valid JSON .*delete it/);
    expect(read(mine, "02.ipynb")).toContain("edited");
  });
});

describe("prepareLearnerCourse", () => {
  it("syncs ~/bnlab/notebooks and links ~/bnlab/src and dist to the shared library, moving a learner's src aside", () => {
    const library = path.join(tmp, "library");
    write(library, "src/package.json", "{}");
    write(library, "dist/index.js", "");
    const home = path.join(tmp, "alice");
    const first = prepareLearnerCourse({ home, course, library, now: NOW });
    expect(first.notebooksDir).toBe(path.join(home, "bnlab", "notebooks"));
    expect(fs.readlinkSync(path.join(home, "bnlab", "src"))).toBe(path.join(library, "src"));
    expect(fs.readlinkSync(path.join(home, "bnlab", "dist"))).toBe(path.join(library, "dist"));
    expect(fs.existsSync(path.join(home, "bnlab", "notebooks", "01.ipynb"))).toBe(true);
    // The learner replaced the link by a folder of their own: it is kept aside and the link restored.
    fs.rmSync(path.join(home, "bnlab", "src"));
    write(home, "bnlab/src/mine.ts", "export {}");
    const again = prepareLearnerCourse({ home, course, library, now: NOW });
    expect(again.movedAside).toBe(path.join(home, "bnlab", "src__20260102030405"));
    expect(fs.readlinkSync(path.join(home, "bnlab", "src"))).toBe(path.join(library, "src"));
    expect(() => prepareLearnerCourse({ home, course, library: path.join(tmp, "none") })).toThrow(/shared library .* has no src\/package\.json or dist/);
  });
});
