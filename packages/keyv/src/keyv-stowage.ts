import { InvalidArgumentError, StoreConfigurationError, type NamespacedStore } from "@stowage/core";
import { inBatches } from "./batches.js";
import { iteratorKey, locateKey, toNamespace, type LocatedKey } from "./keyv-keys.js";
import { Listeners, type Listener } from "./listeners.js";

/** Options of {@link KeyvStowage}. */
export interface KeyvStowageOptions {
  /**
   * Whether the adapter owns the store: `disconnect()` (Keyv's and cache-manager's) then closes
   * it. Default false: the store, and its connection, stay open for the rest of the application.
   */
  ownsStore?: boolean | undefined;
}

/** How many keys the iterator reads, and a namespace-less clear() deletes, at once. */
const BATCH = 64;

// ignoreBOM: a value that starts with U+FEFF keeps it, as Buffer#toString does.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * What Keyv expects back from a read: the string, or undefined for a missing entry. A Buffer
 * (what the Redis-protocol stores return) decodes itself, cheaper than a TextDecoder call for the
 * small values of a cache; both replace malformed UTF-8 the same way.
 */
function toText(bytes: Uint8Array | null): string | undefined {
  if (bytes === null) return undefined;
  return Buffer.isBuffer(bytes) ? bytes.toString("utf8") : utf8.decode(bytes);
}

function written(): boolean {
  return true;
}

/**
 * A Keyv storage adapter over any Stowage store: `new Keyv({ store: new KeyvStowage(store) })`,
 * and through Keyv cache-manager and NestJS's cache module, keep their entries in memory, files,
 * Redis or Valkey with Stowage's namespaces and expiry.
 *
 * Keyv's namespace `N` (its default `keyv` included) is `store.withNamespace(N)`; a Keyv without
 * a namespace uses the store itself. The namespace of each call is read from the `N:` prefix
 * Keyv puts on every key, so several Keyv instances on one adapter stay apart even though Keyv
 * keeps a single, mutable `namespace` on the adapter. Keyv's TTL (milliseconds) becomes the
 * entry's expiry in the store (a Redis key has a PTTL); values are the strings Keyv serialized,
 * stored as UTF-8.
 *
 * Every failure rejects (Keyv decides what to throw) and is also emitted as an `'error'` event;
 * the Stowage errors (`StoreUnavailableError`, `StoreClosedError`, ...) arrive unchanged.
 */
export class KeyvStowage {
  /**
   * What Keyv reads from an adapter. Keyv 5.6 uses an adapter's `iterator` only for the dialects
   * it lists; every Stowage store lists its keys, so the adapter declares the `redis` dialect,
   * whose shape (strings under `namespace:key`) it shares. Keyv reads nothing else from it.
   */
  // The name is Keyv's (the style guide's `options` cannot apply); its type for it is `any`,
  // and tests and plugins write options into it.
  // eslint-disable-next-line id-denylist, @typescript-eslint/no-explicit-any
  readonly opts: Record<string, any> = { dialect: "redis", url: "stowage://" };
  /** The store this adapter was built on. */
  readonly store: NamespacedStore;
  readonly #ownsStore: boolean;
  readonly #views = new Map<string, NamespacedStore>();
  readonly #listeners = new Listeners();
  /** Every namespace a Keyv gave this adapter (undefined for none), to tell them apart. */
  readonly #assigned = new Set<string | undefined>();
  readonly #known = new Set<string>();
  #namespace: string | undefined;

  /**
   * @param store - any Stowage store (a root or a namespace view); Keyv namespaces become its
   *   child namespaces.
   * @throws InvalidArgumentError when `store` is not a Stowage store (no `withNamespace`), or
   *   `ownsStore` is not a boolean.
   */
  constructor(store: NamespacedStore, options: KeyvStowageOptions = {}) {
    if (typeof store !== "object" || store === null || typeof (store as Partial<NamespacedStore>).withNamespace !== "function") {
      throw new InvalidArgumentError({ argument: "store", value: store, expected: "a Stowage store (a NamespacedStore, such as a MemoryStore or RedisStore)", store: "KeyvStowage" });
    }
    const ownsStore = (options as KeyvStowageOptions | null | undefined)?.ownsStore;
    if (ownsStore !== undefined && typeof ownsStore !== "boolean") {
      throw new InvalidArgumentError({ argument: "ownsStore", value: ownsStore, expected: "true, false or undefined", store: "KeyvStowage" });
    }
    this.store = store;
    this.#ownsStore = ownsStore === true;
  }

