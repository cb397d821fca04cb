/**
 * The kernel identity every bnlab notebook declares. The kernelspec installed by the runner
 * (src/course/jupyter/**) must use the same name, so both sides import these constants.
 */
import type { KernelSpecMetadata, LanguageInfoMetadata } from "./nbformat";

export const KERNEL_NAME = "bnlab-tslab";
export const KERNEL_DISPLAY_NAME = "TypeScript (bnlab)";
export const KERNEL_LANGUAGE = "typescript";

export const KERNELSPEC_METADATA: KernelSpecMetadata = {
  name: KERNEL_NAME,
  display_name: KERNEL_DISPLAY_NAME,
  language: KERNEL_LANGUAGE,
};

/** language_info as bnlab writes it; `version` is the TypeScript version tslab compiles with. */
export const LANGUAGE_INFO_METADATA: LanguageInfoMetadata = {
  name: "typescript",
  file_extension: ".ts",
  mimetype: "text/typescript",
  version: "5.9",
};
