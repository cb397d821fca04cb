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

export function endpoint(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}

/**
 * A new connection and its file: `info`, how this process reaches the kernel; `kernelPath`, the
 * file as the kernel sees it; `remove()` deletes the file (and the folder made for it). Over TCP:
 * five free ports on 127.0.0.1, the file in a fresh private temp folder. With `ipc`, for a kernel
 * in a network namespace of its own (the grader's sandbox): Unix-domain sockets (ZeroMQ `ipc://`)
 * `<dir>/k:1` … `<dir>/k:5`, whose names no one else can take; the file is written into
 * `ipc.hostDir`, which the kernel sees as `ipc.kernelDir`.
 */
export async function openConnection(kernelName: string, ipc?: { hostDir: string; kernelDir: string }): Promise<{ info: ConnectionInfo; kernelPath: string; remove(): void }> {
  const signing = { key: randomBytes(32).toString("hex"), signature_scheme: "hmac-sha256", kernel_name: kernelName } as const;
  if (ipc) {
    const forKernel: ConnectionInfo = { transport: "ipc", ip: join(ipc.kernelDir, "k"), shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5, ...signing };
    const path = join(ipc.hostDir, "connection.json");
    writeFileSync(path, JSON.stringify(forKernel, null, 2), { mode: 0o644 });
    return { info: { ...forKernel, ip: join(ipc.hostDir, "k") }, kernelPath: join(ipc.kernelDir, "connection.json"), remove: () => rmSync(path, { force: true }) };
  }
  const ports: number[] = [];
  while (ports.length < 5) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = ports;
  const info: ConnectionInfo = { transport: "tcp", ip: "127.0.0.1", shell_port, iopub_port, stdin_port, control_port, hb_port, ...signing };
  const dir = mkdtempSync(join(tmpdir(), "bnlab-kernel-"));
  const path = join(dir, "connection.json");
  writeFileSync(path, JSON.stringify(info, null, 2), { mode: 0o600 });
  return { info, kernelPath: path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
