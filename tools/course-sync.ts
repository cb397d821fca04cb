/**
 * Run by the hub as each learner's server starts (see src/course/hub/hub-config.ts), as that
 * learner, before jupyterhub-singleuser:
 *
 *   course-sync.ts --course DIR --library DIR [--home DIR]     (home: $HOME)
 *
 * Creates or updates ~/bnlab (src/course/hub/learner-course.ts) and prints one line per file that
 * changed to stderr, which the hub's log shows.
 */
import { prepareLearnerCourse } from "../src/course/hub/learner-course";

function main(argv: string[]): void {
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!["--course", "--library", "--home"].includes(arg) || argv[i + 1] === undefined) throw new Error(`unexpected argument ${arg} (usage: course-sync.ts --course DIR --library DIR [--home DIR])`);
    options[arg.slice(2)] = argv[++i];
  }
  const home = options.home ?? process.env.HOME;
  if (!options.course || !options.library || !home) throw new Error("usage: course-sync.ts --course DIR --library DIR [--home DIR] (or HOME set)");
  const result = prepareLearnerCourse({ home, course: options.course, library: options.library });
  const changed = result.entries.filter((e) => e.action !== "unchanged");
  const who = process.env.JUPYTERHUB_USER ?? process.env.USER ?? home;
  for (const entry of changed) process.stderr.write(`bnlab course sync (${who}): ${entry.action} ${entry.file}${entry.renamedTo ? ` (theirs moved to ${entry.renamedTo})` : ""}\n`);
  if (result.movedAside) process.stderr.write(`bnlab course sync (${who}): moved ${result.movedAside} aside for the library link\n`);
  process.stderr.write(`bnlab course sync (${who}): ${result.notebooksDir} up to date (${changed.length} of ${result.entries.length} files changed)\n`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bnlab course sync: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
