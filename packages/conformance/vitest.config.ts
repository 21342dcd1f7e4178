import { defineConfig } from "vitest/config";

// The suite under vitest, twice: with describe and test passed in (vitest's default, no
// globals), and through vitest's globals. jest runs the rest of test/ (jest.config.cjs).
// eslint-disable-next-line no-restricted-syntax -- vitest reads the default export of its config
export default defineConfig({
  test: {
    projects: [
      { test: { name: "runner passed in", include: ["test/vitest/runner-passed-in.vitest.ts"], globals: false } },
      { test: { name: "globals", include: ["test/vitest/globals.vitest.ts"], globals: true } },
    ],
  },
});
