import type { Duration } from "./duration.js";

/** Options of {@link Store.get}. */
export interface GetOptions {
  /**
   * When the entry has an expiry, move it to now + `renewFor` (atomically with the read). An
   * entry without expiry keeps having none; a missing or expired entry stays missing.
   */
  renewFor?: Duration | undefined;
}

/** Options of {@link Store.set}. */
export interface SetOptions {
  /** How long the entry lives. Left out, the entry never expires (and loses any earlier expiry). */
  expiresIn?: Duration | undefined;
}

/** Options of {@link Store.increment}. */
export interface IncrementOptions {
  /** What to add: a safe integer, zero and negative allowed. Default 1. */
  by?: number | undefined;
  /**
   * The expiry of an entry this call creates (a missing or expired key). A live entry keeps its
   * expiry exactly, so the hits inside a fixed window never extend it.
   */
  expiresIn?: Duration | undefined;
}

/** Options of {@link Store.setIfAbsent}. */
export interface SetIfAbsentOptions {
  /** How long the entry lives, when this call creates it. Left out, it never expires. */
  expiresIn?: Duration | undefined;
}

/**
 * The contract every Stowage store keeps: an async map from string keys to bytes, with expiry.
 *
 * Keys are non-empty, well-formed strings of at most 64 KiB in UTF-8; every character means
 * itself. Values are bytes: a string is stored as its UTF-8 encoding. Every method rejects with
 * `StoreClosedError` after `close()`, with `InvalidKeyError` / `InvalidArgumentError` for bad
 * input (nothing is changed then), and never resolves a write that did not happen.
 */
export interface Store {
  /**
   * The value of `key`, or `null` when it is missing or expired. The returned array is the
   * caller's: changing it never changes the store. With `renewFor`, an entry that has an expiry
   * gets a new one, now + `renewFor`.
   */
  get(key: string, options?: GetOptions): Promise<Uint8Array | null>;
  /**
   * Stores `value` under `key`, replacing value and expiry together. Without `expiresIn` the
   * entry never expires. The store keeps its own copy of `value`.
   */
  set(key: string, value: Uint8Array | string, options?: SetOptions): Promise<void>;
  /** Removes `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every entry of this store and of its descendant namespaces, and nothing else. */
  deleteAll(): Promise<void>;
  /** Whether `key` holds an entry that has not expired. */
  exists(key: string): Promise<boolean>;
  /**
   * Seconds until `key` expires, with millisecond resolution; `null` when the key is missing,
   * expired, or has no expiry.
   */
  expiresIn(key: string): Promise<number | null>;
  /**
   * Adds `by` (default 1) to the integer held under `key` and resolves the new value, atomically:
   * N concurrent increments by `by`, from any callers (and, on the file, Redis and Valkey stores,
   * any processes), move the value by exactly N × `by`. A missing or expired entry counts as 0
   * and is created, with `expiresIn` when given; a live entry keeps its expiry exactly. The entry
   * holds the number as decimal ASCII text (`-12`), so `get` returns those bytes and an entry set
   * to `"41"` increments to 42.
   *
   * @throws InvalidArgumentError when the entry does not hold such an integer, `by` is not a
   *   safe integer, or the result would leave ±(2^53-1); nothing is changed then.
   */
  increment(key: string, options?: IncrementOptions): Promise<number>;
  /**
   * Stores `value` under `key` only when no live entry exists (an expired one counts as absent)
   * and resolves `true`; otherwise changes nothing, the existing expiry included, and resolves
   * `false`. Of any number of concurrent calls on one key exactly one resolves `true`.
   */
  setIfAbsent(key: string, value: Uint8Array | string, options?: SetIfAbsentOptions): Promise<boolean>;
  /**
   * The keys of this namespace's live entries, exactly as they were set, in batches; never a
   * descendant namespace's keys, never an expired entry. Order is unspecified. A key live for the
   * whole iteration is yielded; one set or deleted during it may or may not be. Once the store is
   * closed, the next step rejects with `StoreClosedError`; breaking out of `for await` releases
   * what the iterator held.
   */
  keys(): AsyncIterableIterator<string>;
  /** Releases the store. Idempotent; every later operation rejects with `StoreClosedError`. */
  close(): Promise<void>;
  /** The same as {@link Store.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A {@link Store} that can hand out isolated child stores on the same storage and connection.
 * Every built-in store is one.
 */
export interface NamespacedStore extends Store {
  /** The names passed to `withNamespace` from the root store, in order; `[]` for a root. */
  readonly namespace: readonly string[];
  /**
   * A child store that sees only its own entries: the same key in a parent, a child and a
   * sibling are three different entries. Its `deleteAll` removes its entries and its
   * descendants' and nothing else. Closing a child closes that view only.
   *
   * @throws InvalidArgumentError when `name` is not a non-empty, well-formed string of at most
   *   1 KiB in UTF-8.
   */
  withNamespace(name: string): NamespacedStore;
}
