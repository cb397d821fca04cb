/**
 * Stage 2 of grading: a kernel of the submission's own, started by one strategy per isolation mode.
 *
 * - "os" (default): tslab inside the bubblewrap sandbox (os-sandbox.ts) as a uid of its own, with
 *   process, file and open-file limits; its sockets in a host folder of this submission only.
 * - "none" (`--unsafe-no-sandbox`, trusted submissions only): tslab as the grader's user in a
 *   fresh folder (sandbox.ts) whose guard cell refuses writes outside it.
 *
 * Either way the grader gets the same handle: the session, a scrub for paths it must not show,
 * what the code tried to write outside its folder, and a close that removes everything.
 */
import { jupyterEnv } from "../jupyter/kernelspec";
import { KernelSession, type KernelSessionOptions } from "../jupyter/session";
import { streamText } from "../notebook/nbformat";
import { folderMb, INSIDE, makeIpcDir, sandboxedKernelArgv, sandboxUid } from "./os-sandbox";
import { createSandbox, GRADER_MARKER, guardCell, reportCell } from "./sandbox";

export type IsolationMode = "os" | "none";

export interface IsolationRequest {
  mode: IsolationMode;
  projectRoot: string;
  /** Where the submission's folders are made (removed by close). */
  sandboxParent: string;
  /** Names the folder (unsafe mode). */
  name: string;
  /** The submission's index in its batch (picks the sandbox's uid). */
  index: number;
  memoryLimitMb: number;
  cellOutputBytes: number;
  /** The compiled library the kernel gets (default: the project's dist/; see stripped-library.ts). */
  dist?: string;
}

export interface IsolatedKernel {
  session: KernelSession;
  /** Hides the submission folder's host path in what the learner sees. */
  scrub(text: string): string;
  /** Extra memory the watchdog counts (the socket folder, which is the kernel's to fill). */
  extraMb?: () => number;
  /** Writes outside its folder that the in-kernel guard refused (none in the OS sandbox, which has no such paths). */
  refusedWrites(): Promise<string[]>;
  close(): Promise<void>;
}

export function startIsolatedKernel(request: IsolationRequest): Promise<IsolatedKernel> {
  return request.mode === "os" ? bubblewrapKernel(request) : unsafeKernel(request);
}

async function bubblewrapKernel(request: IsolationRequest): Promise<IsolatedKernel> {
  const uid = sandboxUid(request.index);
  const ipc = makeIpcDir(request.sandboxParent, uid);
  try {
    const argv = sandboxedKernelArgv({ projectRoot: request.projectRoot, hostIpcDir: ipc.dir, memoryLimitMb: request.memoryLimitMb, uid, ...(request.dist ? { dist: request.dist } : {}) });
    const session = await startKernel({
      cwd: ipc.dir,
      env: { PATH: "/usr/bin:/bin" },
      argv,
      ipc: { hostDir: ipc.dir, kernelDir: INSIDE.ipc },
      maxMessageBytes: request.cellOutputBytes * 4 + 65_536,
      maxOutputBytes: request.cellOutputBytes,
    });
    return {
      session,
      scrub: (text) => text,
      extraMb: () => folderMb(ipc.dir),
      refusedWrites: async () => [],
      close: async () => {
        await session.shutdown();
        ipc.remove();
      },
    };
  } catch (err) {
    ipc.remove();
    throw err;
  }
}

async function unsafeKernel(request: IsolationRequest): Promise<IsolatedKernel> {
  const sandbox = createSandbox(request.sandboxParent, request.name, request.projectRoot, request.dist);
  let session: KernelSession | undefined;
  try {
    session = await startKernel({
      cwd: sandbox.cwd,
      env: jupyterEnv(sandbox.env),
      memoryLimitMb: request.memoryLimitMb,
      maxOutputBytes: request.cellOutputBytes,
    });
    const guard = await session.execute(guardCell(sandbox.root), { timeoutMs: 30_000 });
    if (guard.status !== "ok") throw new Error(`the sandbox guard did not run: ${guard.error?.ename}: ${guard.error?.evalue}`);
  } catch (err) {
    await session?.shutdown();
    sandbox.remove();
    throw err;
  }
  const kernel = session;
  return {
    session: kernel,
    scrub: (text) => text.split(sandbox.root).join("<submission folder>"),
    refusedWrites: async () => {
      if (!kernel.alive) return [];
      const report = await kernel.execute(reportCell(), { timeoutMs: 10_000 });
      const line = streamText(report.outputs, "stdout")
        .split("\n")
        .filter((l) => l.startsWith(GRADER_MARKER + " "))
        .pop();
      return line ? ((JSON.parse(line.slice(GRADER_MARKER.length + 1)) as { writes: string[] | null }).writes ?? []) : [];
    },
    close: async () => {
      await kernel.shutdown();
      sandbox.remove();
    },
  };
}

/** A kernel that does not come up is tried once more before the grader gives up. */
function startKernel(options: KernelSessionOptions): Promise<KernelSession> {
  return KernelSession.start(options).catch(() => KernelSession.start(options));
}
