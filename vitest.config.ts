import { defineConfig } from "vitest/config";

// Two cores on CI: at most two workers. Every test that touches git or processes makes its own temp repo.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
