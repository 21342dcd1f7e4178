import { toIncrementAmount } from "./counter.js";
import { durationToMilliseconds } from "./duration.js";
import { InvalidArgumentError } from "./errors/invalid-argument-error.js";
import { StoreClosedError } from "./errors/store-closed-error.js";
import { assertValidNamespaceName, keyProblem, toStoredBytes } from "./keys.js";
import { InvalidKeyError } from "./errors/invalid-key-error.js";
import type { GetOptions, IncrementOptions, NamespacedStore, SetIfAbsentOptions, SetOptions } from "./store.js";

type MaybePromise<T> = T | Promise<T>;

/** Close state shared by a root store and every namespace view made from it. */
interface RootState {
  closing: Promise<void> | undefined;
}

/**
 * The shared half of every store: argument checks, duration parsing, the closed state, and
 * `await using`. A backend extends it and implements the protected `*Entry` methods, which only
 * ever see a valid key, the store's own copy of the value, and durations in whole milliseconds.
 *
 * Every public method rejects (never throws synchronously, except `withNamespace`) with
 * `StoreClosedError` once the store, or the root it was made from, is closed, and with
 * `InvalidKeyError` / `InvalidArgumentError` before touching storage.
 */
export abstract class BaseStore implements NamespacedStore {
  /** The names passed to `withNamespace` from the root store; `[]` for a root. */
  readonly namespace: readonly string[];
  readonly #root: RootState;
  readonly #isRoot: boolean;
  #viewClosed = false;
  #description: string | undefined;

  /**
   * @param parent - for a namespace view: the store it was made from, and the child's name.
   *   Left out for a root store.
   */
  protected constructor(parent?: { store: BaseStore; name: string }) {
    this.#isRoot = parent === undefined;
    // `concat` sizes the array exactly (a spread over-allocates): a store may hold many views.
    this.namespace = Object.freeze(parent ? parent.store.namespace.concat(parent.name) : []);
    this.#root = parent ? parent.store.#root : { closing: undefined };
  }

  /**
   * Whether `set` hands `writeEntry` a private copy of the caller's bytes (the default), so a
   * backend that keeps the array, or uses it after its write settles, is never affected by the
   * caller changing it later. A backend that has written or sent the bytes by the time its write
   * settles (a file), or that copies them itself, sets it to false and receives the caller's own
   * array (or the fresh UTF-8 encoding of a string).
   */
  protected readonly copiesValues: boolean = true;

  /**
   * Whether `writeEntry` and `writeEntryIfAbsent` receive a string value as the string itself
   * (false, the default: as its UTF-8 encoding). A string is immutable, so it needs no copy; a
   * backend whose client encodes strings more cheaply than bytes (ioredis writes a command of
   * strings as one string, but copies a command with bytes into a new Buffer) sets it to true and
   * must store the string's UTF-8 encoding. The value is validated the same way either way.
   */
  protected readonly acceptsStrings: boolean = false;

  /** The backend's name for messages, for example `MemoryStore`. */
  protected abstract readonly kind: string;

  /** How errors name this store: the backend and the namespace path (computed once, on first use). */
  get description(): string {
    this.#description ??=
      this.namespace.length === 0
        ? this.kind
        : `${this.kind}[${this.namespace.map((name) => JSON.stringify(name)).join(" > ")}]`;
    return this.#description;
  }

