import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Notebook tests start real kernels; two cores, so keep the pool small.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
