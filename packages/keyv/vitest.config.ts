import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const packages = fileURLToPath(new URL("..", import.meta.url));

// Workspace packages resolve to their sources (as in the jest packages), so the tests never run
// against a stale build. Redis and Valkey servers start per test file; hooks get time for that.
export default defineConfig({
  resolve: {
    alias: [{ find: /^@stowage\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` }],
  },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    hookTimeout: 60_000,
    testTimeout: 30_000,
    maxWorkers: 2,
  },
});
