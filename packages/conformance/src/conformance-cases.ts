import { InvalidArgumentError, type NamespacedStore, type Store } from "@stowage/core";
import { amendMessage } from "./assertions.js";
import { basicCases } from "./basic.js";
import type { CaseDefinition, ResolvedCapabilities } from "./case-definition.js";
import { concurrencyCases } from "./concurrency.js";
import { expiryCases } from "./expiry.js";
import { incrementRejectionCases } from "./increment-rejections.js";
import { incrementCases } from "./increment.js";
import { keyCases } from "./keys.js";
import { lifecycleCases } from "./lifecycle.js";
import { listingIterationCases } from "./listing-iteration.js";
import { listingCases } from "./listing.js";
import { namespaceDeleteAllCases } from "./namespace-delete-all.js";
import { namespaceCases } from "./namespaces.js";
import { renewCases } from "./renew.js";
import type { ConformanceRunner } from "./runner.js";
import { setIfAbsentCases } from "./set-if-absent.js";
import { valueCases } from "./values.js";

/**
 * What the store under test can do, where the contract lets a store choose. Leave out what the
 * store does in full; everything else the suite checks is required of every store.
 */
export interface StoreCapabilities {
  /**
   * Whether the store is a `NamespacedStore` (has `withNamespace` and `namespace`). Default
   * `true`, as for every built-in store; a third-party plain `Store` sets `false`, and the cases
   * that need namespaces are reported as skipped.
   */
  namespaces?: boolean;
  /**
   * The size in bytes of the large value the suite writes and reads back whole. Default 8 MiB
   * (8,388,608). Lower it only for a backend whose documented value limit is smaller, and which
   * rejects larger values rather than truncating them.
   */
  largeValueBytes?: number;
  /**
   * Whether `keys()` may yield a key more than once during one iteration. Default `false`: the
   * memory and file stores, and any store that can keep track of where it is, never repeat a key.
   * Set it only for a backend that lists with a cursor which may itself repeat (Redis and Valkey
   * `SCAN`, while the server resizes its table). Every key must still be yielded, and nothing
   * but this namespace's live keys.
   */
  keysMayRepeat?: boolean;
}

/** How to run the suite against a store: see {@link describeStoreConformance}. */
export interface StoreConformanceOptions<S extends Store = NamespacedStore> {
  /** The title of the outer `describe` block, for example the store's class name. */
  name: string;
  /**
   * Makes a fresh store for one case, sync or async. It must see no entry of any other case: a
   * store on shared storage (a server, a directory) gets its own root namespace or directory.
   */
  create: () => S | Promise<S>;
  /**
   * Runs after every case, failed or not, with the store `create` made. Default: `store.close()`.
   * A case may already have closed the store, so cleanup must accept a closed store.
   */
  cleanup?: (store: S) => void | Promise<void>;
  /** What the store can do; see {@link StoreCapabilities}. */
  capabilities?: StoreCapabilities;
  /** Milliseconds each case may take under the runner. Default 20,000, generous for slow backends. */
  timeout?: number;
  /**
   * The test runner's `describe` and `test`, for `describeStoreConformance`: for example
   * `{ describe, test }` imported from `vitest`. Left out, the runner's globals are used (jest's,
   * or vitest's with `globals: true`). `conformanceCases` does not use it.
   */
  runner?: ConformanceRunner;
}

/** One conformance case, runnable without a test runner's `describe`/`test`. */
export interface ConformanceCase {
  /**
   * The concern: `basic`, `values`, `keys`, `expiry`, `renew`, `namespaces`, `lifecycle`,
   * `concurrency`, `increment`, `setIfAbsent` or `listing`.
   */
  group: string;
  /** What the case checks, as a sentence. */
  name: string;
  /** Why the case does not apply to this store (a declared capability); `run` then does nothing. */
  skipReason?: string;
  /**
   * Creates a fresh store, runs the case against it, then cleans up. Rejects when the store
   * breaks the contract (with a message saying how), or when `create` or `cleanup` fail.
   */
  run(): Promise<void>;
}

