/**
 * `pip install` for provisioning .venv, so that an unreachable package index costs seconds, not
 * minutes: pip retries once with a 5 s timeout (its defaults: 5 retries, 15 s, often raised to 180 s
 * by a machine's pip config), shows its progress bar, and when the main index does not answer,
 * the configured mirror (pip's extra-index-url) becomes the index instead.
 */
import { spawnSync } from "node:child_process";

export const PIP_RETRIES = 1;
export const PIP_TIMEOUT_S = 5;
export const DEFAULT_INDEX = "https://pypi.org/simple";

/** The parts of `pip config list` that decide where packages come from. */
export interface PipSources {
  indexUrl: string | null;
  extraIndexUrls: string[];
  findLinks: string[];
}

/** Parses `pip config list` (lines like `global.extra-index-url='a b'`; later lines win). */
export function parsePipConfig(text: string): PipSources {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^[^.\s]*\.([a-z-]+)='(.*)'$/.exec(line.trim());
    if (m) values.set(m[1], m[2]);
  }
  const list = (key: string): string[] => (values.get(key) ?? "").split(/\s+/).filter(Boolean);
  return { indexUrl: values.get("index-url") ?? null, extraIndexUrls: list("extra-index-url"), findLinks: list("find-links") };
}

/** The arguments after `python -m pip`, and a sentence saying where it downloads from. */
export function pipInstallArgs(packages: readonly string[], sources: PipSources, indexReachable: boolean): { args: string[]; from: string } {
  const common = ["install", "--retries", String(PIP_RETRIES), "--timeout", String(PIP_TIMEOUT_S), "--progress-bar", "on"];
  const index = sources.indexUrl ?? DEFAULT_INDEX;
  const mirrors = [...sources.extraIndexUrls, ...sources.findLinks];
  if (!indexReachable && sources.extraIndexUrls.length > 0) {
    const [first, ...rest] = sources.extraIndexUrls;
    return {
      args: [...common, "--index-url", first, ...rest.flatMap((url) => ["--extra-index-url", url]), ...packages],
      from: `${index} does not answer, so from the configured mirror ${[first, ...rest, ...sources.findLinks].join(", ")}`,
    };
  }
  const also = mirrors.length > 0 ? ` (and ${mirrors.join(", ")})` : "";
  return { args: [...common, ...packages], from: indexReachable ? `${index}${also}` : `${index}, which does not answer${also}` };
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
