/**
 * npm run hub [-- --port 8000] [--state DIR] [--course DIR] [--homes DIR] [--singleuser PATH]
 * npm run hub -- --setup-only --state DIR [--singleuser PATH]
 *
 * Serves the course to a class on this machine with JupyterHub: writes DIR/jupyterhub_config.py
 * (default state folder build/hub/), starts the hub on 127.0.0.1:PORT and prints the URL. Any user
 * name logs in (DummyAuthenticator; the config says how to switch to PAM or OAuth); each learner
 * gets ~/bnlab, their own copy of the course (--course, default notebooks/), brought up to date
 * every time their server starts. Ctrl-C (or SIGTERM/SIGHUP) stops the hub and every server it
 * started. --setup-only prepares the state folder (read-only library, kernelspec, configs) and
 * exits: DIR/bnlab_course_config.py is the course's part of a config, for TLJH or another hub.
 * See docs/jupyterhub.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { setUpHub, startHub } from "../src/course/hub";
import { ensureLibraryBuilt } from "../src/course/library/build-library";

const USAGE = "usage: npm run hub [-- --port 8000] [--state DIR] [--course DIR] [--homes DIR] [--singleuser PATH] [--setup-only]";

async function main(argv: string[]): Promise<number> {
  const root = path.resolve(__dirname, "..");
  let port = 8000;
  let stateDir = path.join(root, "build", "hub");
  let courseDir = path.join(root, "notebooks");
  let homesDir: string | undefined;
  let singleUser: string | undefined;
  let setupOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === "--port") {
      const text = value();
      port = Number(text);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port: not a port number: ${text}\n${USAGE}`);
    } else if (arg === "--state") stateDir = path.resolve(value());
    else if (arg === "--course") courseDir = path.resolve(value());
    else if (arg === "--homes") homesDir = path.resolve(value());
    else if (arg === "--singleuser") singleUser = path.resolve(value());
    else if (arg === "--setup-only") setupOnly = true;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }

  ensureLibraryBuilt(root); // learners' notebooks load the compiled library
  const setup = await setUpHub({ root, port, stateDir, courseDir, setupOnly, ...(homesDir ? { homesDir } : {}), ...(singleUser ? { singleUser } : {}) });
  const { plan } = setup;
  if (setupOnly) {
    console.log(`bnlab hub: prepared ${plan.stateDir}:`);
    console.log(`  library (read-only)  ${plan.libraryDir}`);
    console.log(`  kernelspec           ${path.join(plan.jupyterDataDir, "kernels", "bnlab-tslab")}`);
    console.log(`  course config        ${setup.courseConfigFile}   (for another hub, e.g. TLJH's jupyterhub_config.d/)`);
    console.log(`  local hub config     ${setup.configFile}`);
    console.log(`  single-user server   ${plan.singleUser.command} (${plan.singleUser.kind === "lab" ? "JupyterLab" : "classic Notebook"})`);
    return 0;
  }
  console.log(`bnlab hub: config ${path.relative(process.cwd(), setup.configFile)}; learners' homes in ${plan.homesDir}`);
  console.log(`bnlab hub: course ${plan.courseDir}; library (read-only) ${plan.libraryDir}; single-user server: ${plan.singleUser.kind === "lab" ? "JupyterLab" : "classic Notebook"} (${plan.singleUser.command})`);
  console.log(`bnlab hub: starting JupyterHub...`);
  const hub = await startHub(setup, (chunk) => process.stderr.write(chunk));
  fs.writeFileSync(path.join(plan.stateDir, "hub.json"), JSON.stringify({ pid: hub.pid, url: hub.url, hubId: plan.hubId }, null, 2) + "\n");

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) return; // stopping already; the exit handler kills whatever is left
    console.log(`\nbnlab hub: ${signal}: stopping the hub and every learner's server...`);
    void hub.stop().then((leftovers) => {
      if (leftovers.length > 0) console.log(`bnlab hub: stopped ${leftovers.length} process(es) the hub left behind (pids ${leftovers.join(", ")})`);
      console.log("bnlab hub: stopped.");
      process.exit(0);
    });
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);

  console.log("");
  console.log(`bnlab hub: the course is served at\n\n    ${hub.url}\n`);
  console.log("bnlab hub: log in with any user name (no password: DummyAuthenticator, for trying it only).");
  console.log("bnlab hub: press Ctrl-C to stop the hub and every learner's server.");
  const code = await hub.exited;
  if (signals === 0) {
    // The hub died on its own: still stop whatever it started.
    await hub.stop();
    console.error(`bnlab hub: jupyterhub exited (code ${code}); its log is above.`);
    return 1;
  }
  return new Promise<number>(() => {}); // the signal handler exits
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`hub: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
