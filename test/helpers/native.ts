import * as fs from "fs";

/**
 * Must the native AVX2 backend load on this machine? On x86-64 Linux whose CPU
 * has AVX2 (CI's machines, and this project's), yes: the tests fail if it
 * does not. Elsewhere (an arm64 laptop, say) it cannot exist, and the tests
 * check the fallback to the WebAssembly backend instead.
 */
export function nativeExpectedHere(): boolean {
  if (process.platform !== "linux" || process.arch !== "x64") return false;
  try {
    return /^flags\s*:.*\bavx2\b/m.test(fs.readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return false;
  }
}