  /**
   * The namespace Keyv last gave this adapter (Keyv sets it on construction and whenever its
   * own `namespace` changes). Operations on keys take their namespace from the key's prefix
   * instead; `clear()` and the iterator use this one.
   */
  get namespace(): string | undefined {
    return this.#namespace;
  }

  set namespace(value: string | undefined) {
    const namespace = toNamespace(value);
    this.#namespace = namespace;
    this.#assigned.add(namespace);
    if (namespace !== undefined) this.#known.add(namespace);
  }

  // The single-key operations are the hot path of every cache: they hand back the store's own
  // promise with one `then`, instead of wrapping it in async functions.

  /** The value of `key`, or undefined when it is missing or expired. */
  get(key: string): Promise<string | undefined> {
    try {
      const located = this.#locate(key);
      return this.#view(located).get(located.key).then(toText, this.#fail);
    } catch (error) {
      return this.#fail(error);
    }
  }

  /** The values of `keys`, in order; undefined for each missing or expired one. */
  getMany(keys: string[]): Promise<Array<string | undefined>> {
    return this.#run(async () => {
      const values = await Promise.all(keys.map((key) => {
        const located = this.#locate(key);
        return this.#view(located).get(located.key);
      }));
      return values.map(toText);
    });
  }

  /**
   * Stores `value` (the string Keyv serialized, kept as UTF-8) under `key`. `ttl` is in
   * milliseconds and becomes the entry's expiry in the store; undefined or 0 (Keyv's "no TTL")
   * stores it without expiry.
   *
   * @throws InvalidArgumentError (as a rejection) when `ttl` is not a positive finite number,
   *   or `value` is neither a string nor bytes.
   */
  set(key: string, value: string | Uint8Array, ttl?: number): Promise<boolean> {
    try {
      const located = this.#locate(key);
      const view = this.#view(located);
      if (ttl === undefined || ttl === null || ttl === 0) return view.set(located.key, value).then(written, this.#fail);
      if (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < 0) {
        throw new InvalidArgumentError({ argument: "ttl", value: ttl, expected: "milliseconds as a positive finite number, or undefined for no expiry", store: "KeyvStowage" });
      }
      return view.set(located.key, value, { expiresIn: ttl / 1_000 }).then(written, this.#fail);
    } catch (error) {
      return this.#fail(error);
    }
  }

  /**
   * Removes `key`; resolves whether it held a live entry. The store's contract has no atomic
   * "delete and tell", so this is `exists` then `delete`: when several callers or processes
   * delete one key at the same moment, more than one of them can resolve true (the entry is
   * gone either way).
   */
  delete(key: string): Promise<boolean> {
    return this.#run(() => {
      const located = this.#locate(key);
      return this.#deleteLocated(located);
    });
  }

  /** Removes `keys`; resolves whether at least one of them held a live entry. */
  deleteMany(keys: string[]): Promise<boolean> {
    return this.#run(async () => {
      const deleted = await Promise.all(keys.map((key) => this.#deleteLocated(this.#locate(key))));
      return deleted.some(Boolean);
    });
  }

  /** Whether `key` holds a live entry. */
  has(key: string): Promise<boolean> {
    try {
      const located = this.#locate(key);
      return this.#view(located).exists(located.key).then(undefined, this.#fail);
    } catch (error) {
      return this.#fail(error);
    }
  }

  /** Whether each of `keys` holds a live entry, in order. */
  hasMany(keys: string[]): Promise<boolean[]> {
    return this.#run(() => Promise.all(keys.map((key) => {
      const located = this.#locate(key);
      return this.#view(located).exists(located.key);
    })));
  }

  /**
   * Removes every entry of the current Keyv namespace: `store.withNamespace(N).deleteAll()`,
   * which never touches another namespace (not even `cache2` next to `cache`) nor the store's
   * own entries. Without a namespace it removes the store's own entries, one by one through
   * `keys()`, and leaves its child namespaces (other Keyv instances' entries) alone.
   *
   * @throws StoreConfigurationError (as a rejection) when Keyv instances with different
   *   namespaces share this adapter: Keyv calls `clear()` without saying which instance asks,
   *   so the adapter refuses rather than clearing another one's entries. Give each Keyv its own
   *   `KeyvStowage` (they can share one store).
   */
  clear(): Promise<void> {
    return this.#run(async () => {
      // Each Keyv built on the adapter registers one 'error' listener and assigns its namespace.
      if (this.#listeners.count("error") > 1 && this.#assigned.size > 1) {
        const names = [...this.#assigned].map((name) => (name === undefined ? "(none)" : JSON.stringify(name))).join(", ");
        throw new StoreConfigurationError(
          `clear() is ambiguous: Keyv instances with the namespaces ${names} share this adapter, and Keyv does not say which one clears. ` +
            "Give each Keyv its own KeyvStowage (they can share one store).",
          { store: "KeyvStowage" },
        );
      }
      const namespace = this.#namespace;
      if (namespace !== undefined) return this.#view({ namespace, key: "" }).deleteAll();
      for await (const keys of inBatches(this.store.keys(), BATCH)) await Promise.all(keys.map((key) => this.store.delete(key)));
    });
  }

  /**
   * The live entries of `namespace` (Keyv passes its current one) as `[key, value]` pairs, keys
   * in the `namespace:key` form Keyv strips again, through the store's `keys()`: in batches,
   * never the whole namespace in memory, never a child namespace's entries.
   */
  async *iterator(namespace?: string): AsyncGenerator<[string, string], void, undefined> {
    const name = toNamespace(namespace);
    try {
      const view = this.#view({ namespace: name, key: "" });
      for await (const keys of inBatches(view.keys(), BATCH)) {
        const values = await Promise.all(keys.map((key) => view.get(key)));
        for (const [index, key] of keys.entries()) {
          const bytes = values[index];
          // A key deleted or expired since it was listed is skipped.
          if (bytes) yield [iteratorKey(name, key), toText(bytes)!];
        }
      }
    } catch (error) {
      this.#listeners.emit("error", error);
      throw error;
    }
  }

  /** Closes the store when the adapter owns it (`ownsStore: true`); otherwise leaves it open. */
  disconnect(): Promise<void> {
    return this.#run(async () => {
      if (this.#ownsStore) await this.store.close();
    });
  }

  /** Adds a listener: the adapter emits `'error'` with each failure (Keyv relays them). */
  on(event: string, listener: Listener): this {
    this.#listeners.add(event, listener);
    return this;
  }

  /** Removes a listener added with {@link KeyvStowage.on}. */
  off(event: string, listener: Listener): this {
    this.#listeners.remove(event, listener);
    return this;
  }

  /** Emits `error` as an `'error'` event, then rejects with it (a `then` handler, or returned from a catch). */
  readonly #fail = (error: unknown): Promise<never> => {
    this.#listeners.emit("error", error);
    return Promise.reject(error);
  };

  /** Runs `operation`, emitting its failure as an `'error'` event before rejecting with it. */
  #run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return operation().then(undefined, this.#fail);
    } catch (error) {
      return this.#fail(error);
    }
  }

  #locate(key: string): LocatedKey {
    if (typeof key !== "string") {
      throw new InvalidArgumentError({ argument: "key", value: key, expected: "a string", store: "KeyvStowage" });
    }
    return locateKey(key, this.#namespace, this.#known);
  }

  /** The store view of a Keyv namespace, made once. */
  #view(located: LocatedKey): NamespacedStore {
    if (located.namespace === undefined) return this.store;
    let view = this.#views.get(located.namespace);
    if (!view) this.#views.set(located.namespace, (view = this.store.withNamespace(located.namespace)));
    return view;
  }

  async #deleteLocated(located: LocatedKey): Promise<boolean> {
    const view = this.#view(located);
    // In this order, one after the other: sent together, a file store may unlink before it looks.
    // A key found missing is left alone (as if deleted just before a concurrent set).
    if (!(await view.exists(located.key))) return false;
    await view.delete(located.key);
    return true;
  }
}
