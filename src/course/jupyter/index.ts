/** Public API of the kernel runner: kernelspec, sessions, notebook execution. */
export { KERNEL_DISPLAY_NAME, KERNEL_LANGUAGE, KERNEL_NAME, ensureKernelspec, expectedKernelspec, jupyterDataDir, jupyterEnv, kernelspecDir, type KernelSpec } from "./kernelspec";
export { KernelSession, type ExecuteOptions, type ExecuteResult, type ExecuteStatus, type KernelSessionOptions } from "./session";
export { executeNotebook, type RunOptions, type RunResult } from "./execute-notebook";
export { formatCellError, type CellError, type CellErrorKind } from "./cell-error";
export { projectRoot } from "./project-root";
