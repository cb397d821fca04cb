/**
 * The server `npm start` runs for this project, recorded in `<root>/.jupyter/bnlab-server.json`
 * while it runs, so a second `npm start` finds it (and reuses or replaces it) instead of silently
 * starting another one on the next port.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { FrontendKind } from "./frontend-plan";
import { answers } from "./process-group";

interface ServerRecord {
  /** The Jupyter server's pid (the leader of its process group). */
  pid: number;
  /** The pid of the `npm start` that runs it. */
  owner: number;
  kind: FrontendKind;
  /** The URL to open, with the token. */
  url: string;
  /** Base URL, e.g. http://127.0.0.1:8888/ */
  baseUrl: string;
  token: string;
}

function serverRecordFile(root: string): string {
  return join(root, ".jupyter", "bnlab-server.json");
}

export function writeServerRecord(root: string, record: ServerRecord): void {
  const file = serverRecordFile(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(record, null, 2) + "\n", { mode: 0o600 }); // it holds the token
}

/** Removes the record if it is this server's (a newer `npm start` may have replaced it). */
export function removeServerRecord(root: string, pid: number): void {
  const record = readServerRecord(root);
  if (record && record.pid === pid) rmSync(serverRecordFile(root), { force: true });
}

function readServerRecord(root: string): ServerRecord | null {
  const file = serverRecordFile(root);
  if (!existsSync(file)) return null;
  try {
    const record = JSON.parse(readFileSync(file, "utf8")) as Partial<ServerRecord>;
    if (typeof record.pid !== "number" || typeof record.url !== "string" || typeof record.baseUrl !== "string" || typeof record.token !== "string") return null;
    return record as ServerRecord;
  } catch {
    return null;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The recorded server if it is alive and answers with its token; a stale record is removed. */
export async function runningServer(root: string): Promise<ServerRecord | null> {
  const record = readServerRecord(root);
  if (!record) return null;
  // not answering: treated as gone
  if (processAlive(record.pid) && (await answers(`${record.baseUrl}api/status?token=${record.token}`, 3000))) return record;
  rmSync(serverRecordFile(root), { force: true });
  return null;
}
