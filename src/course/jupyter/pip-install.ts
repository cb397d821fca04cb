/**
 * `pip install` for provisioning .venv, so that an unreachable package index costs seconds, not
 * minutes: pip retries once with a 5 s timeout (its defaults: 5 retries, 15 s, often raised to 180 s
 * by a machine's pip config), its progress is shown in one line (PipProgress), and when the main
 * index does not answer, the configured mirror (pip's extra-index-url) becomes the index instead.
 */
import { spawnSync } from "node:child_process";

const PIP_RETRIES = 1;
export const PIP_TIMEOUT_S = 5;
export const DEFAULT_INDEX = "https://pypi.org/simple";

/** The parts of `pip config list` that decide where packages come from. */
interface PipSources {
  indexUrl: string | null;
  extraIndexUrls: string[];
  findLinks: string[];
}

/** Parses `pip config list` (lines like `global.extra-index-url='a b'`; later lines win). */
function parsePipConfig(text: string): PipSources {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^[^.\s]*\.([a-z-]+)='(.*)'$/.exec(line.trim());
    if (m) values.set(m[1], m[2]);
  }
  const list = (key: string): string[] => (values.get(key) ?? "").split(/\s+/).filter(Boolean);
  return { indexUrl: values.get("index-url") ?? null, extraIndexUrls: list("extra-index-url"), findLinks: list("find-links") };
}

/**
 * The arguments after `python -m pip`, the environment that points pip at a mirror (replacing the
 * config's index settings, so no index is searched twice), and a sentence saying where it installs from.
 */
export function pipInstallArgs(packages: readonly string[], sources: PipSources, indexReachable: boolean): { args: string[]; env: Record<string, string>; from: string } {
  const args = ["install", "--retries", String(PIP_RETRIES), "--timeout", String(PIP_TIMEOUT_S), "--progress-bar", "off", ...packages];
  const index = sources.indexUrl ?? DEFAULT_INDEX;
  const mirrors = [...sources.extraIndexUrls, ...sources.findLinks];
  if (!indexReachable && sources.extraIndexUrls.length > 0) {
    const [first, ...rest] = sources.extraIndexUrls;
    return {
      args,
      env: { PIP_INDEX_URL: first, PIP_EXTRA_INDEX_URL: rest.join(" ") },
      from: `${index} does not answer: installing from the configured mirror instead (${[first, ...rest, ...sources.findLinks].join(", ")})`,
    };
  }
  const also = mirrors.length > 0 ? ` and ${mirrors.join(", ")}` : "";
  return { args, env: {}, from: indexReachable ? `installing from ${index}${also}` : `${index} does not answer and no mirror is configured: trying it anyway${also ? ` (with${also.slice(4)})` : ""}` };
}

/** Does the index answer within the timeout? (pip's own check would retry for minutes.) */
export async function indexReachable(url: string, timeoutMs = PIP_TIMEOUT_S * 1000): Promise<boolean> {
  if (url.startsWith("file:")) return true;
  try {
    const res = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return res.status < 500;
  } catch {
    return false;
  }
}

/** `pip config list` of this Python (empty when pip cannot say). */
export function pipSources(python: string): PipSources {
  const run = spawnSync(python, ["-m", "pip", "config", "list"], { encoding: "utf8", timeout: 30_000 });
  return parsePipConfig(run.status === 0 ? run.stdout : "");
}

/**
 * What a learner sees of pip's output: its progress as one line (rewritten in place on a terminal;
 * in a log, one line per phase), each distinct warning once, none of the "Location … is ignored"
 * lines a mirror without some package makes pip print for every package, and on failure the end
 * of pip's own output.
 */
export class PipProgress {
  private fetched = 0;
  private phase: "fetching" | "installing" | "done" = "fetching";
  private readonly warnings = new Set<string>();
  private readonly tail: string[] = [];
  private partial = "";

  constructor(
    private readonly show: (text: string) => void,
    private readonly terminal: boolean,
  ) {}

  /** Takes a chunk of pip's stdout or stderr. */
  write(chunk: string): void {
    const lines = (this.partial + chunk).split(/\r?\n|\r/);
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  /** The last lines pip printed (for a failure). */
  lastLines(n = 30): string {
    return [...this.tail, this.partial].filter(Boolean).slice(-n).join("\n");
  }

  /** Ends the progress line; returns the one-line summary. */
  finish(ok: boolean): void {
    if (this.partial) this.line(this.partial);
    this.partial = "";
    if (this.terminal) this.show("\n");
    if (!ok) this.show(`bnlab: pip failed; the end of its output:\n${this.lastLines()}\n`);
  }

  private line(raw: string): void {
    const line = raw.trimEnd();
    if (!line) return;
    this.tail.push(line);
    if (this.tail.length > 60) this.tail.shift();
    if (/^WARNING: Location '.*' is ignored/.test(line)) return;
    if (/^(WARNING|ERROR):/.test(line)) {
      if (this.warnings.has(line)) return;
      this.warnings.add(line);
      this.show(`${this.terminal ? "\r\x1b[K" : ""}${line}\n`);
      return;
    }
    const fetched = /^(Collecting|Processing|Downloading|Using cached)\s+(\S+)/.exec(line);
    if (fetched && fetched[1] !== "Downloading") {
      this.fetched++;
      this.status(`bnlab: pip: ${this.fetched} packages found (${fetched[2].split("/").pop()})`, false);
    } else if (/^Installing collected packages:/.test(line) && this.phase === "fetching") {
      this.phase = "installing";
      this.status(`bnlab: pip: installing ${line.split(":")[1].split(",").length} packages…`, true);
    } else if (/^Successfully installed/.test(line)) {
      this.phase = "done";
      this.status(`bnlab: pip: installed ${line.split(/\s+/).length - 2} packages.`, true);
    }
  }

  /** On a terminal the line is rewritten; in a log only lines that start a phase are written. */
  private status(text: string, phaseChange: boolean): void {
    if (this.terminal) this.show(`\r\x1b[K${text}`);
    else if (phaseChange) this.show(`${text}\n`);
  }
}
