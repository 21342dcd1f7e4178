import { InvalidArgumentError, type NamespacedStore, type Store } from "@stowage/core";
import { conformanceCases, type StoreConformanceOptions } from "./conformance-cases.js";
import { resolveRunner } from "./runner.js";

const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Registers the Stowage conformance suite for one store with the test runner (jest, or vitest):
 * a `describe` block titled `options.name`, one nested `describe` per concern (basic, values,
 * keys, expiry, renew, namespaces, lifecycle, concurrency, increment, setIfAbsent, listing), and
 * one `test` per case. Call it at the top level of a test file.
 *
 * Each test gets a fresh store from `options.create` and hands it to `options.cleanup` (default
 * `close()`) afterwards. Cases that need a capability the store declares it lacks are
 * registered with `test.skip`, so the report shows them. Tests use real time (expiry cases sleep
 * a few hundred milliseconds): do not enable fake timers around the suite.
 *
 * The runner's `describe` and `test` come from `options.runner` or, left out, from the globals
 * that jest (and vitest with `globals: true`) define. The cases need nothing else of the runner.
 *
 * @throws InvalidArgumentError when `options` are malformed (no name, no `create`, a bad capability
 *   or timeout), or when no runner is given and no global `describe` and `test` exist.
 */
export function describeStoreConformance<S extends Store = NamespacedStore>(options: StoreConformanceOptions<S>): void {
  const cases = conformanceCases(options);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isFinite(timeout) && timeout > 0)) {
    throw new InvalidArgumentError({ argument: "conformance option timeout", value: timeout, expected: "a positive number of milliseconds" });
  }
  const { describe, test } = resolveRunner(options.runner);
  describe(options.name, () => {
    for (const group of new Set(cases.map((entry) => entry.group))) {
      describe(group, () => {
        for (const entry of cases.filter((candidate) => candidate.group === group)) {
          if (entry.skipReason === undefined) test(entry.name, () => entry.run(), timeout);
          else test.skip(`${entry.name} (skipped: ${entry.skipReason})`, () => entry.run());
        }
      });
    }
  });
}
