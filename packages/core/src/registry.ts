import { DuplicateStoreError } from "./errors/duplicate-store-error.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { StoreClosedError } from "./errors/store-closed-error.js";
import { MemoryStore } from "./memory-store.js";
import { CONTRACT_METHODS, missingMethods } from "./resolve-store.js";
import type { NamespacedStore, Store } from "./store.js";

/** Makes the store for a name the registry has not seen yet. */
export type StoreFactory = (name: string) => Store;

/** Options of {@link StoreRegistry}. */
export interface StoreRegistryOptions {
  /** Stores registered up front, by name. */
  stores?: Record<string, Store> | Map<string, Store> | undefined;
  /**
   * Makes a store for an unknown name on its first `get`; the registry keeps and returns that
   * same instance afterwards. Left out, each name gets `root.withNamespace(name)` when `root` is
   * given, else a new `MemoryStore`.
   */
  defaultFactory?: StoreFactory | undefined;
  /**
   * One namespaced store that serves every name: an unregistered name gets
   * `root.withNamespace(name)`, made once. The registry owns it: `close()` closes the root after
   * the stores it holds, and with it the root's connection.
   */
  root?: NamespacedStore | undefined;
}

/** Options of {@link StoreRegistry.register}. */
export interface RegisterOptions {
  /** Replace a store already registered under the name instead of throwing. Default `false`. */
  allowOverride?: boolean | undefined;
}

function assertName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length === 0) {
    throw new InvalidArgumentError({ argument: "store name", value: name, expected: "a non-empty string" });
  }
}


function assertStore(store: unknown, name: string): asserts store is Store {
  const missing = missingMethods(store, CONTRACT_METHODS);
  if (missing.length > 0) {
    throw new InvalidArgumentError({
      argument: `store for ${JSON.stringify(name)}`,
      value: store,
      expected: `a Store (missing: ${missing.join(", ")})`,
    });
  }
}

/**
 * Named stores for an application and its integrations (conventionally `response_cache`,
 * `sessions`, `rate_limit`). A name that was never registered is created once by the default
 * factory and then always returns that instance. `close()` closes every store the registry
 * holds, the factory-made ones included.
 */
export class StoreRegistry {
  readonly #stores = new Map<string, Store>();
  readonly #defaultFactory: StoreFactory;
  readonly #root: NamespacedStore | undefined;
  #closed = false;

  /**
   * @throws InvalidArgumentError when `options`, a given store or the factory is not what it should be.
   */
  constructor(options: StoreRegistryOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError({ argument: "options", value: options, expected: "an object with stores, defaultFactory and/or root, or nothing" });
    }
    if (options.root !== undefined) {
      assertStore(options.root, "root");
      if (typeof options.root.withNamespace !== "function") {
        throw new InvalidArgumentError({ argument: "root", value: options.root, expected: "a NamespacedStore (one with withNamespace)" });
      }
    }
    if (options.defaultFactory !== undefined && typeof options.defaultFactory !== "function") {
      throw new InvalidArgumentError({ argument: "defaultFactory", value: options.defaultFactory, expected: "a function from a name to a store" });
    }
    const stores = options.stores instanceof Map ? options.stores : Object.entries(options.stores ?? {});
    for (const [name, store] of stores) this.register(name, store);
    const root = options.root;
    this.#root = root;
    this.#defaultFactory = options.defaultFactory ?? (root ? (name) => root.withNamespace(name) : () => new MemoryStore());
  }

  /**
   * The store registered as `name`, or the one the default factory makes for it (once).
   *
   * @throws StoreClosedError after `close()`; InvalidArgumentError for an empty name; whatever
   *   the factory throws (nothing is registered then).
   */
  get<T extends Store = Store>(name: string): T {
    this.#assertOpen("get a store from the registry");
    assertName(name);
    let store = this.#stores.get(name);
    if (store === undefined) {
      store = this.#defaultFactory(name);
      assertStore(store, name);
      this.#stores.set(name, store);
    }
    return store as T;
  }

  /**
   * Registers `store` as `name`.
   *
   * @throws DuplicateStoreError when the name is taken and `allowOverride` is not set (the
   *   registry is unchanged); StoreClosedError after `close()`.
   */
  register(name: string, store: Store, options: RegisterOptions = {}): void {
    this.#assertOpen("register a store");
    assertName(name);
    assertStore(store, name);
    if (this.#stores.has(name) && !options.allowOverride) throw new DuplicateStoreError({ storeName: name });
    this.#stores.set(name, store);
  }

  /** Whether a store is registered, or was already made by the default factory, for `name`. */
  has(name: string): boolean {
    return this.#stores.has(name);
  }

  /**
   * Closes every store the registry holds (each once, even when registered under several names)
   * and forgets them, then closes the `root`, if one was given. Idempotent. When some stores fail
   * to close, the others (and the root) are still closed and the call rejects with an
   * `AggregateError` of the failures.
   */
  async close(): Promise<void> {
    const first = !this.#closed;
    this.#closed = true;
    const stores = new Set(this.#stores.values());
    this.#stores.clear();
    const results = await Promise.allSettled([...stores].map((store) => store.close()));
    if (first && this.#root) results.push(...(await Promise.allSettled([this.#root.close()])));
    const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} store(s) failed to close`);
  }

  /** The same as {@link StoreRegistry.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new StoreClosedError({ operation, store: "StoreRegistry" });
  }
}
