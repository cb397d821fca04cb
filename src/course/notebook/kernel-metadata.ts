/**
 * The kernel identity every bnlab notebook declares: the kernelspec's name, display name and
 * language, defined once in scripts/launcher/kernelspec.cjs (which installs that kernelspec).
 */
import type { KernelSpecMetadata, LanguageInfoMetadata } from "./nbformat";

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { KERNEL_NAME, KERNEL_DISPLAY_NAME, KERNEL_LANGUAGE } = require("../../../scripts/launcher/kernelspec.cjs") as { KERNEL_NAME: string; KERNEL_DISPLAY_NAME: string; KERNEL_LANGUAGE: string };

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
