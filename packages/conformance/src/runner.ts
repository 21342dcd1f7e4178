import { InvalidArgumentError } from "@stowage/core";

/**
 * The two functions of a test runner that the suite registers its cases with. jest's and
 * vitest's `describe` and `test` both fit: `{ describe, test }` imported from `vitest` or
 * `@jest/globals`, or left out to use the runner's globals.
 */
export interface ConformanceRunner {
  describe: (name: string, body: () => void) => void;
  test: {
    (name: string, body: () => Promise<void>, timeout?: number): void;
    skip: (name: string, body: () => Promise<void>) => void;
  };
}

/**
 * The runner given, else the global `describe` and `test` (jest, or vitest with `globals: true`).
 *
 * @throws InvalidArgumentError when neither is there.
 */
export function resolveRunner(runner: ConformanceRunner | undefined): ConformanceRunner {
  const candidate = runner ?? (globalThis as { describe?: unknown; test?: unknown } as Partial<ConformanceRunner>);
  if (typeof candidate?.describe === "function" && typeof candidate.test === "function" && typeof candidate.test.skip === "function") {
    return candidate as ConformanceRunner;
  }
  throw new InvalidArgumentError({
    argument: "conformance option runner",
    value: runner,
    expected:
      runner === undefined
        ? "a test runner: no global describe and test were found, so pass them, for example `runner: { describe, test }` imported from \"vitest\" (or set globals: true in the vitest config)"
        : "an object with the runner's describe and test functions, for example { describe, test } imported from \"vitest\"",
  });
}