  /** Reads `key`; with `renewMs`, moves an existing expiry to now + `renewMs` atomically. */
  protected abstract readEntry(key: string, renewMs: number | undefined): MaybePromise<Uint8Array | null>;
  /**
   * Writes `value` with a time to live, or none when `ttlMs` is undefined. `value` is the store's
   * own copy when {@link BaseStore.copiesValues} is true; otherwise it may be the caller's array.
   * It is a string only when {@link BaseStore.acceptsStrings} is true and the caller gave one.
   */
  protected abstract writeEntry(key: string, value: Uint8Array | string, ttlMs: number | undefined): MaybePromise<void>;
  /** Removes `key` if present. */
  protected abstract deleteEntry(key: string): MaybePromise<void>;
  /** Removes every entry of this namespace and its descendants. */
  protected abstract deleteAllEntries(): MaybePromise<void>;
  /** Whether a live entry exists. */
  protected abstract hasEntry(key: string): MaybePromise<boolean>;
  /** Milliseconds left, or null when missing, expired or without expiry. */
  protected abstract entryTtl(key: string): MaybePromise<number | null>;
  /**
   * Adds `by` (a safe integer) to the counter under `key` and returns the new value, as one
   * atomic step: atomic within the process for a process-local store, across processes for a
   * shared one. A missing or expired entry counts as 0 and is created with `ttlMs` (none when
   * undefined); a live entry keeps its expiry. The core's `decodeCounter`, `addToCounter` and
   * `encodeCounter` give the exact text format and the errors to throw.
   */
  protected abstract incrementEntry(key: string, by: number, ttlMs: number | undefined): MaybePromise<number>;
  /**
   * Writes `value` only when no live entry holds `key`, as one atomic step (the same reach as
   * {@link BaseStore.incrementEntry}); returns whether it wrote. `value` is as for `writeEntry`.
   */
  protected abstract writeEntryIfAbsent(key: string, value: Uint8Array | string, ttlMs: number | undefined): MaybePromise<boolean>;
  /**
   * This namespace's live keys (never a descendant's), in batches, without holding the whole
   * namespace in memory. `BaseStore.keys` checks the closed state between batches and keys.
   */
  protected abstract listKeys(): AsyncIterable<readonly string[]>;
  /** A view on the same storage for the child namespace `name` (already validated). */
  protected abstract createChild(name: string): BaseStore;
  /** Releases what the root store holds (connections, timers). Called once, on the root only. */
  protected closeRoot(): MaybePromise<void> {}

  // The operations below are not `async`: they hand back the backend's own promise (or settle a
  // synchronous backend's result) instead of wrapping it in another, which saves every call a
  // promise and several microtask turns. Every failure, bad input included, still arrives as a
  // rejection, never as a synchronous throw.

