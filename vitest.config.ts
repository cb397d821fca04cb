import * as path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests import the library as "../src" like the notebooks do; under vitest that means the
    // TypeScript sources (src/package.json points the kernel at the compiled dist/ instead).
    alias: [{ find: /^(\.\.\/)+src$/, replacement: path.resolve(__dirname, "src/index.ts") }],
  },
  test: {
    globalSetup: ["test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Notebook tests start real kernels; two cores, so keep the pool small.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