/** The groups in the order they run, each with the file that defines its cases. */
const GROUPS: ReadonlyArray<[string, (capabilities: ResolvedCapabilities) => CaseDefinition[]]> = [
  ["basic", basicCases],
  ["values", valueCases],
  ["keys", keyCases],
  ["expiry", expiryCases],
  ["renew", renewCases],
  ["namespaces", () => [...namespaceCases(), ...namespaceDeleteAllCases()]],
  ["lifecycle", lifecycleCases],
  ["concurrency", concurrencyCases],
  ["increment", () => [...incrementCases(), ...incrementRejectionCases()]],
  ["setIfAbsent", setIfAbsentCases],
  ["listing", (capabilities) => [...listingCases(capabilities), ...listingIterationCases(capabilities)]],
];

const DEFAULT_LARGE_VALUE_BYTES = 8 * 1_048_576;

function resolveCapabilities(options: StoreConformanceOptions<Store>): ResolvedCapabilities {
  const problem = (argument: string, value: unknown, expected: string) =>
    new InvalidArgumentError({ argument: `conformance option ${argument}`, value, expected });
  if (typeof options?.name !== "string" || options.name.length === 0) throw problem("name", options?.name, "a non-empty string");
  if (typeof options.create !== "function") throw problem("create", options.create, "a function returning a fresh store");
  if (options.cleanup !== undefined && typeof options.cleanup !== "function") throw problem("cleanup", options.cleanup, "a function or undefined");
  const { namespaces = true, largeValueBytes = DEFAULT_LARGE_VALUE_BYTES, keysMayRepeat = false } = options.capabilities ?? {};
  if (typeof namespaces !== "boolean") throw problem("capabilities.namespaces", namespaces, "true, false or undefined");
  if (typeof keysMayRepeat !== "boolean") throw problem("capabilities.keysMayRepeat", keysMayRepeat, "true, false or undefined");
  if (!Number.isSafeInteger(largeValueBytes) || largeValueBytes < 4) {
    throw problem("capabilities.largeValueBytes", largeValueBytes, "a whole number of bytes, at least 4");
  }
  return { namespaces, largeValueBytes, keysMayRepeat };
}

/**
 * Every conformance case for the store that `options` describes, as plain data: run each
 * case's `run()` in any test runner, or none (the cases bring their own assertions).
 * `describeStoreConformance` registers these same cases as tests.
 *
 * Each `run()` creates a fresh store with `options.create`, runs the case, and always calls
 * `options.cleanup` (default: `store.close()`). Cases may run concurrently with each other when
 * `create` gives each its own storage.
 *
 * @throws InvalidArgumentError when `options` are malformed (no name, no `create`, a bad capability).
 */
export function conformanceCases<S extends Store = NamespacedStore>(options: StoreConformanceOptions<S>): ConformanceCase[] {
  const capabilities = resolveCapabilities(options as unknown as StoreConformanceOptions<Store>);
  const cleanup = options.cleanup ?? ((store: S) => store.close());
  return GROUPS.flatMap(([group, define]) =>
    define(capabilities).map((definition): ConformanceCase => {
      const skipReason = definition.needsNamespaces && !capabilities.namespaces ? "the store declares capabilities.namespaces: false" : undefined;
      const run = async (): Promise<void> => {
        if (skipReason !== undefined) return;
        const store = await options.create();
        let failure: { error: unknown } | undefined;
        try {
          if (definition.needsNamespaces && typeof (store as Partial<NamespacedStore>).withNamespace !== "function") {
            throw new Error("The store has no withNamespace method; declare capabilities: { namespaces: false } for a plain Store.");
          }
          await definition.run(store as unknown as NamespacedStore);
        } catch (error) {
          failure = { error };
        }
        try {
          await cleanup(store);
        } catch (cleanupError) {
          if (!failure) throw cleanupError;
          throw amendMessage(failure.error, (message) => `${message}\n\nCleaning up the store failed too: ${String(cleanupError)}`);
        }
        if (failure) throw failure.error;
      };
      return skipReason === undefined ? { group, name: definition.name, run } : { group, name: definition.name, skipReason, run };
    }),
  );
}