  /** {@inheritDoc Store.get} */
  get(key: string, options?: GetOptions): Promise<Uint8Array | null> {
    try {
      this.#assertOpen("get");
      this.#assertKey(key);
      const renewFor = this.#option(options, "renewFor");
      const renewMs = renewFor === undefined ? undefined : this.checked((store) => durationToMilliseconds(renewFor, "renewFor", store));
      return Promise.resolve(this.readEntry(key, renewMs));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc Store.set} */
  set(key: string, value: Uint8Array | string, options?: SetOptions): Promise<void> {
    try {
      this.#assertOpen("set");
      this.#assertKey(key);
      const bytes = this.#bytes(value);
      return Promise.resolve(this.writeEntry(key, bytes, this.#ttl(options)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc Store.increment} */
  increment(key: string, options?: IncrementOptions): Promise<number> {
    try {
      this.#assertOpen("increment");
      this.#assertKey(key);
      const amount = this.#option(options, "by");
      const by = this.checked((store) => toIncrementAmount(amount, store));
      return Promise.resolve(this.incrementEntry(key, by, this.#ttl(options)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc Store.setIfAbsent} */
  setIfAbsent(key: string, value: Uint8Array | string, options?: SetIfAbsentOptions): Promise<boolean> {
    try {
      this.#assertOpen("setIfAbsent");
      this.#assertKey(key);
      const bytes = this.#bytes(value);
      return Promise.resolve(this.writeEntryIfAbsent(key, bytes, this.#ttl(options)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc Store.keys} */
  keys(): AsyncIterableIterator<string> {
    return this.#keys();
  }

  async *#keys(): AsyncGenerator<string, void, undefined> {
    this.#assertOpen("keys");
    try {
      for await (const batch of this.listKeys()) {
        for (const key of batch) {
          this.#assertOpen("keys");
          yield key;
        }
        this.#assertOpen("keys");
      }
    } catch (error) {
      // A listing cut short by close() (a connection closed mid-SCAN, a directory removed) fails
      // for that reason, whatever the backend answered.
      this.#assertOpen("keys");
      throw error;
    }
  }

  /** {@inheritDoc Store.delete} */
  delete(key: string): Promise<void> {
    try {
      this.#assertOpen("delete");
      this.#assertKey(key);
      return Promise.resolve(this.deleteEntry(key));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc Store.deleteAll} */
  deleteAll(): Promise<void> {
    try {
      this.#assertOpen("deleteAll");
      return Promise.resolve(this.deleteAllEntries());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc Store.exists} */
  exists(key: string): Promise<boolean> {
    try {
      this.#assertOpen("exists");
      this.#assertKey(key);
      return Promise.resolve(this.hasEntry(key));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc Store.expiresIn} */
  expiresIn(key: string): Promise<number | null> {
    try {
      this.#assertOpen("expiresIn");
      this.#assertKey(key);
      return Promise.resolve(this.entryTtl(key)).then(toSeconds);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@inheritDoc NamespacedStore.withNamespace} */
  withNamespace(name: string): this {
    this.#assertOpen("withNamespace");
    this.checked((store) => assertValidNamespaceName(name, store));
    return this.createChild(name) as this;
  }

  /**
   * Closes this store. On a namespace view it closes the view only; on the root it closes every
   * view made from it and releases the root's resources. Idempotent.
   */
  async close(): Promise<void> {
    this.#viewClosed = true;
    if (!this.#isRoot) return;
    this.#root.closing ??= Promise.resolve().then(() => this.closeRoot());
    return this.#root.closing;
  }

  /** The same as {@link BaseStore.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Whether this store (or the root it was made from) has been closed. */
  get closed(): boolean {
    return this.#viewClosed || this.#root.closing !== undefined;
  }

  /**
   * Runs `check` without this store's description, and only when it throws runs it again with
   * the description, so that it throws naming the store. A namespace view then builds its
   * description for error messages only, never on a valid call, and a kept view does not hold
   * it. `check` must be pure: a check of arguments, not an operation.
   */
  protected checked<T>(check: (store: string | undefined) => T): T {
    try {
      return check(undefined);
    } catch {
      return check(this.description);
    }
  }

  /**
   * `toStoredBytes` of a value to write (a string stays one for a backend that accepts strings);
   * the store's description is built only for a rejection.
   */
  #bytes(value: unknown): Uint8Array | string {
    if (typeof value === "string" && this.acceptsStrings) return value;
    const valid = typeof value === "string" || value instanceof Uint8Array;
    return toStoredBytes(value, valid ? undefined : this.description, this.copiesValues);
  }

  #assertKey(key: string): void {
    const reason = keyProblem(key);
    if (reason !== undefined) throw new InvalidKeyError({ key, reason, store: this.description });
  }

  /** Throws `StoreClosedError` when closed; for backends' own extra operations. */
  protected assertOpen(operation: string): void {
    this.#assertOpen(operation);
  }

  #assertOpen(operation: string): void {
    if (this.#viewClosed || this.#root.closing !== undefined) {
      throw new StoreClosedError({ operation, store: this.description });
    }
  }

  /** The `expiresIn` option in milliseconds, or undefined for no expiry. */
  #ttl(options: unknown): number | undefined {
    const expiresIn = this.#option(options, "expiresIn");
    return expiresIn === undefined ? undefined : this.checked((store) => durationToMilliseconds(expiresIn, "expiresIn", store));
  }

  #option<K extends string>(options: unknown, name: K): unknown {
    if (options === undefined) return undefined;
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError({ argument: "options", value: options, expected: `an object such as { ${name}: "30s" } or undefined`, store: this.description });
    }
    return (options as Record<K, unknown>)[name];
  }
}

/** What `expiresIn` answers for a backend's milliseconds left: seconds, or null for none. */
function toSeconds(ms: number | null): number | null {
  return ms === null || ms <= 0 ? null : ms / 1_000;
}
