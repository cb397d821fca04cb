/**
 * The `jupyterhub_config.py` that `npm run hub` writes for the course (pure: a plan in, text out).
 *
 * Every learner's server runs as one command, as that learner, in their home:
 *   /bin/sh -c '<node> <tsx> tools/course-sync.ts …; exec jupyterhub-singleuser …'
 * so their copy of the course is created or updated (course-sync.ts) before Jupyter starts, and
 * `exec` leaves the hub's signals going straight to Jupyter.
 */
import { LEARNER_COURSE_DIR } from "./learner-course";

export type SingleUserKind = "lab" | "notebook";

/** What a hub needs to serve the course, whichever hub it is (ours, TLJH, Zero to JupyterHub). */
interface CoursePlan {
  /** The published course notebooks. */
  courseDir: string;
  /** The shared read-only library (src/package.json, dist/, node_modules/). */
  libraryDir: string;
  /** A Jupyter data dir holding kernels/bnlab-tslab (put on every server's JUPYTER_PATH). */
  jupyterDataDir: string;
  /** The command that syncs the course: [node, tsx, tools/course-sync.ts]. */
  syncCommand: string[];
  singleUser: { command: string; kind: SingleUserKind };
  /** Marks every process the hub starts (see marked-processes.ts); none for another hub. */
  hubId?: string;
}

/** Our local hub: the course plus where and how it runs. */
export interface HubPlan extends CoursePlan {
  /** The port learners open (the proxy's), on 127.0.0.1. */
  port: number;
  /** The hub's own port and the proxy's API port (internal, 127.0.0.1). */
  hubPort: number;
  proxyApiPort: number;
  /** Where the hub keeps its database, cookie secret and pid file. */
  stateDir: string;
  /** Learners' homes are `<homesDir>/<username>`. */
  homesDir: string;
  /** The configurable-http-proxy command (with NODE_PATH for Debian's package). */
  proxyCommand: string[];
  hubId: string;
  /** The hub runs as root: the servers need --allow-root (SimpleLocalProcessSpawner does not switch users). */
  asRoot: boolean;
}

/** Quotes a word for /bin/sh. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A Python literal for a string or a list of strings (JSON's string escapes are Python's too). */
function py(value: string | readonly string[]): string {
  return typeof value === "string" ? JSON.stringify(value) : `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
}

export function renderHubConfig(plan: HubPlan): string {
  const lines = [
    "# jupyterhub_config.py for the bnlab course, written by `npm run hub` (src/course/hub/hub-config.ts).",
    "# It is rewritten at every start: change the options of `npm run hub`, or copy this file and run",
    "# `jupyterhub -f YOUR_COPY.py` yourself. See docs/jupyterhub.md.",
    "c = get_config()  # noqa: F821",
    "",
    "# Where learners connect (the proxy), and the hub's own internal ports: loopback only.",
    `c.JupyterHub.ip = "127.0.0.1"`,
    `c.JupyterHub.port = ${plan.port}`,
    `c.JupyterHub.hub_ip = "127.0.0.1"`,
    `c.JupyterHub.hub_port = ${plan.hubPort}`,
    `c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:${plan.proxyApiPort}"`,
    `c.ConfigurableHTTPProxy.command = ${py(plan.proxyCommand)}`,
    `c.ConfigurableHTTPProxy.pid_file = ${py(`${plan.stateDir}/jupyterhub-proxy.pid`)}`,
    `c.JupyterHub.db_url = ${py(`sqlite:///${plan.stateDir}/jupyterhub.sqlite`)}`,
    `c.JupyterHub.cookie_secret_file = ${py(`${plan.stateDir}/jupyterhub_cookie_secret`)}`,
    `c.JupyterHub.pid_file = ${py(`${plan.stateDir}/jupyterhub.pid`)}`,
    "# Stopping the hub stops every learner's server and the proxy.",
    "c.JupyterHub.cleanup_servers = True",
    "c.JupyterHub.cleanup_proxy = True",
    "",
    "# Who can log in. DummyAuthenticator lets ANY user name in (with no password): for trying the",
    "# course on one machine only. For a class:",
    "#   system accounts:  c.JupyterHub.authenticator_class = \"pam\"   (run the hub as root, and use",
    "#                     the \"localprocess\" spawner below so each learner runs as their own user)",
    "#   OAuth (GitHub, Google, your LMS...): pip install oauthenticator, then e.g.",
    "#                     c.JupyterHub.authenticator_class = \"github\"",
    "#                     c.GitHubOAuthenticator.oauth_callback_url = \"https://HOST/hub/oauth_callback\"",
    "#                     c.GitHubOAuthenticator.client_id = \"...\"; c.GitHubOAuthenticator.client_secret = \"...\"",
    "#   and list who may enter: c.Authenticator.allowed_users = {\"alice\", \"bruno\"}; c.Authenticator.admin_users = {\"you\"}",
    `c.JupyterHub.authenticator_class = "dummy"`,
    "",
    "# Each learner's server: a process in their own home. SimpleLocalProcessSpawner gives each",
    "# learner a home folder but runs every server as the user running the hub: learners are NOT",
    "# isolated from each other (one learner's code can read another's files). To isolate them, make",
    "# a system user per learner and use c.JupyterHub.spawner_class = \"localprocess\" (homes are then",
    "# the users' own, mode 0700 via adduser) with PAM, or run TLJH / Zero to JupyterHub (docs/jupyterhub.md).",
    `c.JupyterHub.spawner_class = "simple"`,
    `c.SimpleLocalProcessSpawner.home_dir_template = ${py(`${plan.homesDir}/{username}`)}`,
    `c.Spawner.args = ${py(plan.asRoot ? ["--allow-root"] : [])}`,
    "",
  ];
  return [...lines, renderCourseConfig(plan)].join("\n");
}

