/**
 * Connection files: the JSON a kernel reads (`{connection_file}` in the kernelspec argv) to learn
 * which TCP ports to bind and which key signs messages.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ConnectionInfo {
  /** "tcp" (ip is an address), or "ipc" (ip is a socket path prefix: tslab binds `ipc://<ip>:<port>`). */
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name?: string;
}

/** Asks the OS for a free TCP port on `ip` (there is a small race until the kernel binds it). */
export function freePort(ip = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, ip, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("could not get a free port"))));
    });
  });
}

export async function newConnectionInfo(kernelName?: string, ip = "127.0.0.1"): Promise<ConnectionInfo> {
  const ports: number[] = [];
  while (ports.length < 5) {
    const port = await freePort(ip);
    if (!ports.includes(port)) ports.push(port);
  }
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = ports;
  return {
    transport: "tcp",
    ip,
    shell_port,
    iopub_port,
    stdin_port,
    control_port,
    hb_port,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    ...(kernelName ? { kernel_name: kernelName } : {}),
  };
}

export function endpoint(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}

/**
 * A connection over Unix-domain sockets (ZeroMQ `ipc://`), for a kernel in a network namespace of
 * its own (the grader's sandbox): `<dir>/k:1` … `<dir>/k:5`. No port can be taken by anyone else.
 */
export function newIpcConnectionInfo(dir: string, kernelName?: string): ConnectionInfo {
  return {
    transport: "ipc",
    ip: join(dir, "k"),
    shell_port: 1,
    iopub_port: 2,
    stdin_port: 3,
    control_port: 4,
    hb_port: 5,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    ...(kernelName ? { kernel_name: kernelName } : {}),
  };
}

/** Writes the connection file into a fresh private temp dir; `remove()` deletes both. */
export function writeConnectionFile(info: ConnectionInfo): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "bnlab-kernel-"));
  const path = join(dir, "connection.json");
  writeFileSync(path, JSON.stringify(info, null, 2), { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