/**
 * The course's part of a hub config: each learner's server syncs their copy, opens it, and finds
 * the bnlab kernel. `npm run hub` includes it; for TLJH or another hub, `npm run hub -- --setup-only`
 * writes it alone (bnlab_course_config.py).
 */
export function renderCourseConfig(plan: CoursePlan, options: { standalone?: boolean } = {}): string {
  const sync = [...plan.syncCommand, "--course", plan.courseDir, "--library", plan.libraryDir].map(shellQuote).join(" ");
  // A failed sync leaves the learner's copy as it was (nothing is half-written) and is in the log;
  // the learner still gets their server and their files.
  const script =
    `${sync} || echo "bnlab: the course could not be brought up to date for $JUPYTERHUB_USER (see the line above); starting their server with the copy they have" >&2; ` +
    `exec ${shellQuote(plan.singleUser.command)} "$@"`;
  const lines = [
    ...(options.standalone
      ? ["# The bnlab course's part of a JupyterHub config, written by `npm run hub -- --setup-only` (src/course/hub/hub-config.ts).", "c = get_config()  # noqa: F821", ""]
      : []),
    "# bnlab: sync the learner's copy of the course (~/" + LEARNER_COURSE_DIR + "), then start Jupyter in their home.",
    `c.Spawner.cmd = ${py(["/bin/sh", "-c", script, "bnlab-singleuser"])}`,
    `c.Spawner.default_url = ${py(`${plan.singleUser.kind === "lab" ? "/lab/tree" : "/tree"}/${LEARNER_COURSE_DIR}/notebooks`)}`,
    "c.Spawner.environment.update({",
    "    # the bnlab kernel (kernels/bnlab-tslab: the course's launcher on the read-only library), for every learner",
    `    "JUPYTER_PATH": ${py(plan.jupyterDataDir)},`,
    ...(plan.hubId ? [`    "BNLAB_HUB_ID": ${py(plan.hubId)},`] : []),
    "})",
    "# The first start of a server on a busy machine can take a while.",
    "c.Spawner.start_timeout = 180",
    "c.Spawner.http_timeout = 180",
    "",
  ];
  return lines.join("\n");
}
